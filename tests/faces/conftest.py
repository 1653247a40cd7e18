"""Face tests run the real models on the real photos in ../shared/faces (no mocks).

The engine is built once per session: loading TensorFlow, FasNet and the dlib models
takes seconds, a check then takes ~0.1 s.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from config import config_flag  # noqa: E402
from services.faces.weights import seed_weights  # noqa: E402
from tests.faces.photos import FACES  # noqa: E402


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    if not FACES.is_dir():
        missing = f"shared faces not found at {FACES} (set SITEROLL_SHARED_DIR)"
        if config_flag(os.environ.get("CI", "")):
            pytest.fail(missing + ": CI must not go green with the faces untested", pytrace=False)
        pytest.skip(missing)
    return FACES


@pytest.fixture(scope="session")
def engine(faces_dir: Path):
    from services.faces.engine import get_engine

    seed_weights()
    return get_engine()
