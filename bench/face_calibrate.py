"""Where the face engine's operating point and gate limits come from: measured, not guessed.

    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python bench/face_calibrate.py [--json] [--fresh]

Every photo of ``../shared/faces`` (web portraits, ``pairs.csv``) and ``../shared/faces/lfw``
(``lfw/pairs.csv``) goes once through the engine's own ``measure`` (detection, subject choice,
landmarks, pose, light, focus) and ``embed`` (the 128-d descriptor), *without* the quality
gates, in several variants of the second photo of a pair:

- ``clean``; ``degraded`` (480 px, 60 % brightness, JPEG q45: the eval's ``--degrade``);
- ``size{N}``: the photo shrunk so the face box is N px (what the recogniser still separates);
- ``blur{F}``: Gaussian blur with sigma = F x the face's width (blur relative to face size).

Then it prints: the ROC of each candidate distance (euclidean, cosine, euclidean of
L2-normalised) over all pairs, clean and degraded pooled; FAR/FRR by face size; focus scores
of real photos against blurred ones with the FRR they cause; the pose and light of real
photos. Results are cached per image in ``instance/face_calibration.pkl`` (``--fresh`` redoes).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.faces.weights import REPO_ROOT, seed_weights, shared_dir  # noqa: E402

SIZES = (40, 50, 60, 70, 80, 100)
BLURS = (0.01, 0.02, 0.03, 0.04, 0.06, 0.08)
CACHE = REPO_ROOT / "instance" / "face_calibration.pkl"
METRIC_GRIDS = {
    "euclidean": [round(0.40 + 0.01 * i, 2) for i in range(26)],
    "cosine": [round(0.040 + 0.005 * i, 3) for i in range(17)],
    "euclidean_l2": [round(0.28 + 0.01 * i, 2) for i in range(17)],
}


def sets() -> dict[str, tuple[Path, Path]]:
    faces = shared_dir() / "faces"
    return {"web": (faces / "pairs.csv", faces), "lfw": (faces / "lfw" / "pairs.csv", faces / "lfw")}


def variant_rgb(clean: np.ndarray, data: bytes, variant: str, face_px: int | None) -> np.ndarray | None:
    import cv2

    from services.faces.evaluation import degrade_like_a_site_selfie
    from services.faces.imaging import decode_image

    if variant == "clean":
        return clean
    if variant == "degraded":
        return decode_image(degrade_like_a_site_selfie(data))
    if face_px is None:
        return None
    if variant.startswith("size"):
        scale = int(variant[4:]) / face_px
        if scale >= 1:
            return None
        return cv2.resize(clean, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    sigma = float(variant[4:]) * face_px
    return cv2.GaussianBlur(clean, (0, 0), sigma)


def measure(engine: Any, rgb: np.ndarray) -> dict[str, Any]:
    from services.faces.imaging import sharpness_score
    from services.faces.reasons import FaceRejected

    try:
        face = engine.measure(rgb)
    except FaceRejected as rejected:
        return {"rejected": rejected.code, "details": rejected.details}
    import cv2

    chip = engine._dlib.get_face_chip(rgb, face.shape5, size=150, padding=0.25)
    return {
        "face_px": face.face_px,
        "others": face.others,
        "box": face.box,
        "image": (rgb.shape[1], rgb.shape[0]),
        "yaw": face.pose.yaw,
        "pitch": face.pose.pitch,
        "brightness": face.brightness,
        "sharpness": face.sharpness,
        "chip_sharpness": sharpness_score(cv2.cvtColor(chip, cv2.COLOR_RGB2GRAY)),
        "embedding": engine.embed(rgb, face),
    }


def collect(engine: Any, fresh: bool) -> dict[tuple[str, str, str], dict[str, Any]]:
    from services.faces.evaluation import read_pairs
    from services.faces.imaging import decode_image

    cache: dict[tuple[str, str, str], dict[str, Any]] = {}
    if CACHE.is_file() and not fresh:
        cache = pickle.loads(CACHE.read_bytes())
    variants = ["clean", "degraded", *(f"size{n}" for n in SIZES), *(f"blur{f}" for f in BLURS)]
    for set_name, (csv_path, images) in sets().items():
        names = sorted({n for a, b, _ in read_pairs(csv_path, images).rows for n in (a, b)})
        for name in names:
            data = (images / name).read_bytes()
            clean = decode_image(data)
            for variant in variants:
                key = (set_name, name, variant)
                if key in cache:
                    continue
                base = cache.get((set_name, name, "clean")) or {}
                rgb = variant_rgb(clean, data, variant, base.get("face_px"))
                cache[key] = {"skipped": True} if rgb is None else measure(engine, rgb)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_bytes(pickle.dumps(cache))
    return cache


def pair_distances(
    cache: dict, metric: str, second_variant: str, sets_only: tuple[str, ...] = ("web", "lfw")
) -> list[tuple[float | None, bool, str]]:
    """(distance or None when a side has no face, same, why-none) over every pair of the sets."""
    from services.faces.evaluation import read_pairs
    from services.faces.matching import distance

    out = []
    for set_name, (csv_path, images) in sets().items():
        if set_name not in sets_only:
            continue
        for a, b, same in read_pairs(csv_path, images).rows:
            first, second = cache[(set_name, a, "clean")], cache[(set_name, b, second_variant)]
            if second.get("skipped"):
                continue
            if "embedding" not in first or "embedding" not in second:
                out.append((None, same, second.get("rejected") or first.get("rejected") or "?"))
                continue
            out.append((distance(first["embedding"], second["embedding"], metric), same, ""))
    return out


def counts(scored: list[tuple[float | None, bool, str]], threshold: float) -> dict[str, Any]:
    genuine = sum(1 for _, s, _ in scored if s)
    impostor = len(scored) - genuine
    fa = sum(1 for d, s, _ in scored if not s and d is not None and d <= threshold)
    fr = sum(1 for d, s, _ in scored if s and (d is None or d > threshold))
    return {
        "threshold": threshold,
        "far": round(fa / impostor, 4) if impostor else 0.0,
        "frr": round(fr / genuine, 4) if genuine else 0.0,
        "false_accepts": fa,
        "false_rejects": fr,
        "genuine": genuine,
        "impostor": impostor,
    }


def roc_by_metric(cache: dict) -> dict[str, Any]:
    """All pairs, first photo clean, second clean and degraded pooled (3,050 decisions)."""
    out = {}
    for metric, grid in METRIC_GRIDS.items():
        scored = pair_distances(cache, metric, "clean") + pair_distances(cache, metric, "degraded")
        genuine = sorted(d for d, s, _ in scored if s and d is not None)
        impostor = sorted(d for d, s, _ in scored if not s and d is not None)
        out[metric] = {
            "impostor_min": round(impostor[0], 4),
            "impostor_p01": round(float(np.percentile(impostor, 1)), 4),
            "genuine_max": round(genuine[-1], 4),
            "genuine_p95": round(float(np.percentile(genuine, 95)), 4),
            "roc": [counts(scored, t) for t in grid],
        }
    return out


def by_face_size(cache: dict, metric: str, threshold: float) -> list[dict[str, Any]]:
    rows = []
    for variant in ("clean", *(f"size{n}" for n in reversed(SIZES))):
        scored = pair_distances(cache, metric, variant)
        lost = sum(1 for d, _, _ in scored if d is None)
        rows.append({"second_photo": variant, "no_face": lost, **counts(scored, threshold)})
    return rows


def by_blur(cache: dict, metric: str, threshold: float) -> list[dict[str, Any]]:
    rows = []
    for variant in ("clean", "degraded", *(f"blur{f}" for f in BLURS)):
        items = [v for (_, _, var), v in cache.items() if var == variant and "sharpness" in v]
        sharp = np.array([v["sharpness"] for v in items])
        chip = np.array([v["chip_sharpness"] for v in items])
        scored = pair_distances(cache, metric, variant)
        rows.append(
            {
                "second_photo": variant,
                "sharpness_min": round(float(sharp.min()), 1),
                "sharpness_p5": round(float(np.percentile(sharp, 5)), 1),
                "sharpness_median": round(float(np.median(sharp)), 1),
                "sharpness_max": round(float(sharp.max()), 1),
                "chip_sharpness_min": round(float(chip.min()), 1),
                "chip_sharpness_median": round(float(np.median(chip)), 1),
                **counts(scored, threshold),
            }
        )
    return rows


def real_photo_stats(cache: dict) -> dict[str, Any]:
    out = {}
    for variant in ("clean", "degraded"):
        items = {f"{s}/{n}": v for (s, n, var), v in cache.items() if var == variant and "yaw" in v}
        out[variant] = {
            "photos": len(items),
            "refused_by_subject_choice": sorted(
                f"{s}/{n}: {v['rejected']}"
                for (s, n, var), v in cache.items()
                if var == variant and "rejected" in v
            ),
            "abs_yaw_max": round(max(abs(v["yaw"]) for v in items.values()), 1),
            "abs_pitch_max": round(max(abs(v["pitch"]) for v in items.values()), 1),
            "abs_pitch_p95": round(float(np.percentile([abs(v["pitch"]) for v in items.values()], 95)), 1),
            "brightness_min": round(min(v["brightness"] for v in items.values()), 1),
            "face_px_min": min(v["face_px"] for v in items.values()),
            "with_background_faces": sorted(
                f"{k} {v['face_px']} vs {[o[2] for o in v['others']]}"
                for k, v in items.items()
                if v["others"]
            ),
            "most_turned": sorted(
                ((k, round(v["yaw"], 1), round(v["pitch"], 1)) for k, v in items.items()),
                key=lambda t: -max(abs(t[1]), abs(t[2])),
            )[:6],
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--fresh", action="store_true", help="ignore the cached measurements")
    parser.add_argument("--metric", default=None, help="for the size and blur tables (default: the engine's)")
    parser.add_argument("--threshold", type=float, default=None)
    args = parser.parse_args()

    from services.faces.engine import get_engine

    seed_weights()
    engine = get_engine()
    metric = args.metric or engine.settings.metric
    threshold = engine.settings.threshold if args.threshold is None else args.threshold
    cache = collect(engine, args.fresh)
    report = {
        "metric": metric,
        "threshold": threshold,
        "roc_by_metric": roc_by_metric(cache),
        "by_face_size": by_face_size(cache, metric, threshold),
        "by_blur": by_blur(cache, metric, threshold),
        "real_photos": real_photo_stats(cache),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, default=float))
        return 0
    for metric_name, block in report["roc_by_metric"].items():
        print(f"\n## {metric_name}: impostor min {block['impostor_min']}, genuine max {block['genuine_max']}")
        print("| threshold | FAR | FRR | false accepts | false rejects |\n|---|---|---|---|---|")
        for r in block["roc"]:
            print(
                f"| {r['threshold']} | {r['far']:.4f} | {r['frr']:.4f} | {r['false_accepts']} | {r['false_rejects']} |"
            )
    for title in ("by_face_size", "by_blur"):
        print(f"\n## {title} ({metric} <= {threshold})")
        for r in report[title]:
            print(json.dumps(r, default=float))
    print("\n## real photos")
    print(json.dumps(report["real_photos"], indent=1, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
