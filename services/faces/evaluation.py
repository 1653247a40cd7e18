"""Measure verification accuracy on a labelled pairs CSV, through the service's own path.

Each image is enrolled once with ``FaceEngine.analyze`` (decode, gates, embedding: what an
enrollment or a clock-in runs) and each pair is decided with ``match_templates`` (what a
clock-in runs). Liveness does not take part in the decision here: it is reported apart, so
the figures say how well the *recogniser* separates people.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from services.faces.engine import DETECTOR_NAME, MODEL_NAME, FaceEngine
from services.faces.matching import distance, match_templates
from services.faces.reasons import FaceRejected

# thresholds printed in the ROC of each metric (plus the configured one)
ROC_THRESHOLDS: dict[str, tuple[float, ...]] = {
    "euclidean": tuple(round(0.30 + 0.05 * i, 2) for i in range(11)),  # 0.30 .. 0.80
    "cosine": tuple(round(0.03 + 0.01 * i, 2) for i in range(11)),  # 0.03 .. 0.13
    "euclidean_l2": tuple(round(0.25 + 0.025 * i, 3) for i in range(11)),  # 0.25 .. 0.50
}


def degrade_like_a_site_selfie(data: bytes) -> bytes:
    """480 px long side, 60% brightness, JPEG quality 45: a dim, compressed site selfie."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        im = im.convert("RGB")
        im.thumbnail((480, 480), Image.Resampling.LANCZOS)
        dimmed = Image.fromarray((np.asarray(im).astype(np.float32) * 0.6).astype(np.uint8))
    out = io.BytesIO()
    dimmed.save(out, "JPEG", quality=45)
    return out.getvalue()


@dataclass
class _Enrolled:
    embedding: np.ndarray | None = None
    rejected: str | None = None
    spoof_flagged: bool = False
    ms: float = 0.0


@dataclass
class PairsReport:
    rows: list[tuple[str, str, bool]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)


def read_pairs(csv_path: Path, images: Path) -> PairsReport:
    """Rows ``img1,img2,same``; a bad row or a missing file is reported, not fatal."""
    report = PairsReport()
    with csv_path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing_cols = {"img1", "img2", "same"} - set(reader.fieldnames or [])
        if missing_cols:
            raise ValueError(f"{csv_path}: header must be img1,img2,same (missing {sorted(missing_cols)})")
        for line_no, row in enumerate(reader, start=2):
            a, b, same = (
                (row.get("img1") or "").strip(),
                (row.get("img2") or "").strip(),
                (row.get("same") or "").strip(),
            )
            if not a or not b or same not in {"0", "1"}:
                report.problems.append({"line": line_no, "problem": "unreadable row", "row": row})
                continue
            lost = [name for name in (a, b) if not (images / name).is_file()]
            if lost:
                report.problems.append({"line": line_no, "problem": "missing file", "files": lost})
                continue
            report.rows.append((a, b, same == "1"))
    return report


def rates(decisions: list[tuple[bool, bool]]) -> dict[str, float | int]:
    """(accepted, same) pairs -> accuracy, FAR (impostors accepted), FRR (genuines refused)."""
    genuine = sum(1 for _, same in decisions if same)
    impostor = len(decisions) - genuine
    false_accepts = sum(1 for acc, same in decisions if acc and not same)
    false_rejects = sum(1 for acc, same in decisions if not acc and same)
    correct = len(decisions) - false_accepts - false_rejects
    return {
        "accuracy": round(correct / len(decisions), 4) if decisions else 0.0,
        "far": round(false_accepts / impostor, 4) if impostor else 0.0,
        "frr": round(false_rejects / genuine, 4) if genuine else 0.0,
        "false_accepts": false_accepts,
        "false_rejects": false_rejects,
    }


Cache = dict[tuple[str, bool], _Enrolled]


def analysed(engine: FaceEngine, path: Path, degraded: bool, cache: Cache) -> _Enrolled:
    """One photo through ``FaceEngine.analyze`` (the service path), at most once per cache."""
    key = (str(path), degraded)
    if key not in cache:
        data = path.read_bytes()
        if degraded:
            data = degrade_like_a_site_selfie(data)
        t0 = time.perf_counter()
        try:
            analysis = engine.analyze(data)
            item = _Enrolled(
                embedding=analysis.embedding,
                spoof_flagged=not analysis.spoof.is_real if analysis.spoof else False,
            )
        except FaceRejected as rejected:
            item = _Enrolled(rejected=rejected.code)
        item.ms = (time.perf_counter() - t0) * 1000
        cache[key] = item
    return cache[key]


