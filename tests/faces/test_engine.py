"""Quality gates, verification and passive liveness on real photos, through FaceEngine."""

from __future__ import annotations

import io
import struct
import zlib

import cv2
import numpy as np
import pytest

from services.faces.engine import DEFAULT_THRESHOLD, EngineSettings, HeadPose, decode_image, estimate_pose
from services.faces.evaluation import evaluate_pairs, read_pairs
from services.faces.reasons import REASONS, FaceRejected
from tests.faces.photos import FACES, face_bytes, face_rgb, to_jpeg

# ------------------------------------------------------------------ decoding (no models)


def png_claiming_size(width: int, height: int) -> bytes:
    """A valid 1x1 PNG whose header says width x height: a decompression bomb's calling card."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    ihdr = 8  # after the signature: length(4) type(4) data(13) crc(4)
    data[ihdr + 8 : ihdr + 16] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr + 4 : ihdr + 21])) & 0xFFFFFFFF
    data[ihdr + 21 : ihdr + 25] = struct.pack(">I", crc)
    return bytes(data)


@pytest.mark.parametrize(
    "payload",
    [b"", b"hello, not an image", b"GIF89a" + b"\0" * 64, face_bytes("img1.jpg")[:2000]],
    ids=["empty", "text", "gif", "truncated-jpeg"],
)
def test_undecodable_uploads_are_refused(payload: bytes) -> None:
    with pytest.raises(FaceRejected) as err:
        decode_image(payload)
    assert err.value.code == "IMAGE_UNDECODABLE"


def test_too_many_bytes_refused_before_decoding() -> None:
    with pytest.raises(FaceRejected) as err:
        decode_image(face_bytes("img1.jpg"), EngineSettings(max_bytes=50_000))
    assert err.value.code == "IMAGE_TOO_LARGE"
    assert err.value.details["max_bytes"] == 50_000


def test_decompression_bomb_refused_from_header() -> None:
    bomb = png_claiming_size(60_000, 60_000)
    assert len(bomb) < 200
    with pytest.raises(FaceRejected) as err:
        decode_image(bomb)
    assert err.value.code == "IMAGE_TOO_LARGE"
    # caught from the header either by our limit or by Pillow's own, never by decoding


def test_exif_rotation_is_applied() -> None:
    from PIL import Image

    rgb = face_rgb("img1.jpg")
    im = Image.fromarray(np.rot90(rgb))  # stored sideways, EXIF says "rotate 270 CW"
    exif = Image.Exif()
    exif[0x0112] = 8
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif)
    decoded = decode_image(out.getvalue())
    assert decoded.shape[:2] == rgb.shape[:2]


def test_big_photo_is_shrunk_to_work_size() -> None:
    big = cv2.resize(face_rgb("img1.jpg"), None, fx=3, fy=3)
    decoded = decode_image(to_jpeg(big))
    assert max(decoded.shape[:2]) == EngineSettings().work_long_side


def test_every_reason_has_a_chinese_message() -> None:
    for code, message in REASONS.items():
        assert code.isupper() and any("\u4e00" <= ch <= "\u9fff" for ch in message), code


# ------------------------------------------------------------------ head pose (geometry only)


def project_face(yaw: float, pitch: float) -> np.ndarray:
    """68-landmark array with the six pose points of a generic face rotated by yaw/pitch."""
    from services.faces.engine import _MODEL_POINTS, _POSE_LANDMARKS

    a, b = np.radians(yaw), np.radians(pitch)
    # camera axes: x right, y down, z away; the face looks at the camera
    model = _MODEL_POINTS * np.array([1.0, -1.0, -1.0])
    # yaw: nose towards image right; pitch: chin up (nose moves up in the image)
    ry = np.array([[np.cos(a), 0, -np.sin(a)], [0, 1, 0], [np.sin(a), 0, np.cos(a)]])
    rx = np.array([[1, 0, 0], [0, np.cos(b), np.sin(b)], [0, -np.sin(b), np.cos(b)]])
    pts = (ry @ rx @ model.T).T + np.array([0, 0, 2000.0])
    landmarks = np.zeros((68, 2))
    landmarks[_POSE_LANDMARKS] = np.c_[800 * pts[:, 0] / pts[:, 2] + 400, 800 * pts[:, 1] / pts[:, 2] + 300]
    return landmarks


@pytest.mark.parametrize(("yaw", "pitch"), [(0, 0), (20, 0), (-30, 0), (0, 15), (0, -15), (25, 10)])
def test_pose_recovers_known_rotation(yaw: float, pitch: float) -> None:
    landmarks = project_face(yaw, pitch)
    nose_x, eyes_x = landmarks[30, 0], (landmarks[36, 0] + landmarks[45, 0]) / 2
    if yaw:
        assert np.sign(nose_x - eyes_x) == np.sign(yaw)  # + yaw: nose towards image right
    pose = estimate_pose(landmarks, (800, 600))
    assert pose == HeadPose(
        yaw=pytest.approx(yaw, abs=0.5), pitch=pytest.approx(pitch, abs=0.5), roll=pytest.approx(0, abs=0.5)
    )


# ------------------------------------------------------------------ gates on real / generated images


def reject_code(engine, data: bytes, **kwargs) -> str:
    with pytest.raises(FaceRejected) as err:
        engine.analyze(data, **kwargs)
    return err.value.code


@pytest.mark.slow
def test_no_face(engine) -> None:
    rng = np.random.default_rng(4)
    noise = cv2.GaussianBlur(rng.integers(0, 255, (600, 800, 3), dtype=np.uint8), (0, 0), 2)
    assert reject_code(engine, to_jpeg(noise)) == "FACE_NOT_FOUND"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["couple.jpg", "selfie-many-people.jpg"])
def test_more_than_one_face(engine, name: str) -> None:
    assert reject_code(engine, face_bytes(name)) == "FACE_MULTIPLE"


@pytest.mark.slow
def test_face_too_small(engine) -> None:
    # a worker far from the camera: img1 shrunk to 20% on a plain 1024 px background
    small = cv2.resize(face_rgb("img1.jpg"), None, fx=0.2, fy=0.2, interpolation=cv2.INTER_AREA)
    canvas = np.full((1024, 1024, 3), 200, np.uint8)
    canvas[300 : 300 + small.shape[0], 300 : 300 + small.shape[1]] = small
    with pytest.raises(FaceRejected) as err:
        engine.analyze(to_jpeg(canvas))
    assert err.value.code == "FACE_TOO_SMALL"
    assert err.value.details["face_px"] < engine.settings.min_face_px


@pytest.mark.slow
def test_too_dark(engine) -> None:
    dark = (face_rgb("img1.jpg") * 0.15).astype(np.uint8)
    assert reject_code(engine, to_jpeg(dark)) == "IMAGE_TOO_DARK"


@pytest.mark.slow
def test_too_blurry(engine) -> None:
    blurred = cv2.GaussianBlur(face_rgb("img1.jpg"), (0, 0), 5)
    assert reject_code(engine, to_jpeg(blurred)) == "IMAGE_TOO_BLURRY"


@pytest.mark.slow
def test_not_frontal(engine) -> None:
    # F1's face is turned ~40 deg away from the camera; with the gate off it is a face
    assert (
        reject_code(engine, face_bytes("spoof_sample_image_F1.jpg"), anti_spoof=False) == "FACE_NOT_FRONTAL"
    )
    assert engine.analyze(face_bytes("spoof_sample_image_F1.jpg"), anti_spoof=False, require_frontal=False)


@pytest.mark.slow
def test_dim_compressed_site_selfie_still_passes_the_gates(engine) -> None:
    from services.faces.evaluation import degrade_like_a_site_selfie

    analysis = engine.analyze(degrade_like_a_site_selfie(face_bytes("img17.jpg")), anti_spoof=False)
    assert analysis.face.brightness >= engine.settings.min_brightness


# ------------------------------------------------------------------ verification


@pytest.mark.slow
@pytest.mark.parametrize(
    ("a", "b"), [("img1.jpg", "img2.jpg"), ("img13.jpg", "img15.jpg"), ("img20.jpg", "img21.jpg")]
)
def test_same_person_matches(engine, a: str, b: str) -> None:
    from services.faces.engine import face_distance

    d = face_distance(engine.analyze(face_bytes(a)).embedding, engine.analyze(face_bytes(b)).embedding)
    assert d <= DEFAULT_THRESHOLD


@pytest.mark.slow
@pytest.mark.parametrize(
    ("a", "b"), [("img1.jpg", "img3.jpg"), ("img16.jpg", "img20.jpg"), ("img8.jpg", "img24.jpg")]
)
def test_different_people_do_not_match(engine, a: str, b: str) -> None:
    from services.faces.engine import face_distance

    d = face_distance(engine.analyze(face_bytes(a)).embedding, engine.analyze(face_bytes(b)).embedding)
    assert d > DEFAULT_THRESHOLD


@pytest.mark.slow
def test_pairs_csv_at_calibrated_threshold(engine, faces_dir) -> None:
    report = evaluate_pairs(engine, faces_dir / "pairs.csv", faces_dir)
    assert report["pairs"] == 300 and report["problems"] == []
    assert report["threshold"] == DEFAULT_THRESHOLD
    assert report["far"] == 0.0  # no impostor accepted
    assert report["frr"] <= 0.05  # at most 1 of 38 genuine pairs refused
    assert report["accuracy"] >= 0.99


def test_pairs_csv_problems_are_reported(tmp_path) -> None:
    csv_path = tmp_path / "pairs.csv"
    csv_path.write_text(
        "img1,img2,same\nimg1.jpg,img2.jpg,1\nimg1.jpg,nope.jpg,0\nimg1.jpg,,1\nimg1.jpg,img3.jpg,maybe\n"
    )
    report = read_pairs(csv_path, FACES)
    assert report.rows == [("img1.jpg", "img2.jpg", True)]
    assert [p["problem"] for p in report.problems] == ["missing file", "unreadable row", "unreadable row"]


# ------------------------------------------------------------------ passive liveness


@pytest.mark.slow
@pytest.mark.parametrize("name", ["spoof_sample_image_F1.jpg", "spoof_sample_image_F2.jpg"])
def test_spoof_samples_are_fake(engine, name: str) -> None:
    analysis = engine.analyze(face_bytes(name), require_frontal=False)
    assert analysis.spoof is not None and not analysis.spoof.is_real


@pytest.mark.slow
def test_live_sample_is_real(engine) -> None:
    analysis = engine.analyze(face_bytes("spoof_sample_image_T1.jpg"))
    assert analysis.spoof is not None and analysis.spoof.is_real and analysis.spoof.real_score > 0.9


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    ["spoof_sample_image_T1.jpg", "spoof_sample_image_F1.jpg", "spoof_sample_image_F2.jpg", "img1.jpg"],
)
def test_fasnet_tf_function_equals_deepface_eager(engine, name: str) -> None:
    from deepface import DeepFace

    rgb = decode_image(face_bytes(name))
    face = engine.find_face(rgb, require_frontal=False)
    eager_real, eager_score = DeepFace.build_model(model_name="Fasnet", task="spoofing").analyze(
        img=np.ascontiguousarray(rgb[:, :, ::-1]), facial_area=face.box
    )
    scores = engine.spoof_scores(rgb, face.box)[0]
    assert engine.check_spoof(rgb, face).is_real == eager_real
    assert scores.max() / 2 == pytest.approx(eager_score, abs=1e-5)


def test_header_pixel_limit_is_ours() -> None:
    # below Pillow's own bomb limit, above ours
    with pytest.raises(FaceRejected) as err:
        decode_image(png_claiming_size(8_000, 8_000))
    assert err.value.code == "IMAGE_TOO_LARGE" and err.value.details["pixels"] == 64_000_000
