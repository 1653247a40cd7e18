"""Face engine: decode an upload, run the quality gates, embed the face, check for spoofs.

Pure code (no Flask, no DB) so the RQ worker, embedded mode, the CLI and the benches all
run the very same path. Models come from deepface's own loader (``DeepFace.build_model``)
reading the weights seeded by ``services.faces.weights``; nothing is downloaded.

Why not ``DeepFace.represent`` / ``DeepFace.verify``: with ``align=True`` deepface pads the
photo with a wide border before detecting, which makes its dlib detector cost ~1.4 s per
image, and it runs FasNet eagerly (~420 ms). We detect with dlib HOG on a copy downscaled to
640 px, align with dlib's 5-point face chip (what the Dlib model was trained on) and call
FasNet's two Keras models through ``tf.function``; see /work/shared/models/README.md and
bench/README.md for the measurements.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from services.faces import quality
from services.faces.imaging import JPEG_MAGIC as JPEG_MAGIC
from services.faces.imaging import PNG_MAGIC as PNG_MAGIC
from services.faces.imaging import decode_image as decode_image
from services.faces.imaging import face_sharpness, mean_luma, shrink_to
from services.faces.matching import MatchResult
from services.faces.matching import distance as metric_distance
from services.faces.matching import match_templates as match_with_metric
from services.faces.pose import HeadPose as HeadPose
from services.faces.pose import estimate_pose
from services.faces.reasons import FaceRejected
from services.faces.weights import file_digest, use_project_deepface_home, weights_dir

# the smallest face dlib's HOG detector finds with one 2x upsampling (its window is 80 px)
HOG_MIN_FACE_UPSAMPLED = 40
MODEL_NAME = "Dlib"
DETECTOR_NAME = "dlib-hog"
SPOOF_MODEL_NAME = "Fasnet"
# Chosen on all shared pairs (web + LFW, clean and degraded: 3,050 decisions): zero false
# accepts with a margin of 0.026 (0.3 sd of the impostor distances) to the nearest impostor
# (0.576), then the fewest false rejects. dlib's published 0.6 accepted 5 impostor pairs
# there. Cosine and euclidean of L2-normalised descriptors rank pairs no better; see the ROCs
# in bench/README.md.
METRIC = "euclidean"
DEFAULT_THRESHOLD = 0.55


@dataclass(frozen=True)
class EngineSettings:
    """Tunables. Defaults are the production values; config keys FACE_* override them."""

    max_bytes: int = 10 * 1024 * 1024
    # decompression-bomb guard, checked from the header before any pixel is decoded
    max_pixels: int = 40_000_000
    # phone photos are decoded at a reduced JPEG scale and shrunk to this long side: the
    # face chip is 150 px, more pixels only cost time
    work_long_side: int = 1280
    # HOG detection runs on a copy this size; boxes are mapped back to the work image
    detect_long_side: int = 640
    # the recogniser separates faces down to 60 px as well as at full size (FAR 0, FRR
    # unchanged; at 50 px it loses 2 more genuine pairs): bench/README.md, by face size
    min_face_px: int = 60
    # another face up to this size (sqrt of the area ratio) is background; above it the
    # photo is ambiguous, unless the largest face is also the central one
    other_face_ratio_max: float = 0.75
    other_face_ratio_central: float = 0.85
    subject_centre_max: float = 0.2
    # mean luma of the face box (0-255)
    min_brightness: float = 40.0
    # focus of the face resampled to 64 px (imaging.face_sharpness). Real photos score 145 and
    # up; a blur of 3% of the face's width scores ~45 and triples false rejects. 70 refuses
    # 79% of those, and the blurred photos it lets through match as well as sharp ones.
    min_sharpness: float = 70.0
    # ordinary portraits (web + LFW) reach 45 deg of yaw and 21 of pitch by this estimate;
    # beyond 50 deg the genuine distances run up to the threshold
    max_yaw_deg: float = 50.0
    max_pitch_deg: float = 30.0
    metric: str = METRIC
    threshold: float = DEFAULT_THRESHOLD
    anti_spoof: bool = True
    # one TF thread per worker process: production runs one face worker per core
    tf_threads: int = 1


@dataclass
class FaceFound:
    box: tuple[int, int, int, int]  # x, y, w, h in work-image pixels
    landmarks68: np.ndarray  # (68, 2) float
    pose: HeadPose
    brightness: float
    sharpness: float
    shape5: Any = field(repr=False)  # dlib.full_object_detection for the face chip
    others: list[tuple[int, int, int, int]] = field(default_factory=list)  # background faces

    @property
    def face_px(self) -> int:
        return int(min(self.box[2], self.box[3]))


@dataclass(frozen=True)
class SpoofVerdict:
    is_real: bool
    real_score: float  # probability of the "real" class, averaged over FasNet's two nets


@dataclass
class FaceAnalysis:
    face: FaceFound
    embedding: np.ndarray  # float32 (128,)
    spoof: SpoofVerdict | None
    image_size: tuple[int, int]  # width, height of the work image
    timings_ms: dict[str, float]


def configure_tensorflow(threads: int) -> None:
    """Pin TF's thread pools before the first op runs (later calls raise, so ignore them)."""
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:
        pass  # TF already initialised in this process; keep what it has


