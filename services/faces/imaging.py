"""Upload bytes -> RGB pixels, and the pixel statistics the quality gates use (no models).

Decoding is ours, not OpenCV's ``imread``: only JPEG and PNG, byte and pixel limits read from
the header before any pixel is decoded, EXIF rotation applied, big phone photos decoded at a
reduced JPEG scale.
"""

from __future__ import annotations

import io
from typing import Protocol

import numpy as np

from services.faces.reasons import FaceRejected

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class DecodeLimits(Protocol):
    """What decoding needs from the engine's settings (``EngineSettings`` has all three)."""

    max_bytes: int
    max_pixels: int
    work_long_side: int


class _DefaultLimits:
    max_bytes = 10 * 1024 * 1024
    # decompression-bomb guard, checked from the header before any pixel is decoded
    max_pixels = 40_000_000
    # the face chip is 150 px: more pixels than this only cost time
    work_long_side = 1280


DEFAULT_LIMITS: DecodeLimits = _DefaultLimits()


def check_upload(data: bytes, settings: DecodeLimits = DEFAULT_LIMITS, **where: int) -> None:
    """What can be refused from the bytes alone, before any decoding: size and type."""
    if len(data) > settings.max_bytes:
        raise FaceRejected("IMAGE_TOO_LARGE", {**where, "bytes": len(data), "max_bytes": settings.max_bytes})
    if not (data.startswith(JPEG_MAGIC) or data.startswith(PNG_MAGIC)):
        raise FaceRejected("IMAGE_UNDECODABLE", {**where, "why": "not a JPEG or PNG"})


def decode_image(data: bytes, settings: DecodeLimits = DEFAULT_LIMITS) -> np.ndarray:
    """Bytes of an upload -> RGB uint8 array. Only JPEG and PNG; size checked before decoding."""
    from PIL import Image, ImageOps

    check_upload(data, settings)
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


# The face is resampled to this width before its focus is measured, so the score is blur
# relative to the face's size: 2 px of blur ruin an 80 px face and do not matter on a 400 px
# one. Smaller than any face the size gate lets through, so the face is only ever shrunk
# (a small, soft LFW face is not punished for its resolution, as the 150 px chip did).
SHARPNESS_SIDE = 64


def face_sharpness(rgb: np.ndarray, box: tuple[int, int, int, int], side: int = SHARPNESS_SIDE) -> float:
    import cv2

    x, y, w, h = box
    gray = cv2.cvtColor(np.ascontiguousarray(rgb[y : y + h, x : x + w]), cv2.COLOR_RGB2GRAY)
    size = (side, max(1, round(h * side / max(w, 1))))
    interpolation = cv2.INTER_AREA if w >= side else cv2.INTER_LINEAR
    return sharpness_score(cv2.resize(gray, size, interpolation=interpolation))
