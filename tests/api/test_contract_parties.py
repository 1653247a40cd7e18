"""HTTP: the contract a labour bureau accepts (issue 26). Both parties named and signing, every §17 clause,
a 用工书面协议 past the statutory retirement age, the employer's batch signature, 变更协议."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from models import Contract, db
from services.contracts import lifecycle
from services.contracts.model_text import LABOUR_CLAUSES
from tests.api.enrollment_site import Site, apply, error
from tests.api.test_contracts import (
    approved_worker,
    employer_sign,
    employer_signatory,
    gate_codes,
    pdf_text,
    sign,
    signature_png,
)
from tests.conftest import drain_jobs
from tests.factories import EMPLOYER_PARTICULARS, bearer, id_number, make_user, profile_body

pytestmark = pytest.mark.slow


def test_gate_opens_only_when_both_signed_and_the_pdf_names_both_parties(app, client, site: Site):
    worker = site.headers["worker"]
    _, contract_id = approved_worker(app, client, site)
    contract = client.get(f"/api/v1/contracts/{contract_id}", headers=worker).get_json()
    assert (contract["kind"], contract["kind_reason"], contract["status"]) == ("labour_contract", None, "unsigned")
    resp = sign(client, worker, contract_id, "img2.jpg")
    assert resp.status_code == 202
    with app.app_context():
        drain_jobs(app, "face")
    assert client.get(f"/api/v1/contracts/{contract_id}", headers=worker).get_json()["status"] == "worker_signed"
    assert "CONTRACT_NOT_SIGNED" in gate_codes(client, site)  # the worker alone does not make it binding
    listed = client.get("/api/v1/me/contracts", headers=worker).get_json()["items"][0]
    body = profile_body()
    assert body["id_number"] not in str(listed)  # list views stay masked

    signer = employer_signatory(app, client, site)
    pending = client.get(f"/api/v1/projects/{site.project_id}/contracts?status=worker_signed", headers=signer)
    assert [c["id"] for c in pending.get_json()["items"]] == [contract_id]
    done = employer_sign(client, signer, contract_id)
    assert done.status_code == 200 and done.get_json()["status"] == "signed"
    assert error(employer_sign(client, signer, contract_id))["code"] == "CONTRACT_EMPLOYER_ALREADY_SIGNED"
    assert "CONTRACT_NOT_SIGNED" not in gate_codes(client, site)

    text = pdf_text(client, worker, contract_id)
    for expected in (body["id_number"], "性别：男", body["address"].replace(" ", ""), "91440300279569123Q",
                     "法定代表人或主要负责人：" + EMPLOYER_PARTICULARS["legal_representative"],
                     "住所：" + EMPLOYER_PARTICULARS["address"], EMPLOYER_PARTICULARS["phone"],
                     "与乙方关系：配偶", "乙方本人银行卡（中国建设银行尾号", "不得扣押",
                     "授权签署人签名时间", "签名时间", "合同生效时间"):
        assert expected in text, expected
    positions = [text.find(heading) for heading, _ in LABOUR_CLAUSES]
    assert -1 not in positions and positions == sorted(positions)  # every §17 clause, in the model's order
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0


def test_employer_sign_before_worker_then_worker_completes(app, client, site: Site):
    worker = site.headers["worker"]
    _, contract_id = approved_worker(app, client, site)
    signer = employer_signatory(app, client, site)
    assert employer_sign(client, signer, contract_id).get_json()["status"] == "employer_signed"
    assert "CONTRACT_NOT_SIGNED" in gate_codes(client, site)
    sign(client, worker, contract_id, "img2.jpg")
    with app.app_context():
        drain_jobs(app, "face")
    signed = client.get(f"/api/v1/contracts/{contract_id}", headers=worker).get_json()
    assert signed["status"] == "signed" and signed["content_sha256"]


def test_a_template_without_the_wage_clause_is_refused(client, site: Site):
    labour = site.headers["labour"]
    url = f"/api/v1/projects/{site.project_id}/contract-template"
    template = client.get(url, headers=labour).get_json()
    for key in ("is_default", "placeholders", "required_placeholders", "required_clauses"):
        template.pop(key)
    assert client.put(url, json=template, headers=labour).status_code == 200  # the built-in text passes
    no_wage = dict(template, body=template["body"].replace("四、劳动报酬", "四、报酬"))
    resp = client.put(url, json=no_wage, headers=labour)
    assert resp.status_code == 422 and error(resp)["code"] == "TEMPLATE_CLAUSES_MISSING"
    assert error(resp)["details"]["missing_clauses"] == ["劳动报酬"] and "劳动报酬" in error(resp)["message"]
    no_id = dict(template, body=template["body"].replace("{id_number}", "（见身份证）"))
    resp = client.put(url, json=no_id, headers=labour)
    assert error(resp)["code"] == "TEMPLATE_PLACEHOLDERS_INVALID" and error(resp)["details"]["missing"] == ["id_number"]
    flexible = dict(template, hours_system="flexible")
    assert error(client.put(url, json=flexible, headers=labour))["code"] == "TEMPLATE_TERMS_INVALID"
    flexible["hours_approval_no"] = "深人社审〔2026〕12号"
    assert client.put(url, json=flexible, headers=labour).get_json()["hours_system"] == "flexible"


def test_an_incomplete_employer_refuses_generation_with_the_missing_items(app, client, site: Site):
    admin, labour = site.headers["admin"], site.headers["labour"]
    company = client.get(f"/api/v1/projects/{site.project_id}/participants", headers=admin).get_json()["items"][0]
    cid = company["company_id"]
    with app.app_context():
        from models import Company
        row = db.session.get(Company, cid)
        row.legal_representative, row.phone = None, ""
        db.session.commit()
    assert client.get(f"/api/v1/companies/{cid}", headers=admin).get_json()["particulars_missing"] == [
        "legal_representative", "phone"]
    membership_id = apply(client, site)
    resp = client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=labour)
    assert resp.status_code == 422 and error(resp)["code"] == "EMPLOYER_PARTICULARS_INCOMPLETE"
    assert error(resp)["details"]["missing"] == ["legal_representative", "phone"]
    body = {"legal_representative": "赵六", "address": "深圳市福田区测试路2号", "phone": "0755-88888888"}
    assert client.put(f"/api/v1/companies/{cid}", json=body, headers=site.headers["worker"]).status_code == 404
    assert client.put(f"/api/v1/companies/{cid}", json=body, headers=labour).status_code == 403
    updated = client.put(f"/api/v1/companies/{cid}", json=body, headers=admin).get_json()
    assert updated["legal_representative"] == "赵六" and updated["particulars_missing"] == []
    assert client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=labour).status_code == 200


def _batch(client, headers, project_id: int, ids: list[int]):
    data = {"contract_ids": [str(i) for i in ids], "signature": (io.BytesIO(signature_png()), "s.png")}
    return client.post(f"/api/v1/projects/{project_id}/contracts/employer-sign", data=data, headers=headers,
                       content_type="multipart/form-data")


def test_batch_employer_sign_signs_only_the_signatory_company(app, client, site: Site):
    admin, labour = site.headers["admin"], site.headers["labour"]
    sub = client.post("/api/v1/companies", json={"name": "测试劳务分包有限公司", "uscc": "91440300MA5DC12341"},
                      headers=admin).get_json()
    client.put(f"/api/v1/companies/{sub['id']}", json={"legal_representative": "钱七", "address": "深圳市宝安区劳务路3号",
                                                       "phone": "0755-27000000"}, headers=admin)
    client.post(f"/api/v1/projects/{site.project_id}/participants",
                json={"company_id": sub["id"], "role": "labour_subcontractor"}, headers=admin)
    team = client.post(f"/api/v1/projects/{site.project_id}/teams",
                       json={"name": "木工班", "default_day_wage_fen": 40000, "company_id": sub["id"]}, headers=admin)
    assert team.status_code == 201, team.get_json()
    gc_member = apply(client, site, "worker")
    sub_site = Site(site.project_id, site.join_code, team.get_json()["id"], site.users, site.headers)
    sub_member = apply(client, sub_site, "other", id_number=id_number(date(1990, 3, 4), seq=7))
    for m in (gc_member, sub_member):
        assert client.post(f"/api/v1/enrollments/{m}/approve", headers=labour).status_code == 200
    with app.app_context():
        ids = {c.membership_id: c.id for c in db.session.execute(select(Contract)).scalars()}
        signer = bearer(make_user("sub-signer"))
        db.session.commit()
    invite = client.post(f"/api/v1/projects/{site.project_id}/invitations",
                         json={"role": "employer_signatory", "company_id": sub["id"]}, headers=admin)
    client.post(f"/api/v1/invitations/{invite.get_json()['code']}/accept", headers=signer)
    listed = client.get(f"/api/v1/projects/{site.project_id}/contracts", headers=signer).get_json()["items"]
    assert [c["id"] for c in listed] == [ids[sub_member]]
    resp = _batch(client, signer, site.project_id, [ids[gc_member], ids[sub_member]])
    assert resp.status_code == 200, resp.get_json()
    out = resp.get_json()
    assert [c["id"] for c in out["signed"]] == [ids[sub_member]] and out["signed"][0]["status"] == "employer_signed"
    assert out["skipped"] == [{"contract_id": ids[gc_member], "code": "CONTRACT_NOT_FOUND"}]
    assert employer_sign(client, signer, ids[gc_member]).status_code == 404
    worker = site.headers["worker"]
    assert client.get(f"/api/v1/contracts/{ids[gc_member]}", headers=worker).get_json()["status"] == "unsigned"
    no_company = client.post(f"/api/v1/projects/{site.project_id}/invitations",
                             json={"role": "employer_signatory"}, headers=admin)
    assert error(no_company)["code"] == "COMPANY_NOT_PARTICIPANT"


@pytest.mark.parametrize(("born", "kind", "reason"), [
    (date(1966, 6, 6), "service_agreement", "retirement_age"),  # official table: 60y5m → 2026-11-06, a month ago
    (date(1966, 8, 6), "labour_contract", None),  # 60y5m → 2027-01-06, a month ahead
])
def test_the_agreement_kind_follows_the_official_retirement_table(app, client, site: Site, monkeypatch,
                                                                  born, kind, reason):
    monkeypatch.setattr(lifecycle, "business_day", lambda: date(2026, 12, 6))
    membership_id = apply(client, site, id_number=id_number(born))
    resp = client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=site.headers["labour"])
    assert resp.status_code == 200, resp.get_json()
    approved = resp.get_json()
    assert (approved["contract_kind"], approved["contract_kind_reason"]) == (kind, reason)
    listed = client.get(f"/api/v1/projects/{site.project_id}/enrollments", headers=site.headers["labour"]).get_json()
    assert listed["items"][0]["contract_kind"] == kind
    text = pdf_text(client, site.headers["worker"], approved["contract_id"])
    if kind == "service_agreement":
        assert "用工书面协议" in text and "已达到法定退休年龄" in text and "意外伤害保险" in text
        assert "社会保险" not in text and "不得扣押" in text
    else:
        assert "建筑工人简易劳动合同" in text and "用工书面协议（劳务协议）" not in text


def test_a_pension_drawer_gets_a_service_agreement(app, client, site: Site):
    membership_id = apply(client, site, draws_pension=True)
    approved = client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=site.headers["labour"]).get_json()
    assert (approved["contract_kind"], approved["contract_kind_reason"]) == ("service_agreement", "pension")


def test_a_supplementary_agreement_is_signed_by_both_and_the_original_stays_sealed(app, client, site: Site):
    worker, labour = site.headers["worker"], site.headers["labour"]
    _, contract_id = approved_worker(app, client, site)
    url = f"/api/v1/contracts/{contract_id}/amendments"
    change = {"wage_amount_fen": 40000, "term_end": "2030-12-31", "effective_from": "2027-01-01"}
    assert error(client.post(url, json=change, headers=labour))["code"] == "CONTRACT_NOT_IN_FORCE"
    signer = employer_signatory(app, client, site)
    sign(client, worker, contract_id, "img2.jpg")
    with app.app_context():
        drain_jobs(app, "face")
    employer_sign(client, signer, contract_id)
    original = client.get(f"/api/v1/contracts/{contract_id}", headers=worker).get_json()
    assert original["status"] == "signed"

    assert client.post(url, json=change, headers=worker).status_code == 403
    resp = client.post(url, json=change, headers=labour)
    assert resp.status_code == 201, resp.get_json()
    amendment = resp.get_json()
    assert "360.00元/日变更为计日工资400.00" in amendment["text"].replace(" ", "")
    assert error(client.post(url, json=change, headers=labour))["code"] == "AMENDMENT_PENDING"
    data = {"signature": (io.BytesIO(signature_png()), "s.png"),
            "photo": [(io.BytesIO(__import__("tests.faces.photos", fromlist=["x"]).face_bytes("img2.jpg")), "s.jpg")]}
    signing = client.post(f"/api/v1/contract-amendments/{amendment['id']}/sign", data=data, headers=worker,
                          content_type="multipart/form-data")
    assert signing.status_code == 202, signing.get_json()
    with app.app_context():
        drain_jobs(app, "face")
    half = client.get(f"/api/v1/contract-amendments/{amendment['id']}", headers=worker).get_json()
    assert half["status"] == "worker_signed"
    data = {"signature": (io.BytesIO(signature_png()), "s.png")}
    done = client.post(f"/api/v1/contract-amendments/{amendment['id']}/employer-sign", data=data, headers=signer,
                       content_type="multipart/form-data")
    assert done.status_code == 200 and done.get_json()["status"] == "signed" and done.get_json()["content_sha256"]

    after = client.get(f"/api/v1/contracts/{contract_id}", headers=worker).get_json()
    assert (after["wage_amount_fen"], after["content_sha256"], after["text"]) == (
        original["wage_amount_fen"], original["content_sha256"], original["text"])
    listed = client.get(url, headers=worker).get_json()["items"]
    assert [(a["status"], a["wage_amount_fen"]) for a in listed] == [("signed", 40000)]
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    with app.app_context():  # the renewal's end date is the one the gate keeps
        from services.enrollment.gate import entry_gate
        codes = {d: [r.code for r in entry_gate(site.users["worker"], site.project_id, d).reasons]
                 for d in (date(2030, 12, 31), date(2031, 1, 1))}
        assert "CONTRACT_NOT_ACTIVE" not in codes[date(2030, 12, 31)] and "CONTRACT_NOT_ACTIVE" in codes[date(2031, 1, 1)]


def test_the_signatory_may_apply_the_company_e_seal(app, client, site: Site):
    admin, labour = site.headers["admin"], site.headers["labour"]
    membership_id = apply(client, site)
    contract_id = client.post(f"/api/v1/enrollments/{membership_id}/approve", headers=labour).get_json()["contract_id"]
    signer = employer_signatory(app, client, site)
    seal = {"use_seal": "true"}
    resp = client.post(f"/api/v1/contracts/{contract_id}/employer-sign", data=seal, headers=signer,
                       content_type="multipart/form-data")
    assert resp.status_code == 422 and error(resp)["code"] == "COMPANY_SEAL_MISSING"
    cid = client.get(f"/api/v1/projects/{site.project_id}/participants", headers=admin).get_json()["items"][0][
        "company_id"]
    upload = {"seal": (io.BytesIO(signature_png()), "seal.png")}
    assert client.put(f"/api/v1/companies/{cid}/seal", data=upload, headers=labour,
                      content_type="multipart/form-data").status_code == 403
    upload = {"seal": (io.BytesIO(signature_png()), "seal.png")}
    registered = client.put(f"/api/v1/companies/{cid}/seal", data=upload, headers=admin,
                            content_type="multipart/form-data")
    assert registered.status_code == 200 and registered.get_json()["has_seal"] is True
    resp = client.post(f"/api/v1/contracts/{contract_id}/employer-sign", data=seal, headers=signer,
                       content_type="multipart/form-data")
    assert resp.status_code == 200, resp.get_json()
    assert (resp.get_json()["status"], resp.get_json()["employer_sign_method"]) == ("employer_signed", "seal")
    assert "加盖电子印章时间" in pdf_text(client, signer, contract_id)
