"""HTTP: join preview, consents, profile checks, review, training, the entry gate."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from devtools.fake_wechat import face_verify_result
from models import AuditEntry, BankCardRefusal, Project, Role, User, WorkerProfile, db
from services.days import business_day
from tests.api.enrollment_site import apply, error
from tests.factories import (
    add_member,
    bank_card,
    give_consents,
    id_number,
    profile_body,
    years_ago,
)


def test_join_preview_shows_project_contractor_and_teams(client, site):
    resp = client.get(f"/api/v1/join/{site.join_code.lower()}", headers=site.headers["other"])
    assert resp.status_code == 200
    body = resp.get_json()
    assert (body["name"], body["general_contractor"]) == ("测试项目", "测试建设集团")
    assert body["teams"] == [{"id": site.team_id, "name": "钢筋班", "trade": None}]
    assert error(client.get("/api/v1/join/NOPE99", headers=site.headers["other"]))["code"] == "JOIN_CODE_INVALID"
    assert client.get(f"/api/v1/join/{site.join_code}").status_code == 401


def test_consents_current_and_outdated_version_refused(client, site):
    items = client.get("/api/v1/consents/current", headers=site.headers["worker"]).get_json()["items"]
    assert [i["kind"] for i in items] == ["privacy_policy", "biometric", "location", "financial"]
    assert all(i["version"] and "信息" in i["text"] for i in items)
    resp = client.post("/api/v1/me/consents", json={"kind": "location", "version": "v0"},
                       headers=site.headers["worker"])
    assert resp.status_code == 422 and error(resp)["code"] == "CONSENT_VERSION_OUTDATED"
    assert error(resp)["details"]["current_version"] == "v1"


def test_profile_is_stored_encrypted_and_answered_masked(app, client, site):
    headers = site.headers["worker"]
    give_consents(client, headers)
    number = id_number(years_ago(40), male=False)
    resp = client.put("/api/v1/me/profile", json=profile_body(id_number=number, bank_card=bank_card()), headers=headers)
    assert resp.status_code == 200, resp.get_json()
    body = client.get("/api/v1/me/profile", headers=headers).get_json()
    assert body["id_number_masked"] == number[:4] + "*" * 10 + number[-4:]
    assert (body["sex"], body["name_masked"], body["bank_card_last4"]) == ("female", "张*", "3446")
    assert body["phone_masked"] == "138****8000" and body["emergency_contact_masked"] == "李* 139****9000"
    with app.app_context():
        raw = db.session.execute(db.text("SELECT * FROM worker_profiles")).mappings().one()
        assert number not in str(dict(raw)) and "张三" not in str(dict(raw))


def with_check_digit(first17: str) -> str:
    from stdnum.cn import ric

    return first17 + ric.calc_check_digit(first17 + "0")


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] == "0" else "0")


@pytest.mark.parametrize(("number", "kind"), [
    (wrong_check_digit(id_number(years_ago(30))), "id_checksum"),
    (with_check_digit("11010519900230001"), "id_birth_date"),  # 30 February
    (with_check_digit("99999919900101001"), "id_region"),
    ("11010519900101001", "id_format"),  # 17 digits
], ids=["checksum", "birth_date", "region", "length"])
def test_bad_id_numbers_are_named_in_a_422(client, site, number, kind):
    headers = site.headers["worker"]
    give_consents(client, headers)
    resp = client.put("/api/v1/me/profile", json=profile_body(id_number=number, bank_card="6222020200112233440", phone="12345"), headers=headers)
    assert resp.status_code == 422
    fields = {f["loc"]: f for f in error(resp)["details"]["fields"]}
    assert fields["id_number"]["type"] == kind and "身份证" in fields["id_number"]["msg"]
    # every bad field is named, in Chinese
    assert fields["bank_card"]["type"] == "bank_card_checksum" and fields["phone"]["type"] == "phone_invalid"


@pytest.mark.parametrize(("age", "code"), [(15, "AGE_UNDER_16"), (17, "AGE_UNDER_18")])
def test_minors_are_refused(client, site, age, code):
    headers = site.headers["worker"]
    give_consents(client, headers)
    resp = client.put("/api/v1/me/profile", json=profile_body(born=years_ago(age, 30)), headers=headers)
    assert resp.status_code == 422 and error(resp)["code"] == code
    assert client.get("/api/v1/me/profile", headers=headers).status_code == 404


def test_the_same_id_on_another_account_is_refused(app, client, site):
    number = id_number(years_ago(30))
    for who in ("worker", "other"):
        give_consents(client, site.headers[who])
    assert client.put("/api/v1/me/profile", json=profile_body(id_number=number),
                      headers=site.headers["worker"]).status_code == 200
    resp = client.put("/api/v1/me/profile", json=profile_body(id_number=number), headers=site.headers["other"])
    assert resp.status_code == 409 and error(resp)["code"] == "ID_NUMBER_IN_USE" and "劳资专管员" in error(resp)["message"]
    with app.app_context():  # the refused request changed nothing, but the attempt is in the audit log
        tried = db.session.execute(select(AuditEntry.object_id).where(
            AuditEntry.action == "profile.duplicate_id_refused")).scalars().all()
        assert tried == [str(site.users["other"])]
        assert db.session.execute(select(WorkerProfile.id).where(
            WorkerProfile.user_id == site.users["other"])).first() is None
    # the owner may correct their own profile with it
    assert client.put("/api/v1/me/profile", json=profile_body(id_number=number, name="张三丰"),
                      headers=site.headers["worker"]).status_code == 200


def test_profile_needs_the_privacy_and_financial_consents(client, site):
    headers = site.headers["worker"]
    resp = client.put("/api/v1/me/profile", json=profile_body(), headers=headers)
    assert resp.status_code == 403 and error(resp)["details"]["kind"] == "privacy_policy"
    give_consents(client, headers, ("privacy_policy",))
    resp = client.put("/api/v1/me/profile", json=profile_body(), headers=headers)
    assert resp.status_code == 403 and error(resp)["details"]["kind"] == "financial"


def test_face_upload_refused_without_biometric_consent_and_after_withdrawal(client, site):
    headers = site.headers["worker"]
    upload = {"kind": "enroll", "frames": [(io.BytesIO(b"\xff\xd8\xff jpeg"), "f.jpg")]}
    resp = client.post("/api/v1/faces/checks", data=upload, headers=headers, content_type="multipart/form-data")
    assert resp.status_code == 403 and error(resp)["code"] == "CONSENT_REQUIRED"
    give_consents(client, headers, ("biometric",))
    client.post("/api/v1/me/consents/biometric/withdraw", headers=headers)
    upload = {"kind": "enroll", "frames": [(io.BytesIO(b"\xff\xd8\xff jpeg"), "f.jpg")]}
    resp = client.post("/api/v1/faces/checks", data=upload, headers=headers, content_type="multipart/form-data")
    assert resp.status_code == 403 and error(resp)["details"]["kind"] == "biometric"


def test_pending_worker_may_only_enroll_a_face(client, site):
    apply(client, site, face=False)
    frames = {"kind": "clock", "project_id": str(site.project_id),
              "frames": [(io.BytesIO(b"\xff\xd8\xff jpeg"), "f.jpg")]}
    resp = client.post("/api/v1/faces/checks", data=frames, headers=site.headers["worker"],
                       content_type="multipart/form-data")
    # a pending application grants nothing in the project but the application itself
    assert resp.status_code == 404 and error(resp)["code"] == "PROJECT_NOT_FOUND"
    frames = {"kind": "enroll", "frames": [(io.BytesIO(b"GIF89a"), "f.jpg")]}  # enrollment is let through
    resp = client.post("/api/v1/faces/checks", data=frames, headers=site.headers["worker"],
                       content_type="multipart/form-data")
    assert error(resp)["code"] == "IMAGE_UNDECODABLE"


def test_approval_refused_while_incomplete_lists_the_missing_items(client, site):
    headers = site.headers["worker"]
    give_consents(client, headers, ("privacy_policy", "financial"))
    client.put("/api/v1/me/profile", json=profile_body(emergency_contact=None), headers=headers)
    membership_id = client.post("/api/v1/projects/join", json={"join_code": site.join_code},
                                headers=headers).get_json()["membership_id"]
    resp = client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=site.headers["labour"])
    assert resp.status_code == 422 and error(resp)["code"] == "ENROLLMENT_INCOMPLETE"
    # no biometric consent: the non-face path, where identity (on site) stands in for the face
    assert error(resp)["details"]["missing"] == ["profile.emergency_contact", "identity", "team"]
    listed = client.get(f"/api/v1/projects/{site.project_id}/enrollments?status=pending",
                        headers=site.headers["labour"]).get_json()["items"]
    assert listed[0]["id"] == membership_id and listed[0]["completeness"]["face_enrolled"] is False
    assert listed[0]["completeness"]["path"] == "non_face" and listed[0]["completeness"]["identity"] is None
    give_consents(client, headers, ("biometric",))  # the face path asks for the face and the location consent
    resp = client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=site.headers["labour"])
    assert error(resp)["details"]["missing"] == [
        "profile.emergency_contact", "consent.location", "identity", "face", "team"]


def test_review_list_approve_reject_and_pages(app, client, site):
    first = apply(client, site, "worker")
    second = apply(client, site, "other", id_number=id_number(years_ago(45), seq=7), name="王五")
    labour = site.headers["labour"]
    url = f"/api/v1/projects/{site.project_id}/enrollments"
    page = client.get(url + "?status=pending&limit=1", headers=labour).get_json()
    assert [i["id"] for i in page["items"]] == [first] and page["next_cursor"]
    page2 = client.get(url + f"?status=pending&limit=1&cursor={page['next_cursor']}", headers=labour).get_json()
    assert [i["id"] for i in page2["items"]] == [second] and page2["next_cursor"] is None
    assert page["items"][0]["name_masked"] == "张*" and page["items"][0]["completeness"]["missing"] == []

    approved = client.post(f"/api/v1/enrollments/{first}/approve", headers=labour)
    assert approved.status_code == 200 and approved.get_json()["status"] == "active"
    again = client.post(f"/api/v1/enrollments/{first}/approve", headers=labour)
    assert again.status_code == 409 and error(again)["code"] == "ENROLLMENT_NOT_PENDING"
    assert client.post(f"/api/v1/enrollments/{second}/reject", json={"reason": "x"}, headers=labour
                       ).status_code == 422
    rejected = client.post(f"/api/v1/enrollments/{second}/reject", json={"reason": "证件照片不清晰"}, headers=labour)
    assert rejected.get_json()["status"] == "rejected"
    listed = client.get(url + "?status=rejected", headers=labour).get_json()["items"]
    assert listed[0]["reject_reason"] == "证件照片不清晰"
    # the approval generated the contract, with the team's day wage
    contracts = client.get("/api/v1/me/contracts", headers=site.headers["worker"]).get_json()["items"]
    assert [(c["status"], c["wage_amount_fen"]) for c in contracts] == [("unsigned", 36000)]
    with app.app_context():
        actions = set(db.session.execute(select(AuditEntry.action)).scalars())
    assert {"enrollment.approved", "enrollment.rejected", "contract.generated", "pii.read"} <= actions


def test_age_over_the_project_limit_is_flagged_not_refused(client, site):
    membership_id = apply(client, site, born=years_ago(62))
    item = client.get(f"/api/v1/projects/{site.project_id}/enrollments", headers=site.headers["labour"]
                      ).get_json()["items"][0]
    assert item["completeness"]["flags"] == ["AGE_OVER_LIMIT"]
    assert client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=site.headers["labour"]
                       ).status_code == 200


def test_profiles_are_read_only_by_the_labour_side_and_the_worker(client, site):
    membership_id = apply(client, site)
    url = f"/api/v1/projects/{site.project_id}/workers/{site.users['worker']}/profile"
    # a pending application grants nothing in the project (the worker has /me/profile)
    assert client.get(url, headers=site.headers["worker"]).status_code == 404
    client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=site.headers["labour"])
    with client.application.app_context():
        add_member(db.session.get(Project, site.project_id),
                   db.session.get(User, site.users["other"]), Role.WORKER, None)
        db.session.commit()
    url = f"/api/v1/projects/{site.project_id}/workers/{site.users['worker']}/profile"
    assert client.get(url, headers=site.headers["labour"]).get_json()["id_number_masked"].startswith("1101")
    assert client.get(url, headers=site.headers["worker"]).status_code == 200
    assert error(client.get(url, headers=site.headers["leader"]))["code"] == "FORBIDDEN"
    assert client.get(url, headers=site.headers["other"]).status_code == 403


def test_training_hours_and_rules(client, site):
    membership_id = apply(client, site)
    labour, worker = site.headers["labour"], site.headers["worker"]
    client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=labour)
    url = f"/api/v1/projects/{site.project_id}/workers/{site.users['worker']}/trainings"
    today = business_day().isoformat()
    resp = client.post(url, json={"level": "company", "hours": 15, "date": today, "note": "入场教育"}, headers=labour)
    assert resp.status_code == 201 and resp.get_json()["hours"] == 15
    assert client.post(url, json={"level": "team", "hours": 1.2, "date": today}, headers=labour).status_code == 422
    future = (business_day() + timedelta(days=2)).isoformat()
    resp = client.post(url, json={"level": "team", "hours": 2, "date": future}, headers=labour)
    assert error(resp)["code"] == "TRAINING_DATE_IN_FUTURE"
    assert client.post(url, json={"level": "team", "hours": 2, "date": today}, headers=worker).status_code == 403
    summary = {s["level"]: s for s in client.get(url, headers=worker).get_json()["summary"]}
    assert summary["company"]["met"] and not summary["project"]["met"]
    assert summary["team"]["required_hours"] == 20
    assert client.get(url, headers=site.headers["leader"]).status_code == 200  # the worker's own team leader
    rules = {"training_hours": {"company": 15, "project": 0, "team": 0}, "max_age_male": 55, "max_age_female": 50}
    assert client.put(f"/api/v1/projects/{site.project_id}/enrollment-rules", json=rules, headers=worker
                      ).status_code == 403
    assert client.put(f"/api/v1/projects/{site.project_id}/enrollment-rules", json=rules, headers=labour
                      ).get_json()["training_hours"]["project"] == 0
    assert all(s["met"] for s in client.get(url, headers=worker).get_json()["summary"])


def test_an_approved_identity_is_corrected_on_site_only(client, site):
    membership_id = apply(client, site)
    headers = site.headers["worker"]
    other_id = profile_body(id_number=id_number(years_ago(33), seq=9))
    assert client.put("/api/v1/me/profile", json=other_id, headers=headers).status_code == 200  # still pending
    approve = f"/api/v1/enrollments/{membership_id}/approve"
    # the identity verified names the old number: it no longer counts
    assert error(client.post(approve, headers=site.headers["labour"]))["details"]["missing"] == ["identity"]
    client.post("/api/v1/me/identity-verifications", headers=headers, json={
        "verify_result": face_verify_result(other_id["id_number"], other_id["name"])})
    assert client.post(approve, headers=site.headers["labour"]).status_code == 200
    resp = client.put("/api/v1/me/profile", json=profile_body(), headers=headers)
    assert resp.status_code == 409 and error(resp)["code"] == "PROFILE_LOCKED"
    # other fields stay the worker's to keep current
    changed = dict(other_id, phone="13700137000")
    assert client.put("/api/v1/me/profile", json=changed, headers=headers).get_json()["phone_masked"] == "137****7000"


def test_one_bank_card_is_one_payee(app, client, site) -> None:
    """Issue 23, finding 2: ghost workers sharing one card are refused (blind index, 409)."""
    card = bank_card("622202020011775566")
    apply(client, site, "worker", bank_card=card)
    give_consents(client, site.headers["other"])
    resp = client.put("/api/v1/me/profile", json=profile_body(id_number=id_number(years_ago(30), seq=7),
                                                              bank_card=card), headers=site.headers["other"])
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "BANK_CARD_IN_USE", resp.get_json()
    assert "其他工人" in resp.get_json()["error"]["message"]
    # the refusal changed nothing, but it is kept: the labour manager sees the card's holder flagged
    me = client.get("/api/v1/me/profile", headers=site.headers["other"])
    assert me.status_code == 404 or me.get_json().get("bank_card_masked") is None
    listed = client.get(f"/api/v1/projects/{site.project_id}/enrollments?status=pending",
                        headers=site.headers["labour"]).get_json()["items"]
    flags = {e["user_id"]: e["completeness"]["flags"] for e in listed}
    assert flags[site.users["worker"]] == ["BANK_CARD_SHARED"]
    with app.app_context():
        refusals = db.session.execute(select(BankCardRefusal.user_id, BankCardRefusal.holder_user_id,
                                             BankCardRefusal.bank_card_last4)).all()
        assert [tuple(r) for r in refusals] == [(site.users["other"], site.users["worker"], card[-4:])]
    # the card's owner may save their own profile again; ASCII digits only
    again = client.put("/api/v1/me/profile", json=profile_body(bank_card=card), headers=site.headers["worker"])
    assert again.status_code == 200, again.get_json()
    arabic = client.put("/api/v1/me/profile", json=profile_body(
        id_number=id_number(years_ago(30), seq=7), bank_card="٦٢٢٢٠٢٠٢٠٠١١٧٧٥٥٦٦٨"), headers=site.headers["other"])
    assert arabic.status_code == 422, arabic.get_json()


def test_cards_saved_before_the_index_are_indexed_and_shared_ones_flagged(app, client, site) -> None:
    """Profiles from before issue 23 have no card index; `flask enrollment index-cards` gives it, and a card
    two old profiles share is flagged (BANK_CARD_SHARED) instead of breaking the unique index."""
    import json as _json

    from services import pii
    from services.enrollment.profile import field_context

    card = bank_card("622202020011775566")
    apply(client, site, "worker", bank_card=card)
    give_consents(client, site.headers["other"])
    resp = client.put("/api/v1/me/profile", json=profile_body(id_number=id_number(years_ago(30), seq=7),
                                                              bank_card=bank_card("622848001234567890")),
                      headers=site.headers["other"])
    assert resp.status_code == 200, resp.get_json()
    with app.app_context():  # as an old release left them: no index, and the second holding the first's card
        first = db.session.execute(select(WorkerProfile).where(WorkerProfile.user_id == site.users["worker"])).scalar_one()
        second = db.session.execute(select(WorkerProfile).where(WorkerProfile.user_id == site.users["other"])).scalar_one()
        first.bank_card_bidx = second.bank_card_bidx = None
        second.bank_card_enc = pii.encrypt_str(card, context=field_context("bank_card", second.id))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["enrollment", "index-cards", "--batch-size", "1"])
    assert result.exit_code == 0, result.output
    assert _json.loads(result.stdout) == {"indexed": 1, "shared": [{"user_id": site.users["other"],
                                                                    "holder_user_id": site.users["worker"]}]}
    with app.app_context():
        first = db.session.execute(select(WorkerProfile).where(WorkerProfile.user_id == site.users["worker"])).scalar_one()
        assert first.bank_card_bidx is not None
    listed = client.get(f"/api/v1/projects/{site.project_id}/enrollments?status=pending",
                        headers=site.headers["labour"]).get_json()["items"]
    assert {e["user_id"]: e["completeness"]["flags"] for e in listed}[site.users["worker"]] == ["BANK_CARD_SHARED"]
    again = app.test_cli_runner().invoke(args=["enrollment", "index-cards"])
    assert _json.loads(again.stdout)["indexed"] == 0  # resumable: nothing left but the flagged one
