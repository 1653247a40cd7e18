"""Face check latency: raw dlib against SiteRoll's full check, same images, same run.

    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python bench/face_bench.py [--rounds 3] [--parallel 2] [--explain]

(a) raw dlib, used directly: decode, HOG detect, 5-point landmarks, 128-d descriptor.
    a1 = dlib's own example (``detector(img, 1)`` on the full photo); a2 = the same steps
    on a copy shrunk to 640 px with no upsampling (what SiteRoll does).
(b) SiteRoll: ``FaceEngine.analyze`` = decode, all quality gates (68-point pose, light, blur),
    5-point chip, Dlib embedding via deepface's model object, FasNet anti-spoofing.
Prints p50/p95 per check, checks/s in one process and with --parallel processes, the time
per stage, and the RSS of the process holding the models. ``--explain`` adds what deepface's
own path costs (eager FasNet, ``DeepFace.represent`` with its padded dlib detector).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import memory_mb, print_report  # noqa: E402
from services.faces.weights import seed_weights, shared_dir, use_project_deepface_home  # noqa: E402

# photos with exactly one face; the group photos only test refusals
IMAGES = [f"img{i}.jpg" for i in range(1, 26)] + ["spoof_sample_image_T1.jpg"]


class RawDlib:
    """dlib alone, no deepface, no gates: the baseline."""

    def __init__(self, shrink: bool) -> None:
        import dlib

        from services.faces.weights import weights_dir

        self.dlib = dlib
        self.shrink = shrink
        self.detector = dlib.get_frontal_face_detector()
        self.sp = dlib.shape_predictor(str(weights_dir() / "shape_predictor_5_face_landmarks.dat"))
        self.rec = dlib.face_recognition_model_v1(
            str(weights_dir() / "dlib_face_recognition_resnet_model_v1.dat")
        )

    def __call__(self, data: bytes) -> Any:
        import cv2
        import numpy as np

        bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        if self.shrink:
            h, w = rgb.shape[:2]
            scale = min(1.0, 640 / max(h, w))
            small = (
                cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else rgb
            )
            rects = self.detector(small, 0)
            rects = [
                self.dlib.rectangle(
                    int(r.left() / scale),
                    int(r.top() / scale),
                    int(r.right() / scale),
                    int(r.bottom() / scale),
                )
                for r in rects
            ]
        else:
            rects = self.detector(rgb, 1)
        if not rects:
            return None
        shape = self.sp(rgb, rects[0])
        return np.array(self.rec.compute_face_descriptor(rgb, shape))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summarize(ms: list[float]) -> dict[str, float]:
    return {
        "checks": len(ms),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "mean_ms": round(statistics.fmean(ms), 1),
        "checks_per_s": round(1000 / statistics.fmean(ms), 2),
    }


def build(kind: str, tf_threads: int) -> Any:
    if kind == "siteroll":
        from services.faces.engine import EngineSettings, get_engine

        engine = get_engine(EngineSettings(tf_threads=tf_threads))
        return engine.analyze
    return RawDlib(shrink=(kind == "dlib_640"))


def worker_throughput(kind: str, photos: list[bytes], seconds: float, tf_threads: int, start, out) -> None:
    use_project_deepface_home()
    fn = build(kind, tf_threads)
    fn(photos[0])
    start.wait()
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        fn(photos[done % len(photos)])
        done += 1
    out.put(done / (time.perf_counter() - t0))


def parallel_rate(kind: str, photos: list[bytes], procs: int, seconds: float, tf_threads: int) -> float:
    ctx = mp.get_context("spawn")  # TensorFlow is not fork-safe
    start, out = ctx.Barrier(procs), ctx.Queue()  # every process loads its models, then all go
    workers = [
        ctx.Process(target=worker_throughput, args=(kind, photos, seconds, tf_threads, start, out))
        for _ in range(procs)
    ]
    for w in workers:
        w.start()
    rates = [out.get(timeout=seconds + 180) for _ in workers]
    for w in workers:
        w.join()
    return round(sum(rates), 2)


def explain(photos: dict[str, bytes]) -> dict[str, Any]:
    """What deepface's own path would cost on the same photos."""
    import numpy as np
    from deepface import DeepFace

    from services.faces.engine import decode_image, get_engine

    engine = get_engine()
    fasnet = DeepFace.build_model(model_name="Fasnet", task="spoofing")
    eager, traced, represent = [], [], []
    for data in list(photos.values())[:8]:
        rgb = decode_image(data)
        face = engine.find_face(rgb, require_frontal=False)
        bgr = np.ascontiguousarray(rgb[:, :, ::-1])
        t0 = time.perf_counter()
        fasnet.analyze(img=bgr, facial_area=face.box)
        eager.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        engine.check_spoof(rgb, face)
        traced.append((time.perf_counter() - t0) * 1000)
        if len(represent) < 4:
            t0 = time.perf_counter()
            DeepFace.represent(bgr, model_name="Dlib", detector_backend="dlib", align=True)
            represent.append((time.perf_counter() - t0) * 1000)
    return {
        "fasnet_eager_ms": round(statistics.fmean(eager), 1),
        "fasnet_tf_function_ms": round(statistics.fmean(traced), 1),
        "deepface_represent_dlib_align_ms": round(statistics.fmean(represent), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="passes over the photos")
    parser.add_argument("--parallel", type=int, default=2, help="processes for the throughput test (0: skip)")
    parser.add_argument("--seconds", type=float, default=20, help="length of the throughput test")
    parser.add_argument("--tf-threads", type=int, default=1)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    use_project_deepface_home()
    seed_weights()
    faces = shared_dir() / "faces"
    photos = {name: (faces / name).read_bytes() for name in IMAGES}
    t0 = time.perf_counter()
    runners = {kind: build(kind, args.tf_threads) for kind in ("dlib_full_upsample1", "dlib_640", "siteroll")}
    load_s = time.perf_counter() - t0
    for fn in runners.values():  # warm-up
        fn(photos["img1.jpg"])

    timings: dict[str, list[float]] = {kind: [] for kind in runners}
    stages: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for data in photos.values():
            for kind, fn in runners.items():  # interleaved: the same noise hits all three
                t = time.perf_counter()
                out = fn(data)
                timings[kind].append((time.perf_counter() - t) * 1000)
                if kind == "siteroll":
                    for stage, ms in out.timings_ms.items():
                        stages.setdefault(stage, []).append(ms)

    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "tf_threads": args.tf_threads},
        "images": len(photos),
        "rounds": args.rounds,
        "model_load_s": round(load_s, 1),
        "a1_dlib_example_full_res_upsample1": summarize(timings["dlib_full_upsample1"]),
        "a2_dlib_640px_no_upsample": summarize(timings["dlib_640"]),
        "b_siteroll_full_check_with_antispoof": summarize(timings["siteroll"]),
        "siteroll_stage_mean_ms": {k: round(statistics.fmean(v), 1) for k, v in stages.items()},
        "memory_mb_models_loaded": memory_mb(),
    }
    b = report["b_siteroll_full_check_with_antispoof"]["mean_ms"]
    report["ratio_b_over_a1"] = round(b / report["a1_dlib_example_full_res_upsample1"]["mean_ms"], 2)
    report["ratio_b_over_a2"] = round(b / report["a2_dlib_640px_no_upsample"]["mean_ms"], 2)
    if args.explain:
        report["deepface_own_path"] = explain(photos)
    if args.parallel:
        blobs = list(photos.values())
        report[f"checks_per_s_{args.parallel}_processes"] = {
            "a2_dlib_640px": parallel_rate("dlib_640", blobs, args.parallel, args.seconds, args.tf_threads),
            "b_siteroll": parallel_rate("siteroll", blobs, args.parallel, args.seconds, args.tf_threads),
        }
    print_report(report, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
