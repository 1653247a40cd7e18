"""``flask faces ...``: calibrate, try and maintain the face checks from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from services.faces import challenge
from services.faces.engine import FaceEngine, match_templates
from services.faces.reasons import FaceRejected
from services.faces.runtime import face_engine
from services.settings import settings
from workers.maintenance import fail_stale_face_checks, purge_face_evidence


@click.group("faces", help="人脸核验：评估、比对、活体、证据清理")
def faces_cli() -> None:
    pass


def _engine() -> FaceEngine:
    return face_engine()


def _emit(payload: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False))
    else:
        for key, value in payload.items():
            click.echo(f"{key}: {value}")


def _analyze(engine, path: Path, **kwargs: Any) -> dict[str, Any]:
    """One photo through the service path; a refusal is a result, not a crash."""
    try:
        analysis = engine.analyze(path.read_bytes(), **kwargs)
    except FaceRejected as rejected:
        return {
            "file": str(path),
            "ok": False,
            "code": rejected.code,
            "message": rejected.message,
            **rejected.details,
        }
    spoof = analysis.spoof
    return {
        "file": str(path),
        "ok": True,
        "face_box": list(analysis.face.box),
        "yaw": round(analysis.face.pose.yaw, 1),
        "pitch": round(analysis.face.pose.pitch, 1),
        "is_real": None if spoof is None else spoof.is_real,
        "anti_spoof_score": None if spoof is None else round(spoof.real_score, 4),
        "ms": analysis.timings_ms["total"],
        "_embedding": analysis.embedding,
    }


@faces_cli.command("eval", help="Accuracy / FAR / FRR / ROC on a pairs CSV (header img1,img2,same).")
@click.argument("pairs_csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--images", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True)
@click.option("--threshold", type=float, default=None, help="default: the configured FACE_THRESHOLD")
@click.option(
    "--metric",
    type=click.Choice(["euclidean", "cosine", "euclidean_l2"]),
    default=None,
    help="distance between descriptors (default: the engine's; give --threshold on its scale)",
)
@click.option("--degrade", is_flag=True, help="shrink/darken/recompress the 2nd image like a site selfie")
@click.option(
    "--frames",
    type=click.IntRange(1, 5),
    default=None,
    help="also enroll each person with k = 1..N of their photos and verify the others (multi_frame)",
)
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@with_appcontext
def eval_command(
    pairs_csv: Path,
    images: Path,
    threshold: float | None,
    metric: str | None,
    degrade: bool,
    frames: int | None,
    as_json: bool,
) -> None:
    from services.faces.evaluation import evaluate_pairs, evaluate_templates

    engine, cache = _engine(), {}
    options: dict[str, Any] = {"threshold": threshold, "metric": metric, "degrade_second": degrade}
    try:
        report = evaluate_pairs(engine, pairs_csv, images, cache=cache, **options)
        if frames:
            report["multi_frame"] = evaluate_templates(
                engine, pairs_csv, images, max_frames=frames, cache=cache, **options
            )
    except (ValueError, UnicodeDecodeError) as exc:
        click.echo(
            json.dumps({"error": str(exc)}, ensure_ascii=False) if as_json else f"error: {exc}",
            err=not as_json,
        )
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
        return
    roc = report.pop("roc")
    _emit(report, False)
    click.echo("\n| threshold | accuracy | FAR | FRR |\n|---|---|---|---|")
    for row in roc:
        click.echo(
            f"| {row['threshold']:.2f} | {row['accuracy']:.4f} | {row['far']:.4f} | {row['frr']:.4f} |"
        )


@faces_cli.command("verify", help="Are A and B the same person? Prints the decision with its scores.")
@click.argument("a", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("b", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def verify_command(a: Path, b: Path, as_json: bool) -> None:
    engine = _engine()
    first, second = _analyze(engine, a), _analyze(engine, b)
    settings = engine.settings
    payload: dict[str, Any] = {
        "threshold": settings.threshold,
        "metric": settings.metric,
        "model": engine.model_version,
    }
    if first["ok"] and second["ok"]:
        match = match_templates(
            second.pop("_embedding"), [first.pop("_embedding")], settings.threshold, settings.metric
        )
        payload.update(same_person=match.matched, distance=round(match.distance, 4))
        payload["decision"] = "同一人" if match.matched else "不是同一人"
    else:
        payload.update(same_person=None, decision="无法比对")
    first.pop("_embedding", None)
    second.pop("_embedding", None)
    payload.update(a=first, b=second)
    _emit(payload, as_json)
    sys.exit(0 if payload["same_person"] else 1)


@faces_cli.command("liveness", help="Passive anti-spoofing on one photo (FasNet); optional challenge frames.")
@click.argument("photo", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--frame",
    "frames",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="later challenge frame(s); with --movement",
)
@click.option("--movement", type=click.Choice(list(challenge.MOVEMENTS)))
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def liveness_command(photo: Path, frames: tuple[Path, ...], movement: str | None, as_json: bool) -> None:
    engine = _engine()
    result = _analyze(engine, photo, require_frontal=False)
    result.pop("_embedding", None)
    payload: dict[str, Any] = {"live": bool(result.get("is_real")), **result}
    if frames:
        if movement is None:
            raise click.UsageError("--frame needs --movement")
        data = [photo.read_bytes(), *(f.read_bytes() for f in frames)]
        try:
            done = challenge.check_frames(engine, data, movement)
            payload["challenge"] = {
                "passed": True,
                "moved_deg": done.moved_deg,
                "distances": done.frame_distances,
            }
        except FaceRejected as rejected:
            payload["challenge"] = {
                "passed": False,
                "code": rejected.code,
                "message": rejected.message,
                **rejected.details,
            }
        payload["live"] = payload["challenge"]["passed"]
    payload["decision"] = "活体" if payload["live"] else "疑似非活体"
    _emit(payload, as_json)
    sys.exit(0 if payload["live"] else 1)


@faces_cli.command("purge-evidence", help="Drop evidence photos older than FACE_EVIDENCE_RETENTION_DAYS.")
@click.option("--days", type=int, default=None, help="override the configured retention")
@with_appcontext
def purge_evidence_command(days: int | None) -> None:
    count = purge_face_evidence(days=days)
    shown = days if days is not None else settings().faces.retention_days
    click.echo(f"purged {count} evidence photo(s) older than {shown} days")


@faces_cli.command("fail-stale", help="Mark checks whose job never finished as error (after RQ gave up).")
@click.option("--minutes", type=int, default=30)
@with_appcontext
def fail_stale_command(minutes: int) -> None:
    click.echo(f"closed {fail_stale_face_checks(minutes=minutes)} stale check(s)")
