"""Face tests run the real models on the real photos in ../shared/faces (no mocks).

The engine is built once per session: loading TensorFlow, FasNet and the dlib models
takes seconds, a check then takes ~0.1 s.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from services.faces.weights import seed_weights, shared_dir  # noqa: E402

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


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    if not FACES.is_dir():
        pytest.skip(f"shared faces not found at {FACES} (set SITEROLL_SHARED_DIR)")
    return FACES


@pytest.fixture(scope="session")
def engine(faces_dir: Path):
    from services.faces.engine import get_engine

    seed_weights()
    return get_engine()
