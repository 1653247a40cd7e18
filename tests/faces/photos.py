"""The shared test photos (../shared/faces), read as bytes or RGB arrays; JPEG encoding."""

from __future__ import annotations

import io

import numpy as np

from services.faces.weights import shared_dir

FACES = shared_dir() / "faces"


def face_bytes(name: str) -> bytes:
    return (FACES / name).read_bytes()


def face_rgb(name: str) -> np.ndarray:
    from PIL import Image

    with Image.open(FACES / name) as im:
        return np.asarray(im.convert("RGB"))


def to_jpeg(rgb: np.ndarray, quality: int = 90) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(out, "JPEG", quality=quality)
    return out.getvalue()
