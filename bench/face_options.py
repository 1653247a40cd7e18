"""Can the engine reject fewer genuine pairs without eating its margin to the nearest impostor?

    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python bench/face_calibrate.py   # fills the cache first
    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python bench/face_options.py [--json]

All shared pairs (web ``pairs.csv`` + ``lfw/pairs.csv``, second photo clean and degraded: 3,050
decisions), each candidate scored the way the service decides: the first photo goes through the
enrollment gates, the second through the check's gates, euclidean distance. Candidates:

- ``current``: the engine as it is (frontal limit 50 deg on both sides, threshold 0.55);
- ``verify_yaw_60``: the check's selfie may be turned up to 60 deg, enrollment stays at 50;
- ``no_pose_gate``: no frontal limit anywhere (what raw dlib does);
- ``jitter10_enrol``: the enrolled template is dlib's descriptor averaged over 10 jittered copies
  of the chip (``num_jitters=10``), the check stays one pass (the speed goal is about the check);
- ``jitter10_both``, ``padding_0.15``, ``padding_0.35``: clean pairs only (they need new
  descriptors of the degraded photos too; the clean half already ranks them).

Each candidate's false rejects are compared **at equal margin** below its own nearest impostor:
moving the threshold up is free on these 3,050 decisions, so an option only helps if it rejects
fewer genuine pairs than the current engine at the same distance from the nearest impostor. The
impostor distances' mean and sd give a Gaussian tail estimate of FAR at each threshold (the
empirical 1st percentile lies above the fitted one, so the estimate is on the safe side).

Jittered and re-padded descriptors are cached in ``instance/face_options.pkl``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
from collections.abc import Callable
from math import erfc, sqrt
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.face_calibrate import CACHE, sets  # noqa: E402
from services.faces.weights import REPO_ROOT, seed_weights  # noqa: E402

OPTIONS_CACHE = REPO_ROOT / "instance" / "face_options.pkl"
MARGINS = (0.044, 0.03, 0.02, 0.015)
THRESHOLDS = (0.55, 0.56, 0.57, 0.58, 0.59)
CHIPS = ((0.25, 0), (0.25, 10), (0.15, 0), (0.35, 0))  # (padding, num_jitters)
Embed = Callable[[str, str], np.ndarray]


def descriptors(fresh: bool) -> dict[tuple[str, str], dict[tuple[float, int], np.ndarray]]:
    """Per clean photo: dlib's descriptor for each chip padding / jitter count."""
    from services.faces.engine import get_engine
    from services.faces.evaluation import read_pairs
    from services.faces.imaging import decode_image
    from services.faces.reasons import FaceRejected

    if OPTIONS_CACHE.is_file() and not fresh:
        return pickle.loads(OPTIONS_CACHE.read_bytes())
    seed_weights()
    engine = get_engine()
    dlib_model = engine._recogniser.model.model  # dlib.face_recognition_model_v1
    out: dict[tuple[str, str], dict[tuple[float, int], np.ndarray]] = {}
    for set_name, (csv_path, images) in sets().items():
        for name in sorted({n for a, b, _ in read_pairs(csv_path, images).rows for n in (a, b)}):
            rgb = decode_image((images / name).read_bytes())
            try:
                face = engine.measure(rgb)
            except FaceRejected:
                continue
            out[(set_name, name)] = {}
            for padding, jitters in CHIPS:
                chip = engine._dlib.get_face_chip(rgb, face.shape5, size=150, padding=padding)
                vector = (
                    dlib_model.compute_face_descriptor(chip, jitters)
                    if jitters
                    else dlib_model.compute_face_descriptor(chip)
                )
                out[(set_name, name)][(padding, jitters)] = np.array(vector)
    OPTIONS_CACHE.write_bytes(pickle.dumps(out))
    return out


def passes(m: dict[str, Any], max_yaw: float) -> bool:
    """The engine's gates, from the calibration cache's measurements (EngineSettings defaults)."""
    from services.faces.engine import EngineSettings

    s = EngineSettings()
    return (
        "embedding" in m
        and m["face_px"] >= s.min_face_px
        and m["sharpness"] >= s.min_sharpness
        and m["brightness"] >= s.min_brightness
        and abs(m["yaw"]) <= max_yaw
        and abs(m["pitch"]) <= s.max_pitch_deg
    )


