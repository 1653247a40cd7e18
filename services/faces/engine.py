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

import io
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from services.faces.reasons import FaceRejected
from services.faces.weights import file_digest, use_project_deepface_home, weights_dir

MODEL_NAME = "Dlib"
DETECTOR_NAME = "dlib-hog"
SPOOF_MODEL_NAME = "Fasnet"
METRIC = "euclidean"
# dlib's published operating point for dlib_face_recognition_resnet_model_v1: two
# descriptors closer than 0.6 are the same person (99.38% on LFW). Chosen on principle, not
# fitted to our 30 test photos; bench/README.md has the ROC that backs it up.
DEFAULT_THRESHOLD = 0.6

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


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
    min_face_px: int = 80
    # mean luma of the face box (0-255), and variance of the Laplacian of the face chip
    min_brightness: float = 40.0
    min_sharpness: float = 30.0
    max_yaw_deg: float = 40.0
    max_pitch_deg: float = 30.0
    threshold: float = DEFAULT_THRESHOLD
    anti_spoof: bool = True
    # one TF thread per worker process: production runs one face worker per core
    tf_threads: int = 1


@dataclass(frozen=True)
class HeadPose:
    yaw: float  # + when the face turns towards the image's right side
    pitch: float  # + when the chin rises (face tilts back)
    roll: float


@dataclass
class FaceFound:
    box: tuple[int, int, int, int]  # x, y, w, h in work-image pixels
    landmarks68: np.ndarray  # (68, 2) float
    pose: HeadPose
    brightness: float
    sharpness: float
    shape5: Any = field(repr=False)  # dlib.full_object_detection for the face chip


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


# ---------------------------------------------------------------- decoding (no models)


def decode_image(data: bytes, settings: EngineSettings = EngineSettings()) -> np.ndarray:
    """Bytes of an upload -> RGB uint8 array. Only JPEG and PNG; size checked before decoding."""
    from PIL import Image, ImageOps

    if len(data) > settings.max_bytes:
        raise FaceRejected("IMAGE_TOO_LARGE", {"bytes": len(data), "max_bytes": settings.max_bytes})
    if not (data.startswith(JPEG_MAGIC) or data.startswith(PNG_MAGIC)):
        raise FaceRejected("IMAGE_UNDECODABLE", {"why": "not a JPEG or PNG"})
    try:
        with Image.open(io.BytesIO(data), formats=("JPEG", "PNG")) as im:
            width, height = im.size
            if width * height > settings.max_pixels:
                raise FaceRejected(
                    "IMAGE_TOO_LARGE", {"pixels": width * height, "max_pixels": settings.max_pixels}
                )
            long_side = max(width, height)
            if im.format == "JPEG" and long_side > 2 * settings.work_long_side:
                # decode at 1/2, 1/4 or 1/8 scale in libjpeg: a 12 MP photo in a fraction of the time
                ratio = settings.work_long_side / long_side
                im.draft("RGB", (int(width * ratio) + 1, int(height * ratio) + 1))
            im.load()
            im = ImageOps.exif_transpose(im)  # phones store rotation in EXIF
            rgb = np.asarray(im.convert("RGB"))
    except FaceRejected:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own guard, raised while opening
        raise FaceRejected("IMAGE_TOO_LARGE", {"why": "decompression bomb"}) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise FaceRejected("IMAGE_UNDECODABLE", {"why": type(exc).__name__}) from exc
    return shrink_to(rgb, settings.work_long_side)


