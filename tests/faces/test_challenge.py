"""Active liveness on real photos: same-person photos with different head poses as frames."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.faces import challenge as challenges
from services.faces.engine import HeadPose
from services.faces.reasons import FaceRejected
from tests.faces.photos import face_bytes

# poses measured by the engine (yaw + = nose towards image right, pitch + = chin up):
# img2 yaw -9, img11 yaw +13 (same person); img7 pitch -13, img4 pitch +6 (same person)
TURN = ("img2.jpg", "img11.jpg")
CHIN = ("img7.jpg", "img4.jpg")


def frames(*names: str) -> list[bytes]:
    return [face_bytes(n) for n in names]


# ------------------------------------------------------------------ rules (no models)


@pytest.mark.parametrize(
    ("movement", "later", "expected"),
    [
        ("turn_left", HeadPose(20, 0, 0), 20),
        ("turn_right", HeadPose(20, 0, 0), -20),
        ("turn_right", HeadPose(-18, 0, 0), 18),
        ("raise_chin", HeadPose(0, 12, 0), 12),
        ("lower_chin", HeadPose(0, 12, 0), -12),
    ],
)
def test_movement_direction(movement: str, later: HeadPose, expected: float) -> None:
    assert challenges.movement_degrees(HeadPose(0, 0, 0), later, movement) == pytest.approx(expected)


def test_mirrored_frames_swap_left_and_right() -> None:
    moved = challenges.movement_degrees(HeadPose(0, 0, 0), HeadPose(20, 0, 0), "turn_left", mirrored=True)
    assert moved == pytest.approx(-20)


def test_issue_is_random_short_lived_and_unique() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    issued = [challenges.issue(now) for _ in range(40)]
    assert {c.movement for c in issued} == set(challenges.MOVEMENTS)
    assert len({c.nonce for c in issued}) == 40 and all(len(c.nonce) >= 32 for c in issued)
    first = issued[0]
    assert first.expires_at - now == timedelta(seconds=challenges.ChallengeSettings().ttl_seconds)
    assert not challenges.is_expired(first.expires_at, now)
    assert challenges.is_expired(first.expires_at, first.expires_at)


# ------------------------------------------------------------------ frames through the engine


def rejected(engine, data: list[bytes], movement: str) -> FaceRejected:
    with pytest.raises(FaceRejected) as err:
        challenges.check_frames(engine, data, movement)
    return err.value


@pytest.mark.slow
def test_real_head_turn_is_accepted(engine) -> None:
    result = challenges.check_frames(engine, frames(*TURN), "turn_left")
    assert result.moved_deg >= challenges.ChallengeSettings().min_yaw_change
    assert result.frame_distances[0] <= engine.settings.threshold
    assert result.primary.embedding.shape == (128,)


@pytest.mark.slow
def test_real_chin_raise_is_accepted(engine) -> None:
    result = challenges.check_frames(engine, frames(*CHIN), "raise_chin")
    assert result.moved_deg >= challenges.ChallengeSettings().min_pitch_change


@pytest.mark.slow
def test_movement_the_other_way_is_refused(engine) -> None:
    err = rejected(engine, frames(*TURN), "turn_right")
    assert err.code == "CHALLENGE_NOT_PERFORMED" and err.details["moved_deg"] < 0


@pytest.mark.slow
def test_identical_frames_are_refused(engine) -> None:
    assert rejected(engine, frames("img2.jpg", "img2.jpg"), "turn_left").code == "CHALLENGE_NOT_PERFORMED"


@pytest.mark.slow
def test_same_photo_reencoded_shows_no_movement(engine) -> None:
    from tests.faces.photos import face_rgb, to_jpeg

    again = to_jpeg(face_rgb("img2.jpg"), quality=80)  # different bytes, same still photo
    err = rejected(engine, [face_bytes("img2.jpg"), again], "turn_left")
    assert err.code == "CHALLENGE_NOT_PERFORMED" and abs(err.details["moved_deg"]) < 5


@pytest.mark.slow
def test_face_swapped_between_frames_is_refused(engine) -> None:
    # img3 is another person, turned the right way relative to img2
    assert rejected(engine, frames("img2.jpg", "img3.jpg"), "turn_left").code == "CHALLENGE_FACE_CHANGED"


def test_frame_count_is_checked(engine) -> None:
    assert rejected(engine, frames("img2.jpg"), "turn_left").code == "CHALLENGE_FRAMES_INVALID"
    assert (
        rejected(engine, frames(*TURN, "img1.jpg", "img4.jpg"), "turn_left").code
        == "CHALLENGE_FRAMES_INVALID"
    )