def evaluate_pairs(
    engine: FaceEngine,
    csv_path: Path,
    images: Path,
    *,
    threshold: float | None = None,
    metric: str | None = None,
    degrade_second: bool = False,
    cache: Cache | None = None,
) -> dict[str, Any]:
    """Each image is analysed once (``cache``, reusable across calls), then every pair is decided."""
    threshold = engine.settings.threshold if threshold is None else threshold
    metric = metric or engine.settings.metric
    pairs = read_pairs(csv_path, images)
    cache = {} if cache is None else cache

    distances: list[tuple[float | None, bool]] = []
    for a, b, same in pairs.rows:
        first = analysed(engine, images / a, False, cache)
        second = analysed(engine, images / b, degrade_second, cache)
        if first.embedding is None or second.embedding is None:
            distances.append((None, same))  # the service refuses the selfie: no match
            continue
        match = match_templates(second.embedding, [first.embedding], threshold, metric)
        distances.append((match.distance, same))

    def decide(t: float) -> list[tuple[bool, bool]]:
        return [(d is not None and d <= t, same) for d, same in distances]

    roc = [{"threshold": t, **rates(decide(t))} for t in sorted({*ROC_THRESHOLDS.get(metric, ()), threshold})]
    used = {
        key: cache[key]
        for key in {
            (str(images / n), d) for a, b, _ in pairs.rows for n, d in ((a, False), (b, degrade_second))
        }
    }
    refusals: dict[str, int] = {}
    for item in used.values():
        if item.rejected:
            refusals[item.rejected] = refusals.get(item.rejected, 0) + 1
    scored = [(d, same) for d, same in distances if d is not None]
    genuine = [d for d, same in scored if same]
    impostor = [d for d, same in scored if not same]
    return {
        "pairs": len(pairs.rows),
        **rates(decide(threshold)),
        "threshold": threshold,
        "metric": metric,
        "model": MODEL_NAME,
        "model_version": engine.model_version,
        "detector": DETECTOR_NAME,
        "anti_spoof": engine.settings.anti_spoof,
        "degraded_second_image": degrade_second,
        "images": len(used),
        "mean_ms": round(float(np.mean([c.ms for c in used.values()])), 1) if used else 0.0,
        "rejected_images": {_label(n, d): c.rejected for (n, d), c in sorted(used.items()) if c.rejected},
        # images refused, per gate (reason code): each one is a retake at the site gate
        "refusals_by_gate": dict(sorted(refusals.items())),
        "refused_share": round(sum(refusals.values()) / len(used), 4) if used else 0.0,
        "spoof_flagged_images": sorted(_label(n, d) for (n, d), c in used.items() if c.spoof_flagged),
        "pairs_without_decision": sum(1 for d, _ in distances if d is None),
        "genuine_distance_max": round(max(genuine), 4) if genuine else None,
        "impostor_distance_min": round(min(impostor), 4) if impostor else None,
        "problems": pairs.problems,
        "roc": roc,
    }


def _label(path: str, degraded: bool) -> str:
    return Path(path).name + (" (degraded)" if degraded else "")


# ---------------------------------------------------------------- multi-frame templates


def identities(rows: list[tuple[str, str, bool]]) -> list[list[str]]:
    """People in a pairs CSV: the groups of photos joined by ``same`` pairs (union-find)."""
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        parent.setdefault(name, name)
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for a, b, same in rows:
        root(a), root(b)
        if same:
            parent[root(a)] = root(b)
    groups: dict[str, list[str]] = {}
    for name in parent:
        groups.setdefault(root(name), []).append(name)
    return sorted(sorted(g) for g in groups.values())


def evaluate_templates(
    engine: FaceEngine,
    csv_path: Path,
    images: Path,
    *,
    max_frames: int = 3,
    threshold: float | None = None,
    metric: str | None = None,
    degrade_second: bool = False,
    cache: Cache | None = None,
) -> dict[str, Any]:
    """Enroll each person with every choice of k of their photos (k = 1..max_frames) and check
    all their other photos (genuine) and everyone else's (impostors) against the closest of
    the k templates, as a clock-in does. k = 1 is the single-frame enrollment."""
    from itertools import combinations

    threshold = engine.settings.threshold if threshold is None else threshold
    metric = metric or engine.settings.metric
    cache = {} if cache is None else cache
    rows = read_pairs(csv_path, images).rows
    people = identities(rows)
    names = [n for person in people for n in person]
    enrolled = {n: analysed(engine, images / n, False, cache).embedding for n in names}
    probes = {n: analysed(engine, images / n, degrade_second, cache).embedding for n in names}
    dist = {
        (a, b): distance(enrolled[a], probes[b], metric)
        for a in names
        for b in names
        if a != b and enrolled[a] is not None and probes[b] is not None
    }
    by_k = []
    for k in range(1, max_frames + 1):
        tally = {"enrollments": 0, "genuine": 0, "impostor": 0, "false_accepts": 0, "false_rejects": 0}
        # the same people for every k: those with a photo left to verify after max_frames
        for person in (p for p in people if len(p) > max_frames):
            others = [n for n in names if n not in person]
            for frames in combinations(person, k):
                if any(enrolled[n] is None for n in frames):
                    continue  # a frame was refused: the worker retakes it
                tally["enrollments"] += 1
                for probe, same in [(n, True) for n in person if n not in frames] + [
                    (n, False) for n in others
                ]:
                    closest = min((dist.get((f, probe), float("inf")) for f in frames), default=float("inf"))
                    accepted = closest <= threshold  # a refused probe is never accepted
                    tally["genuine" if same else "impostor"] += 1
                    tally["false_rejects"] += same and not accepted
                    tally["false_accepts"] += accepted and not same
        by_k.append(
            {
                "frames": k,
                **tally,
                "far": round(tally["false_accepts"] / tally["impostor"], 4) if tally["impostor"] else 0.0,
                "frr": round(tally["false_rejects"] / tally["genuine"], 4) if tally["genuine"] else 0.0,
            }
        )
    return {"threshold": threshold, "metric": metric, "people": len(people), "by_frames": by_k}