def shrink_to(rgb: np.ndarray, long_side: int) -> np.ndarray:
    import cv2

    h, w = rgb.shape[:2]
    scale = long_side / max(h, w)
    if scale >= 1:
        return np.ascontiguousarray(rgb)
    return cv2.resize(rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


def mean_luma(rgb: np.ndarray) -> float:
    # Rec. 601 weights; float32 keeps it cheap on a 1280 px image
    return float(rgb.reshape(-1, 3).astype(np.float32).mean(axis=0) @ np.array([0.299, 0.587, 0.114]))


def sharpness_score(gray: np.ndarray) -> float:
    """Variance of the Laplacian after contrast normalisation.

    Plain Laplacian variance scales with contrast squared, so a dim but sharp selfie would read
    as blurred; normalising to a fixed standard deviation first measures focus alone.
    """
    import cv2

    g = gray.astype(np.float64)
    std = g.std()
    if std < 1e-6:
        return 0.0
    return float(cv2.Laplacian((g - g.mean()) * (50.0 / std), cv2.CV_64F).var())


# ---------------------------------------------------------------- head pose from 68 landmarks

# A generic 3-D face (mm-ish units, x right, y up, z towards the camera) for the six
# landmarks below: nose tip, chin, outer eye corners, mouth corners.
_MODEL_POINTS = np.array(
    [
        (0.0, 0.0, 0.0),
        (0.0, -330.0, -65.0),
        (-225.0, 170.0, -135.0),
        (225.0, 170.0, -135.0),
        (-150.0, -150.0, -125.0),
        (150.0, -150.0, -125.0),
    ],
    dtype=np.float64,
)
_POSE_LANDMARKS = [30, 8, 36, 45, 48, 54]


def estimate_pose(landmarks68: np.ndarray, image_size: tuple[int, int]) -> HeadPose:
    """Yaw / pitch / roll in degrees from 68 dlib landmarks (solvePnP, pinhole camera guess)."""
    import cv2

    width, height = image_size
    focal = float(max(width, height))
    camera = np.array([[focal, 0, width / 2], [0, focal, height / 2], [0, 0, 1]], dtype=np.float64)
    image_points = landmarks68[_POSE_LANDMARKS].astype(np.float64)
    # image y grows downwards, the model's y grows upwards: flip the model into camera axes
    model = _MODEL_POINTS * np.array([1.0, -1.0, -1.0])
    ok, rvec, _ = cv2.solvePnP(model, image_points, camera, None, flags=cv2.SOLVEPNP_ITERATIVE)
    if not ok:
        return HeadPose(yaw=90.0, pitch=90.0, roll=0.0)
    rot, _ = cv2.Rodrigues(rvec)
    # rot maps model axes to camera axes (x right, y down, z away). Decompose as
    # R = Rz(roll) @ Ry(yaw) @ Rx(pitch).
    yaw = np.degrees(np.arcsin(-np.clip(rot[2, 0], -1.0, 1.0)))
    pitch = np.degrees(np.arctan2(rot[2, 1], rot[2, 2]))
    roll = np.degrees(np.arctan2(rot[1, 0], rot[0, 0]))
    # camera looks along +z, the model face looks along -z after the flip: yaw sign so that
    # + means the nose moved to the image's right; pitch so that + means chin up
    return HeadPose(yaw=float(-yaw), pitch=float(-pitch), roll=float(roll))


# ---------------------------------------------------------------- the engine


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

    def detect(self, rgb: np.ndarray) -> list[Any]:
        """dlib rectangles in ``rgb`` coordinates; HOG runs on a ≤640 px copy."""
        h, w = rgb.shape[:2]
        scale = min(1.0, self.settings.detect_long_side / max(h, w))
        small = shrink_to(rgb, self.settings.detect_long_side) if scale < 1 else rgb
        rects = self._hog(small, 0)
        if not rects:
            # second look with 2x upsampling, only on the failure path: tells "too far from
            # the camera" apart from "no face"
            rects = self._hog(small, 1)
        rect = self._dlib.rectangle
        return [
            rect(int(r.left() / scale), int(r.top() / scale), int(r.right() / scale), int(r.bottom() / scale))
            for r in rects
        ]

    def find_face(self, rgb: np.ndarray, *, require_frontal: bool = True) -> FaceFound:
        """Exactly one usable face, or FaceRejected with the first gate that failed."""
        import cv2

        s = self.settings
        with self._lock:
            rects = self.detect(rgb)
            if not rects:
                raise self._explain_no_face(rgb)
            if len(rects) > 1:
                raise FaceRejected("FACE_MULTIPLE", {"faces": len(rects)})
            r = rects[0]
            h, w = rgb.shape[:2]
            x, y = max(0, r.left()), max(0, r.top())
            bw, bh = min(w, r.right()) - x, min(h, r.bottom()) - y
            if min(bw, bh) < s.min_face_px:
                raise FaceRejected(
                    "FACE_TOO_SMALL", {"face_px": int(min(bw, bh)), "min_face_px": s.min_face_px}
                )
            shape5 = self._shape5(rgb, r)
            shape68 = self._shape68(rgb, r)
            chip = self._dlib.get_face_chip(rgb, shape5, size=150, padding=0.25)
        landmarks = np.array([(p.x, p.y) for p in shape68.parts()], dtype=np.float64)
        brightness = mean_luma(rgb[y : y + bh, x : x + bw])
        sharpness = sharpness_score(cv2.cvtColor(chip, cv2.COLOR_RGB2GRAY))
        face = FaceFound(
            box=(x, y, bw, bh),
            landmarks68=landmarks,
            pose=estimate_pose(landmarks, (w, h)),
            brightness=brightness,
            sharpness=sharpness,
            shape5=shape5,
        )
        if brightness < s.min_brightness:
            raise FaceRejected(
                "IMAGE_TOO_DARK", {"brightness": round(brightness, 1), "min": s.min_brightness}
            )
        if sharpness < s.min_sharpness:
            raise FaceRejected("IMAGE_TOO_BLURRY", {"sharpness": round(sharpness, 1), "min": s.min_sharpness})
        if require_frontal and (abs(face.pose.yaw) > s.max_yaw_deg or abs(face.pose.pitch) > s.max_pitch_deg):
            raise FaceRejected(
                "FACE_NOT_FRONTAL",
                {"yaw": round(face.pose.yaw, 1), "pitch": round(face.pose.pitch, 1)},
            )
        return face

    def _explain_no_face(self, rgb: np.ndarray) -> FaceRejected:
        # a photo too dark or too blurred to find a face in gets the actionable message
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


def face_distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(np.asarray(a, np.float64) - np.asarray(b, np.float64)))


def is_same_person(distance: float, threshold: float = DEFAULT_THRESHOLD) -> bool:
    return distance <= threshold


@dataclass(frozen=True)
class MatchResult:
    matched: bool
    distance: float  # to the closest template
    threshold: float


def match_templates(embedding: np.ndarray, templates: list[np.ndarray], threshold: float) -> MatchResult:
    """A selfie matches a worker when it is close enough to any of their active templates."""
    if not templates:
        raise ValueError("no templates to match against")
    distance = min(face_distance(embedding, t) for t in templates)
    return MatchResult(matched=is_same_person(distance, threshold), distance=distance, threshold=threshold)


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
