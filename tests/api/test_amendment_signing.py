"""A 变更协议 is signed from the phone the way the contract is: the `contract` selfie uploaded first as a
face check, then the handwritten signature with its `face_check_id` (wx.uploadFile sends one file);
or, without face processing, by hand with the labour manager as witness."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from models import ContractAmendment, FaceCheck, db
from tests.api.enrollment_site import Site, error
from tests.api.test_contracts import employer_sign, employer_signatory, signature_png
from tests.api.test_miniprogram import _check, _contract, _sign

pytestmark = pytest.mark.slow


def _amendment(app, client, site: Site) -> tuple[int, dict[str, str]]:
    """A signed contract (both parties) and a pending 变更协议 on it; returns (amendment id, signatory)."""
    contract_id = _contract(app, client, site)
    assert _sign(client, site, contract_id, face_check_id=_check(app, site)).status_code == 202
    signer = employer_signatory(app, client, site)
    assert employer_sign(client, signer, contract_id).get_json()["status"] == "signed"
    resp = client.post(f"/api/v1/contracts/{contract_id}/amendments", headers=site.headers["labour"],
                       json={"wage_amount_fen": 40000, "effective_from": "2027-01-01"})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"], signer


def _sign_amendment(client, site: Site, amendment_id: int, **fields):
    data = {"signature": (io.BytesIO(signature_png()), "sign.png"), **{k: str(v) for k, v in fields.items()}}
    return client.post(f"/api/v1/contract-amendments/{amendment_id}/sign", data=data,
                       headers=site.headers["worker"], content_type="multipart/form-data")


def test_an_amendment_is_signed_with_a_selfie_uploaded_first(app, client, site: Site) -> None:
    amendment_id, signer = _amendment(app, client, site)
    refusals = [
        ({"face_check_id": _check(app, site, who="other")}, 404, "FACE_CHECK_NOT_FOUND"),
        ({"face_check_id": _check(app, site, kind="clock")}, 422, "FACE_CHECK_KIND_INVALID"),
        ({"face_check_id": _check(app, site, age=timedelta(minutes=11))}, 422, "FACE_CHECK_STALE"),
        ({"face_check_id": _check(app, site, status="failed")}, 422, "FACE_CHECK_NOT_PASSED"),
        ({"face_check_id": _check(app, site, purpose="contract", purpose_id=999)}, 409, "FACE_CHECK_USED"),
    ]
    for fields, status, code in refusals:
        resp = _sign_amendment(client, site, amendment_id, **fields)
        assert (resp.status_code, error(resp)["code"]) == (status, code), fields
    with app.app_context():
        assert db.session.get(ContractAmendment, amendment_id).status == "unsigned"  # refusals changed nothing

    passed = _check(app, site)
    resp = _sign_amendment(client, site, amendment_id, face_check_id=passed)
    assert resp.status_code == 202, resp.get_json()
    body = resp.get_json()
    assert (body["status"], body["face_check_id"], body["retry_after"]) == ("worker_signed", passed, 0)
    assert body["poll_url"] == f"http://localhost/api/v1/faces/checks/{passed}"
    again = _sign_amendment(client, site, amendment_id, face_check_id=_check(app, site))
    assert (again.status_code, error(again)["code"]) == (409, "CONTRACT_ALREADY_SIGNED")

    data = {"signature": (io.BytesIO(signature_png()), "s.png")}
    done = client.post(f"/api/v1/contract-amendments/{amendment_id}/employer-sign", data=data, headers=signer,
                       content_type="multipart/form-data")
    assert done.status_code == 200 and done.get_json()["status"] == "signed"
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_a_pending_selfie_signs_the_amendment_when_it_passes(app, client, site: Site) -> None:
    amendment_id, _ = _amendment(app, client, site)
    pending = _check(app, site, status="pending")
    body = _sign_amendment(client, site, amendment_id, face_check_id=pending).get_json()
    assert (body["status"], body["retry_after"]) == ("signing", 1)
    busy = _sign_amendment(client, site, amendment_id, face_check_id=_check(app, site))
    assert (busy.status_code, error(busy)["code"]) == (409, "CONTRACT_SIGNING_IN_PROGRESS")
    with app.app_context():
        from services.faces.handover import hand_over

        check = db.session.get(FaceCheck, pending)
        assert (check.purpose, check.purpose_id) == ("contract_amendment", amendment_id)
        check.status = "passed"
        hand_over(check)  # as workers/faces.py does after writing the result
        db.session.commit()
        assert db.session.get(ContractAmendment, amendment_id).status == "worker_signed"


def test_without_the_face_the_labour_manager_witnesses_the_amendment(app, client, site: Site) -> None:
    """《人脸识别技术应用安全管理办法》第十条: the face may not be the only way to sign a 变更协议 either."""
    amendment_id, signer = _amendment(app, client, site)
    url = f"/api/v1/contract-amendments/{amendment_id}"
    note = {"note": "工人本人在项目部当面手写签名，已核对身份证"}
    early = client.post(f"{url}/witness", json=note, headers=site.headers["labour"])
    assert (early.status_code, error(early)["code"]) == (409, "CONTRACT_NOT_AWAITING_WITNESS")
    stranger = client.post(f"{url}/sign", data={"signature": (io.BytesIO(signature_png()), "s.png")},
                           headers=site.headers["other"], content_type="multipart/form-data")
    assert (stranger.status_code, error(stranger)["code"]) == (404, "AMENDMENT_NOT_FOUND")

    body = _sign_amendment(client, site, amendment_id).get_json()
    assert (body["status"], body["face_check_id"], body["poll_url"]) == ("awaiting_witness", None, f"http://localhost{url}")
    own = client.post(f"{url}/witness", json=note, headers=site.headers["worker"])
    assert (own.status_code, error(own)["code"]) == (403, "FORBIDDEN")  # a worker witnesses nothing
    seen = client.post(f"{url}/witness", json=note, headers=site.headers["labour"])
    assert seen.status_code == 200, seen.get_json()
    assert (seen.get_json()["status"], seen.get_json()["witnessed_by"]) == ("worker_signed", site.users["labour"])
    data = {"signature": (io.BytesIO(signature_png()), "s.png")}
    done = client.post(f"{url}/employer-sign", data=data, headers=signer, content_type="multipart/form-data")
    assert done.get_json()["status"] == "signed"
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    with app.app_context():  # the witness is part of what was sealed
        amendment = db.session.get(ContractAmendment, amendment_id)
        amendment.witness_note = "改过"
        db.session.commit()
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code != 0
