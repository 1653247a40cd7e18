"""Seed deepface's weights folder from files we ship, so no model is ever downloaded.

deepface looks for weights only in ``$DEEPFACE_HOME/.deepface/weights/`` and downloads a
missing file from the internet on first use. Our machines are offline, so ``make demo``,
the tests and CI run ``python -m services.faces.weights`` first. Copies are idempotent
(same size = already there) and atomic (temp file + rename), so several workers starting
at once never see a half-written file.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# FasNet (TensorFlow backend) weights, converted from minivision's .pth (see shared README)
SHARED_WEIGHTS = ("2.7_80x80_MiniFASNetV2.h5", "4_0_0_80x80_MiniFASNetV1SE.h5")
# dlib models shipped uncompressed in the face-recognition-models wheel. deepface loads the
# first two (Dlib recogniser, dlib detector's 5-point predictor); the 68-point predictor is
# ours, for head pose (frontal gate, active challenge).
PACKAGE_WEIGHTS = (
    "dlib_face_recognition_resnet_model_v1.dat",
    "shape_predictor_5_face_landmarks.dat",
    "shape_predictor_68_face_landmarks.dat",
)


def deepface_home() -> Path:
    """DEEPFACE_HOME, defaulting inside the project so nothing is written to $HOME."""
    return Path(os.environ.get("DEEPFACE_HOME") or REPO_ROOT / "instance" / "deepface")


def weights_dir() -> Path:
    return deepface_home() / ".deepface" / "weights"


def shared_dir() -> Path:
    return Path(os.environ.get("SITEROLL_SHARED_DIR") or REPO_ROOT.parent / "shared")


def package_models_dir() -> Path:
    # Found without importing it: its __init__ needs pkg_resources (setuptools), which the
    # venv does not have and which we do not need to read three files.
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("package face-recognition-models is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def use_project_deepface_home() -> Path:
    """Point deepface at our weights folder. Must run before ``import deepface``: its import
    creates ``$DEEPFACE_HOME/.deepface`` and every loader reads the variable."""
    home = deepface_home()
    os.environ["DEEPFACE_HOME"] = str(home)
    return home


def weight_sources() -> list[Path]:
    shared = shared_dir() / "models" / "deepface_weights"
    package = package_models_dir()
    return [shared / name for name in SHARED_WEIGHTS] + [package / name for name in PACKAGE_WEIGHTS]


def _copy_atomically(src: Path, dst: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.")
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def seed_weights(sources: Iterable[Path] | None = None, target: Path | None = None) -> list[str]:
    """Copy every weight file that is missing or differs in size. Returns the names copied."""
    target = target or weights_dir()
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for src in sources if sources is not None else weight_sources():
        if not src.is_file():
            raise FileNotFoundError(f"model weight file not found: {src} (set SITEROLL_SHARED_DIR?)")
        dst = target / src.name
        if dst.is_file() and dst.stat().st_size == src.stat().st_size:
            continue
        _copy_atomically(src, dst)
        copied.append(src.name)
    return copied


def missing_weights(target: Path | None = None) -> list[str]:
    target = target or weights_dir()
    return [n for n in (*SHARED_WEIGHTS, *PACKAGE_WEIGHTS) if not (target / n).is_file()]


def file_digest(path: Path, length: int = 12) -> str:
    """Short sha256, recorded with every template as the model version."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:length]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Seed $DEEPFACE_HOME/.deepface/weights (offline).")
    parser.add_argument("--check", action="store_true", help="only report missing files")
    args = parser.parse_args(argv)
    target = weights_dir()
    if args.check:
        missing = missing_weights(target)
        print(f"{target}: " + ("complete" if not missing else "missing " + ", ".join(missing)))
        return 1 if missing else 0
    copied = seed_weights(target=target)
    print(f"{target}: " + (f"copied {', '.join(copied)}" if copied else "already seeded"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