class FaceEngine:
    """Models loaded once; every public method is safe to call from several threads."""

    def __init__(self, settings: EngineSettings | None = None) -> None:
        self.settings = settings or EngineSettings()
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        # deepface runs on tf-keras; without this TF also imports Keras 3 (~20 MB RSS per worker)
        os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
        # deepface prints INFO lines to stdout; keep stdout for our own output (CLI --json)
        os.environ.setdefault("DEEPFACE_LOG_LEVEL", "30")
        use_project_deepface_home()
        configure_tensorflow(self.settings.tf_threads)
        import dlib
        import tensorflow as tf
        from deepface import DeepFace

        detector = DeepFace.build_model(model_name="dlib", task="face_detector").model
        self._hog = detector["face_detector"]
        self._shape5 = detector["sp"]
        self._recogniser = DeepFace.build_model(model_name=MODEL_NAME)
        self._fasnet = DeepFace.build_model(model_name=SPOOF_MODEL_NAME, task="spoofing")
        # the 68-point predictor is not a deepface model: loaded from the same seeded folder
        self._shape68 = dlib.shape_predictor(str(weights_dir() / "shape_predictor_68_face_landmarks.dat"))
        self._dlib = dlib
        # FasNet eagerly costs ~420 ms a call in TF overhead; traced once it is ~30 ms
        spec = [tf.TensorSpec([1, 80, 80, 3], tf.float32)]
        self._fasnet_first = tf.function(
            lambda x: self._fasnet.first_model(x, training=False), input_signature=spec
        )
        self._fasnet_second = tf.function(
            lambda x: self._fasnet.second_model(x, training=False), input_signature=spec
        )
        self.model_version = "dlib_face_recognition_resnet_model_v1@" + file_digest(
            weights_dir() / "dlib_face_recognition_resnet_model_v1.dat"
        )
        # dlib's detector and predictors are not documented as thread-safe
        self._lock = threading.Lock()
        self._warm_up()

    def with_settings(self, **changes: Any) -> FaceEngine:
        """Same loaded models, other tunables (e.g. per-project threshold)."""
        clone = object.__new__(FaceEngine)
        clone.__dict__.update(self.__dict__)
        clone.settings = replace(self.settings, **changes)
        return clone

    def _warm_up(self) -> None:
        # trace the tf.functions and touch every model once, so the first job is not slow
        blank = np.full((200, 200, 3), 128, np.uint8)
        self.spoof_scores(blank, (50, 50, 100, 100))
        self._hog(blank, 0)

    # -- detection and gates

    def detect(self, rgb: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Face boxes (x, y, w, h) in ``rgb`` coordinates, clipped; HOG runs on a ≤640 px copy."""
        h, w = rgb.shape[:2]
        scale = min(1.0, self.settings.detect_long_side / max(h, w))
        rects = self._hog(shrink_to(rgb, self.settings.detect_long_side), 0)
        if not rects:
            # second look, only on the failure path: upsampled 2x, on a copy big enough that a
            # face of min_face_px is found (HOG's window is 80 px, so ~40 px after upsampling).
            # That tells "too far from the camera" apart from "no face".
            scale = max(scale, min(1.0, HOG_MIN_FACE_UPSAMPLED / self.settings.min_face_px))
            rects = self._hog(shrink_to(rgb, round(max(h, w) * scale)), 1)
        boxes = []
        for r in rects:
            x0, y0 = max(0, int(r.left() / scale)), max(0, int(r.top() / scale))
            x1, y1 = min(w, int(r.right() / scale)), min(h, int(r.bottom() / scale))
            if x1 > x0 and y1 > y0:
                boxes.append((x0, y0, x1 - x0, y1 - y0))
        return boxes

    def measure(self, rgb: np.ndarray) -> FaceFound:
        """The subject's face with its landmarks, pose, light and focus; only whose-face gates."""
        with self._lock:
            subject = quality.pick_subject(self.detect(rgb), (rgb.shape[1], rgb.shape[0]), self.settings)
            x, y, bw, bh = subject.box
            rect = self._dlib.rectangle(x, y, x + bw, y + bh)
            shape5 = self._shape5(rgb, rect)
            shape68 = self._shape68(rgb, rect)
        landmarks = np.array([(p.x, p.y) for p in shape68.parts()], dtype=np.float64)
        return FaceFound(
            box=subject.box,
            landmarks68=landmarks,
            pose=estimate_pose(landmarks, (rgb.shape[1], rgb.shape[0])),
            brightness=mean_luma(rgb[y : y + bh, x : x + bw]),
            sharpness=face_sharpness(rgb, subject.box),
            shape5=shape5,
            others=subject.others,
        )

    def find_face(self, rgb: np.ndarray, *, require_frontal: bool = True) -> FaceFound:
        """One usable face, or FaceRejected with the first gate that failed."""
        try:
            face = self.measure(rgb)
        except FaceRejected as rejected:
            if rejected.code == "FACE_NOT_FOUND":
                raise self._explain_no_face(rgb) from None
            raise
        quality.check_size(face.face_px, self.settings)
        quality.check_quality(face, self.settings, require_frontal=require_frontal)
        return face

    def _explain_no_face(self, rgb: np.ndarray) -> FaceRejected:
        # a photo too dark to find a face in gets the actionable message
        brightness = mean_luma(rgb)
        if brightness < self.settings.min_brightness:
            return FaceRejected("IMAGE_TOO_DARK", {"brightness": round(brightness, 1)})
        return FaceRejected("FACE_NOT_FOUND")

    # -- models

    def embed(self, rgb: np.ndarray, face: FaceFound) -> np.ndarray:
        with self._lock:
            chip = self._dlib.get_face_chip(rgb, face.shape5, size=150, padding=0.25)
        # deepface's DlibClient.forward takes BGR and flips it back to RGB itself
        vector = self._recogniser.forward(np.ascontiguousarray(chip[:, :, ::-1]))
        return np.asarray(vector, dtype=np.float32)

    def spoof_scores(self, rgb: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
        """Summed softmax of FasNet's two nets, as deepface's Fasnet.analyze computes it."""
        from deepface.models.spoofing.FasNetUtils import crop
        from deepface.models.spoofing.tf.FasNet import softmax

        bgr = rgb[:, :, ::-1]  # FasNet was trained on OpenCV (BGR) frames
        first = crop(bgr, box, 2.7, 80, 80)[None].astype(np.float32)
        second = crop(bgr, box, 4, 80, 80)[None].astype(np.float32)
        return softmax(self._fasnet_first(first).numpy()) + softmax(self._fasnet_second(second).numpy())

    def check_spoof(self, rgb: np.ndarray, face: FaceFound) -> SpoofVerdict:
        scores = self.spoof_scores(rgb, face.box)[0]
        # class 1 is "real" in minivision's model; deepface decides by argmax, no threshold
        return SpoofVerdict(is_real=bool(np.argmax(scores) == 1), real_score=float(scores[1] / 2))

    # -- one selfie, end to end

    def analyze(
        self, data: bytes | np.ndarray, *, anti_spoof: bool | None = None, require_frontal: bool = True
    ) -> FaceAnalysis:
        """Decode, gate, embed and (by default) anti-spoof one selfie. Raises FaceRejected."""
        timings: dict[str, float] = {}

        def timed(name: str, fn: Callable[[], Any]) -> Any:
            t0 = time.perf_counter()
            out = fn()
            timings[name] = round((time.perf_counter() - t0) * 1000, 1)
            return out

        if isinstance(data, np.ndarray):
            rgb = shrink_to(data, self.settings.work_long_side)
        else:
            rgb = timed("decode", lambda: decode_image(data, self.settings))
        face = timed("detect", lambda: self.find_face(rgb, require_frontal=require_frontal))
        embedding = timed("embed", lambda: self.embed(rgb, face))
        spoof = None
        if self.settings.anti_spoof if anti_spoof is None else anti_spoof:
            spoof = timed("anti_spoof", lambda: self.check_spoof(rgb, face))
        timings["total"] = round(sum(timings.values()), 1)
        return FaceAnalysis(
            face=face,
            embedding=embedding,
            spoof=spoof,
            image_size=(rgb.shape[1], rgb.shape[0]),
            timings_ms=timings,
        )


def face_distance(a: np.ndarray, b: np.ndarray, metric: str = METRIC) -> float:
    return metric_distance(a, b, metric)


def is_same_person(distance: float, threshold: float = DEFAULT_THRESHOLD) -> bool:
    return distance <= threshold


def match_templates(
    embedding: np.ndarray, templates: Sequence[np.ndarray], threshold: float, metric: str = METRIC
) -> MatchResult:
    """A selfie matches a worker when it is close enough to any of their templates (the closest)."""
    return match_with_metric(embedding, templates, threshold, metric)


_engine: FaceEngine | None = None
_engine_lock = threading.Lock()


def get_engine(settings: EngineSettings | None = None) -> FaceEngine:
    """The process-wide engine: models are loaded on first use, never per job."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = FaceEngine(settings)
        elif settings is not None and settings != _engine.settings:
            return _engine.with_settings(**settings.__dict__)
        return _engine
