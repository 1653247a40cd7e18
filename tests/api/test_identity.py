"""HTTP: identity verified before approval (WeChat 人脸核身 or on site), every ID document type,
enrollment without a phone and the claim, and the non-face path from approval to a counted clock."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import requests
from PIL import Image
from sqlalchemy import func, select

from devtools.fake_wechat import face_verify_result
from models import Consent, FaceCheck, FaceTemplate, IdentityVerification, Project, Role, User, db
from services.consent_texts import CURRENT
from services.days import business_day
from tests.api.enrollment_site import Site, apply, error
from tests.api.test_contracts import employer_sign, employer_signatory, signature_png
from tests.factories import (
    CONSENT_KINDS,
    add_member,
    bank_card,
    give_consents,
    id_number,
    login,
    profile_body,
    years_ago,
)

CENTER = (22.543096, 114.057865)  # tests/factories.GEOFENCE


def png(color: str = "white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 40), color).save(out, "PNG")
    return out.getvalue()


def verify(client, headers, verify_result: str):
    return client.post("/api/v1/me/identity-verifications", json={"verify_result": verify_result}, headers=headers)


def test_wechat_face_verification_success_mismatch_and_wechat_errors(app, client, site, fake_wechat):
    headers = site.headers["worker"]
    body = profile_body()
    membership_id = apply(client, site, identity=False)
    approve = f"/api/v1/enrollments/{membership_id}/approve"
    refused = client.post(approve, headers=site.headers["labour"])
    assert refused.status_code == 422 and error(refused)["details"]["missing"] == ["identity"]

    # WeChat checked someone else's number (or the same number under another name)
    other = verify(client, headers, face_verify_result(id_number(years_ago(40), seq=5), body["name"]))
    assert other.status_code == 422 and error(other)["code"] == "IDENTITY_MISMATCH"
    assert error(other)["details"] == {"id_number": False, "name": True}
    renamed = verify(client, headers, face_verify_result(body["id_number"], "李四"))
    assert error(renamed)["code"] == "IDENTITY_MISMATCH" and error(renamed)["details"]["name"] is False
    failed = verify(client, headers, face_verify_result(body["id_number"], body["name"], passed=False))
    assert failed.status_code == 422 and error(failed)["code"] == "IDENTITY_FACE_FAILED"
    expired = verify(client, headers, "a-stale-verify-result")  # WeChat: errcode 84002
    assert expired.status_code == 422 and error(expired)["code"] == "IDENTITY_RESULT_INVALID"
    assert error(expired)["details"]["errcode"] == 84002
    requests.post(fake_wechat.base_url + "__fake__/mode", json={"mode": "down"}, timeout=5)
    down = verify(client, headers, face_verify_result(body["id_number"], body["name"]))
    assert down.status_code == 503 and error(down)["code"] == "WECHAT_UNAVAILABLE"
    requests.post(fake_wechat.base_url + "__fake__/mode", json={"mode": "ok"}, timeout=5)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IdentityVerification)) == 0
    assert client.post(approve, headers=site.headers["labour"]).status_code == 422

    ok = verify(client, headers, face_verify_result(body["id_number"], body["name"]))
    assert ok.status_code == 201, ok.get_json()
    assert (ok.get_json()["method"], ok.get_json()["status"]) == ("wechat_face", "verified")
    calls = requests.get(fake_wechat.base_url + "__fake__/calls", timeout=5).json()
    assert calls["/cityservice/face/identify/getinfo"] >= 5
    mine = client.get("/api/v1/me/profile", headers=headers).get_json()
    assert mine["identity"]["method"] == "wechat_face" and mine["identity"]["verified_at"]
    listed = client.get(f"/api/v1/projects/{site.project_id}/enrollments", headers=site.headers["labour"]).get_json()
    assert listed["items"][0]["completeness"]["identity"]["method"] == "wechat_face"
    assert client.post(approve, headers=site.headers["labour"]).status_code == 200


def test_on_site_verification_never_for_ones_own_membership(app, client, site):
    with app.app_context():  # the labour manager also applied as a worker on their own project
        add_member(db.session.get(Project, site.project_id), db.session.get(User, site.users["labour"]), Role.WORKER)
        db.session.commit()
    labour = site.headers["labour"]
    give_consents(client, labour)
    assert client.put("/api/v1/me/profile", json=profile_body(), headers=labour).status_code == 200
    own = client.post(f"/api/v1/projects/{site.project_id}/workers/{site.users['labour']}/identity-verifications",
                      data={"method": "on_site", "note": "核对身份证原件"}, headers=labour,
                      content_type="multipart/form-data")
    assert own.status_code == 403 and error(own)["code"] == "IDENTITY_SELF_VERIFY"

    apply(client, site, identity=False, id_number=id_number(years_ago(41), seq=3))
    url = f"/api/v1/projects/{site.project_id}/workers/{site.users['worker']}/identity-verifications"
    form = {"method": "on_site", "note": "核对身份证原件，人证一致"}
    assert client.post(url, data=form, headers=site.headers["leader"],
                       content_type="multipart/form-data").status_code == 403
    resp = client.post(url, data={**form, "document_photo": (io.BytesIO(png()), "card.png")}, headers=labour,
                       content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_json()
    row = resp.get_json()
    assert (row["method"], row["verified_by"], row["document_photo"]) == ("on_site", site.users["labour"], True)
    photo = client.get(f"/api/v1/projects/{site.project_id}/identity-verifications/{row['id']}/document-photo",
                       headers=labour)
    assert photo.status_code == 200 and photo.data == png()
    assert client.get(f"/api/v1/projects/{site.project_id}/identity-verifications/{row['id']}/document-photo",
                      headers=site.headers["admin"]).status_code == 403  # the labour manager only


def test_every_id_document_type_by_its_own_rule(client, site):
    types = client.get("/api/v1/id-types", headers=site.headers["worker"]).get_json()["items"]
    assert {t["name"] for t in types} >= {"居民身份证", "港澳台居民居住证", "港澳居民来往内地通行证",
                                         "台湾居民来往大陆通行证", "外国人永久居留身份证", "护照"}
    code = {t["name"]: t["code"] for t in types}
    headers = site.headers["worker"]
    give_consents(client, headers)
    born = years_ago(30, 5)

    def permit(prefix: str, seq: int = 1) -> str:  # 18 digits, the same check digit as 居民身份证
        from stdnum.cn import ric

        base = f"{prefix}{born:%Y%m%d}{seq:03d}"
        return base + ric.calc_check_digit(base + "0")

    def put(**changes):
        return client.put("/api/v1/me/profile", json=profile_body(**changes), headers=headers)

    # today's failure case: a residence permit's 810000 is no 地区码 of the resident ID card
    assert error(put(id_number=permit("810000")))["details"]["fields"][0]["type"] == "id_region"
    cases = [  # (type, valid number, bad number, needs birth date and sex typed in)
        ("港澳台居民居住证", permit("810000"), permit("810000")[:-1] + "0" if permit("810000")[-1] != "0"
         else permit("810000")[:-1] + "1", False),
        ("港澳台居民居住证", permit("830000", 2), permit("440300", 2), False),
        ("港澳居民来往内地通行证", "H12345678", "X12345678", True),
        ("台湾居民来往大陆通行证", "12345678", "1234567", True),
        ("外国人永久居留身份证", permit("911840", 3), permit("911840", 3)[:-1] + (
            "1" if permit("911840", 3)[-1] != "1" else "2"), False),
        ("外国人永久居留身份证", "USA310712345678", "US3107123456789", True),
        ("护照", "E12345678", "E1", True),
    ]
    for name, good, bad, typed in cases:
        extra = {"birth_date": born.isoformat(), "sex": "female"} if typed else {}
        refused = put(id_type=code[name], id_number=bad, **extra)
        assert refused.status_code == 422, (name, bad)
        assert error(refused)["details"]["fields"][0]["loc"] == "id_number"
        if typed:  # no birth date in the number: it is a required field
            missing = put(id_type=code[name], id_number=good)
            assert {f["loc"] for f in error(missing)["details"]["fields"]} == {"birth_date"}, name
        saved = put(id_type=code[name], id_number=good, **extra)
        assert saved.status_code == 200, (name, saved.get_json())
        assert saved.get_json()["id_type"] == code[name] and saved.get_json()["birth_year"] == born.year
        # sex from the number where it carries it (odd 17th digit: male), else as typed
        assert saved.get_json()["sex"] == ("female" if typed else "male" if int(good[16]) % 2 else "female")
    # uniqueness per type and number; the age rule is the same for every document
    give_consents(client, site.headers["other"])
    taken = client.put("/api/v1/me/profile", json=profile_body(id_type=code["护照"], id_number="E12345678",
                                                                birth_date=born.isoformat(), sex="female"),
                       headers=site.headers["other"])
    assert taken.status_code == 409 and error(taken)["code"] == "ID_NUMBER_IN_USE"
    young = put(id_type=code["护照"], id_number="E22345678", birth_date=years_ago(15).isoformat(), sex="male")
    assert young.status_code == 422 and error(young)["code"] == "AGE_UNDER_16"
    assert put(id_type="99", id_number="E22345678").status_code == 422


def test_a_worker_without_a_phone_enrolled_on_site_and_claimed_later(app, client, site):
    labour = site.headers["labour"]
    body = {**profile_body(id_number=id_number(years_ago(50), seq=21), name="赵大山", phone=None,
                           bank_card=bank_card()), "team_id": site.team_id}
    created = client.post(f"/api/v1/projects/{site.project_id}/workers", json=body, headers=labour)
    assert created.status_code == 201, created.get_json()
    worker = created.get_json()
    uid = worker["user_id"]
    assert worker["profile"]["name_masked"] == "赵**" and len(worker["claim_code"]) == 8
    assert client.post(f"/api/v1/projects/{site.project_id}/workers", json=body,
                       headers=site.headers["worker"]).status_code == 404  # not a member: nothing to see
    for kind in CONSENT_KINDS:
        resp = client.post(f"/api/v1/projects/{site.project_id}/workers/{uid}/consents", headers=labour,
                           data={"kind": kind, "version": CURRENT[kind].version,
                                 "form_photo": (io.BytesIO(png()), "form.png")}, content_type="multipart/form-data")
        assert resp.status_code == 201, resp.get_json()
        assert (resp.get_json()["method"], resp.get_json()["recorded_by"]) == ("paper", site.users["labour"])
    no_photo = client.post(f"/api/v1/projects/{site.project_id}/workers/{uid}/consents", headers=labour,
                           data={"kind": "privacy_policy", "version": "v1"}, content_type="multipart/form-data")
    assert no_photo.status_code == 422
    verified = client.post(f"/api/v1/projects/{site.project_id}/workers/{uid}/identity-verifications", headers=labour,
                           data={"method": "on_site", "note": "核对身份证原件"}, content_type="multipart/form-data")
    assert verified.status_code == 201
    with app.app_context():
        audit_actors = {c.recorded_by for c in db.session.scalars(select(Consent).where(Consent.user_id == uid))}
        assert audit_actors == {site.users["labour"]}

    # later: the worker logs in with their own (new) WeChat and claims the account
    mine = login(client, "zhao-dashan-phone")
    assert error(client.post("/api/v1/me/claims", json={"code": "WRONG123"}, headers=mine))["code"] == \
        "CLAIM_CODE_INVALID"
    claimed = client.post("/api/v1/me/claims", json={"code": worker["claim_code"].lower()}, headers=mine)
    assert claimed.status_code == 200, claimed.get_json()
    assert claimed.get_json()["user"]["id"] == uid
    assert client.get("/api/v1/me", headers=mine).status_code == 401  # the empty account is retired
    token = {"Authorization": f"Bearer {claimed.get_json()['token']}"}
    me = client.get("/api/v1/me", headers=token).get_json()
    assert [(m["project_id"], m["status"]) for m in me["memberships"]] == [(site.project_id, "pending")]
    assert client.get("/api/v1/me/profile", headers=token).get_json()["identity"]["method"] == "on_site"
    again = login(client, "zhao-dashan-phone")  # wx.login from now on signs into the enrolled account
    assert client.get("/api/v1/me", headers=again).get_json()["id"] == uid
    other = login(client, "someone-else")
    assert error(client.post("/api/v1/me/claims", json={"code": worker["claim_code"]}, headers=other))["code"] == \
        "CLAIM_CODE_INVALID"  # one time only


def test_no_biometric_consent_approved_signed_with_a_witness_and_clocked(app, client, site):
    """The non-face path end to end, and no face processing anywhere on the way."""
    headers, labour = site.headers["worker"], site.headers["labour"]
    uid = site.users["worker"]
    membership_id = apply(client, site, face=False, identity=False)
    client.post("/api/v1/me/consents/biometric/withdraw", headers=headers)
    client.post("/api/v1/me/consents/location/withdraw", headers=headers)
    approve = f"/api/v1/enrollments/{membership_id}/approve"
    assert error(client.post(approve, headers=labour))["details"]["missing"] == ["identity"]
    client.post(f"/api/v1/projects/{site.project_id}/workers/{uid}/identity-verifications", headers=labour,
                data={"method": "on_site", "note": "核对身份证原件"}, content_type="multipart/form-data")
    approved = client.post(approve, headers=labour)
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["completeness"]["path"] == "non_face"

    contract_id = client.get("/api/v1/me/contracts", headers=headers).get_json()["items"][0]["id"]
    signed = client.post(f"/api/v1/contracts/{contract_id}/sign", headers=headers, content_type="multipart/form-data",
                         data={"signature": (io.BytesIO(signature_png()), "sign.png")})
    assert signed.status_code == 202, signed.get_json()
    body = signed.get_json()
    assert (body["face_check_id"], body["status"]) == (None, "awaiting_witness")
    assert body["poll_url"] == f"http://localhost/api/v1/contracts/{contract_id}"  # a person decides: poll the contract
    gate = client.get(f"/api/v1/me/projects/{site.project_id}/gate", headers=headers).get_json()
    assert "CONTRACT_NOT_SIGNED" in [r["code"] for r in gate["reasons"]]
    witness = f"/api/v1/contracts/{contract_id}/witness"
    assert client.post(witness, json={"note": "本人当面签名"}, headers=headers).status_code == 403  # not their own
    done = client.post(witness, json={"note": "工人本人在项目部当面手写签名"}, headers=labour)
    assert done.status_code == 200, done.get_json()
    # the witness signs the worker's side; in force once the employer signs too (issue 26)
    assert (done.get_json()["status"], done.get_json()["witnessed_by"]) == ("worker_signed", site.users["labour"])
    again = client.post(witness, json={"note": "再次见证"}, headers=labour)
    assert again.status_code == 409 and error(again)["code"] == "CONTRACT_NOT_AWAITING_WITNESS"
    assert employer_sign(client, employer_signatory(app, client, site), contract_id).get_json()["status"] == "signed"

    url = f"/api/v1/projects/{site.project_id}/workers/{uid}/trainings"
    for level, hours in (("company", 15), ("project", 15), ("team", 20)):
        client.post(url, json={"level": level, "hours": hours, "date": business_day().isoformat()}, headers=labour)
    gate = client.get(f"/api/v1/me/projects/{site.project_id}/gate", headers=headers).get_json()
    assert (gate["may_clock_in"], gate["reasons"], gate["path"]) == (True, [], "non_face")
    assert "班组长现场见证" in gate["path_hint"]

    taken = datetime.now(UTC) - timedelta(minutes=1)
    clock = client.post(f"/api/v1/teams/{site.team_id}/witnessed-clocks", headers=site.headers["leader"], json={
        "user_id": uid, "direction": "in", "lat": CENTER[0], "lng": CENTER[1], "accuracy_m": 15,
        "taken_at": taken.isoformat(), "note": "本人未同意人脸识别，班组长现场见证"})
    assert clock.status_code == 201, clock.get_json()
    day = client.get(f"/api/v1/teams/{site.team_id}/days/{clock.get_json()['date']}",
                     headers=site.headers["leader"]).get_json()
    row = next(i for i in day["items"] if i["user_id"] == uid)
    assert row["first_in"] is not None  # counted towards the day
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FaceCheck).where(FaceCheck.user_id == uid)) == 0
        assert db.session.scalar(select(func.count()).select_from(FaceTemplate)
                                 .where(FaceTemplate.user_id == uid)) == 0


def test_the_labour_manager_never_witnesses_their_own_contract(app, client, site: Site):
    from models import Contract

    with app.app_context():
        own = add_member(db.session.get(Project, site.project_id), db.session.get(User, site.users["labour"]),
                         Role.WORKER)
        contract = Contract(project_id=site.project_id, user_id=site.users["labour"], membership_id=own.id,
                            status="awaiting_witness", title="t", body_enc="", employer_name="e",
                            worker_name_masked="张*", trade="钢筋工", wage_type="day", wage_amount_fen=1,
                            pay_day=15, term_start=business_day())
        db.session.add(contract)
        db.session.commit()
        contract_id = contract.id
    resp = client.post(f"/api/v1/contracts/{contract_id}/witness", json={"note": "自己见证自己"},
                       headers=site.headers["labour"])
    assert resp.status_code == 403 and error(resp)["code"] == "CONTRACT_SELF_WITNESS"


def test_impact_assessment_and_face_count_on_the_admin_dashboard(app, client, site):
    from tests.factories import make_face_template

    with app.app_context():
        make_face_template(db.session.get(User, site.users["worker"]))
        db.session.commit()
    url = f"/api/v1/projects/{site.project_id}/dashboard"
    before = client.get(url, headers=site.headers["admin"]).get_json()["face_processing"]
    assert before["impact_assessment"] is None and before["people_with_face_templates"] == 1
    assert (before["filing_threshold"], before["filing_required"]) == (100_000, False)
    out = app.test_cli_runner().invoke(args=[
        "privacy", "record-assessment", "--purpose", "实名考勤与签约的本人核验", "--necessity", "可改用现场核验与见证",
        "--measures", "加密保存、单独同意、撤回即删", "--assessed-on", "2026-11-01", "--assessed-by", "项目部信息安全小组"])
    assert out.exit_code == 0, out.output
    after = client.get(url, headers=site.headers["admin"]).get_json()["face_processing"]
    assert after["impact_assessment"]["assessed_by"] == "项目部信息安全小组"
    assert after["impact_assessment"]["assessed_on"] == "2026-11-01"
    assert "face_processing" not in client.get(url, headers=site.headers["labour"]).get_json()  # admins only


def test_the_face_taken_on_the_labour_managers_phone_needs_the_workers_consent(app, client, site):
    labour = site.headers["labour"]
    body = {**profile_body(id_number=id_number(years_ago(44), seq=23), name="钱多多"), "team_id": site.team_id}
    uid = client.post(f"/api/v1/projects/{site.project_id}/workers", json=body, headers=labour).get_json()["user_id"]
    url = f"/api/v1/projects/{site.project_id}/workers/{uid}/face-enrollments"
    frames = {"frames": [(io.BytesIO(png()), "face.png")]}
    refused = client.post(url, data=frames, headers=labour, content_type="multipart/form-data")
    assert refused.status_code == 403 and error(refused)["code"] == "CONSENT_REQUIRED"
    client.post(f"/api/v1/projects/{site.project_id}/workers/{uid}/consents", headers=labour,
                data={"kind": "biometric", "version": CURRENT["biometric"].version,
                      "form_photo": (io.BytesIO(png()), "form.png")}, content_type="multipart/form-data")
    accepted = client.post(url, data={"frames": [(io.BytesIO(png()), "face.png")]}, headers=labour,
                           content_type="multipart/form-data")
    assert accepted.status_code == 202, accepted.get_json()
    with app.app_context():
        check = db.session.get(FaceCheck, accepted.get_json()["check_id"])
        assert (check.user_id, check.kind) == (uid, "enroll")
