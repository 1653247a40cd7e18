"""flask faces eval / verify / liveness / purge-evidence through Flask's CLI runner."""

from __future__ import annotations

import json

import pytest

from tests.faces.photos import FACES

pytestmark = pytest.mark.slow


def test_eval_prints_one_json_object(app, engine, tmp_path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "img1,img2,same\nimg1.jpg,img2.jpg,1\nimg1.jpg,img3.jpg,0\nimg13.jpg,img14.jpg,1\n"
        "img1.jpg,missing.jpg,1\nbroken-row\n"
    )
    result = app.test_cli_runner().invoke(
        args=["faces", "eval", str(pairs), "--images", str(FACES), "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)  # exactly one JSON document on stdout
    assert {"pairs", "accuracy", "far", "frr", "threshold", "model", "detector", "mean_ms"} <= set(report)
    assert report["pairs"] == 3 and report["accuracy"] == 1.0 and report["model"] == "Dlib"
    assert [p["problem"] for p in report["problems"]] == ["missing file", "unreadable row"]


def test_eval_refuses_a_csv_without_the_header(app, engine, tmp_path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("a,b\nimg1.jpg,img2.jpg\n")
    result = app.test_cli_runner().invoke(
        args=["faces", "eval", str(pairs), "--images", str(FACES), "--json"]
    )
    assert result.exit_code == 2 and "img1,img2,same" in json.loads(result.output)["error"]


def test_verify_and_liveness(app, engine) -> None:
    runner = app.test_cli_runner()
    same = runner.invoke(args=["faces", "verify", str(FACES / "img1.jpg"), str(FACES / "img2.jpg"), "--json"])
    assert same.exit_code == 0 and json.loads(same.output)["same_person"] is True
    other = runner.invoke(
        args=["faces", "verify", str(FACES / "img1.jpg"), str(FACES / "img3.jpg"), "--json"]
    )
    assert other.exit_code == 1 and json.loads(other.output)["distance"] > 0.6
    fake = runner.invoke(args=["faces", "liveness", str(FACES / "spoof_sample_image_F2.jpg"), "--json"])
    assert fake.exit_code == 1 and json.loads(fake.output)["live"] is False
    live = runner.invoke(args=["faces", "liveness", str(FACES / "spoof_sample_image_T1.jpg"), "--json"])
    assert live.exit_code == 0 and json.loads(live.output)["anti_spoof_score"] > 0.9


def test_eval_counts_refusals_per_gate_and_measures_multi_frame(app, engine, tmp_path) -> None:
    pairs = tmp_path / "pairs.csv"
    # img1, img2, img4 are one person; couple.jpg is refused (two faces of a size)
    pairs.write_text(
        "img1,img2,same\nimg1.jpg,img2.jpg,1\nimg2.jpg,img4.jpg,1\nimg1.jpg,img3.jpg,0\nimg3.jpg,couple.jpg,0\n"
    )
    result = app.test_cli_runner().invoke(
        args=["faces", "eval", str(pairs), "--images", str(FACES), "--frames", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {"pairs", "accuracy", "far", "frr", "false_accepts", "false_rejects", "threshold"} <= set(report)
    assert {"rejected_images", "roc", "refusals_by_gate"} <= set(report)
    assert report["refusals_by_gate"] == {"FACE_MULTIPLE": 1}
    assert report["rejected_images"] == {"couple.jpg": "FACE_MULTIPLE"}
    one, two = report["multi_frame"]["by_frames"]
    # person {1,2,4}: 3 single-photo enrollments x 2 others; 3 two-photo ones x 1 other
    assert (one["frames"], one["enrollments"], one["genuine"]) == (1, 3, 6)
    assert (two["frames"], two["enrollments"], two["genuine"]) == (2, 3, 3)
    assert one["false_accepts"] == two["false_accepts"] == 0