def scored(
    cache: dict, variants: tuple[str, ...], first: Embed, second: Embed, yaw: tuple[float, float]
) -> tuple[list[float | None], list[float | None]]:
    """Genuine and impostor distances; None where a gate refused one of the photos."""
    from services.faces.evaluation import read_pairs

    genuine: list[float | None] = []
    impostor: list[float | None] = []
    for set_name, (csv_path, images) in sets().items():
        for variant in variants:
            for a, b, same in read_pairs(csv_path, images).rows:
                fa, fb = cache[(set_name, a, "clean")], cache[(set_name, b, variant)]
                d = None
                if passes(fa, yaw[0]) and passes(fb, yaw[1]):
                    eb = second(set_name, b) if variant == "clean" else fb["embedding"]
                    d = float(np.linalg.norm(first(set_name, a) - eb))
                (genuine if same else impostor).append(d)
    return genuine, impostor


def rejects(genuine: list[float | None], t: float) -> int:
    return sum(1 for d in genuine if d is None or d > t)


def summary(genuine: list[float | None], impostor_all: list[float | None]) -> dict[str, Any]:
    impostor = [d for d in impostor_all if d is not None]
    nearest, mu, sd = min(impostor), float(np.mean(impostor)), float(np.std(impostor))
    return {
        "decisions": len(genuine) + len(impostor_all),
        "impostor_refused": len(impostor_all) - len(impostor),
        "genuine": len(genuine),
        "impostor_min": round(nearest, 4),
        "impostor_p01": round(float(np.percentile(impostor, 1)), 4),
        "by_threshold": [
            {
                "threshold": t,
                "false_accepts": sum(1 for d in impostor if d <= t),
                "false_rejects": rejects(genuine, t),
                "frr": round(rejects(genuine, t) / len(genuine), 4),
                "far_gaussian_tail": round(0.5 * erfc((mu - t) / sd / sqrt(2)), 5),
            }
            for t in THRESHOLDS
        ],
        "at_equal_margin": [
            {"margin": m, "threshold": round(nearest - m, 3), "false_rejects": rejects(genuine, nearest - m)}
            for m in MARGINS
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--fresh", action="store_true", help="recompute the jittered/re-padded descriptors")
    args = parser.parse_args()
    if not CACHE.is_file():
        sys.exit("run bench/face_calibrate.py first (it fills instance/face_calibration.pkl)")
    cache = pickle.loads(CACHE.read_bytes())
    desc = descriptors(args.fresh)

    def chip(padding: float, jitters: int) -> Embed:
        return lambda s, n: desc[(s, n)][(padding, jitters)]

    base, both = chip(0.25, 0), ("clean", "degraded")
    candidates: dict[str, tuple[tuple[str, ...], Embed, Embed, tuple[float, float]]] = {
        "current": (both, base, base, (50, 50)),
        "verify_yaw_60": (both, base, base, (50, 60)),
        "no_pose_gate": (both, base, base, (90, 90)),
        "jitter10_enrol": (both, chip(0.25, 10), base, (50, 50)),
        "current_clean": (("clean",), base, base, (50, 50)),
        "current_degraded": (("degraded",), base, base, (50, 50)),
        "jitter10_enrol_clean": (("clean",), chip(0.25, 10), base, (50, 50)),
        "jitter10_both_clean": (("clean",), chip(0.25, 10), chip(0.25, 10), (50, 50)),
        "padding_0.15_clean": (("clean",), chip(0.15, 0), chip(0.15, 0), (50, 50)),
        "padding_0.35_clean": (("clean",), chip(0.35, 0), chip(0.35, 0), (50, 50)),
    }
    report = {name: summary(*scored(cache, *spec)) for name, spec in candidates.items()}
    if args.json:
        print(json.dumps(report))
        return 0
    for name, r in report.items():
        rows = " ".join(
            f"t{x['threshold']}:FA{x['false_accepts']}/FR{x['false_rejects']}" for x in r["by_threshold"]
        )
        margins = " ".join(f"m{x['margin']}:FR{x['false_rejects']}" for x in r["at_equal_margin"])
        tail = "/".join(str(x["far_gaussian_tail"]) for x in r["by_threshold"])
        print(
            f"{name:22s} n={r['decisions']} tail FAR {tail} nearest impostor {r['impostor_min']} | {rows} | {margins}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
