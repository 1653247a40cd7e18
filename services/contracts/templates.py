"""A project's contract template: the built-in model text until the labour manager edits it.

Every template, edited or built in, passes ``validate_template`` (the one place for template rules):
each clause 《劳动合同法》第十七条 requires, in the model's order (services/contracts/model_text.py),
and the placeholders that put the parties and the terms into the text.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from sqlalchemy import select

from models import ContractKind, ContractTemplate, db
from models.base import utcnow
from services import audit
from services.authz import Action, authorize
from services.contracts import model_text
from services.errors import Unprocessable

PARTY_PLACEHOLDERS = frozenset({
    "employer_name", "employer_uscc", "employer_legal_representative", "employer_address", "employer_phone",
    "worker_name", "worker_sex", "id_number", "worker_address", "phone", "emergency_name", "emergency_phone",
    "emergency_address", "emergency_relationship",
})
PLACEHOLDERS = PARTY_PLACEHOLDERS | frozenset({
    "id_number_masked", "phone_masked", "project_name", "project_address", "trade", "team_name", "term",
    "term_start", "hours", "wage_type_label", "wage_amount", "pay_day", "wage_account_bank", "wage_card", "hazards",
})
SERVICE_PLACEHOLDERS = PLACEHOLDERS | {"kind_reason_text"}
# §17(一)(二) name both parties; (三)(六)(八) need the term, the wage, the pay day, the card and the hazards
REQUIRED_PLACEHOLDERS = frozenset({
    "employer_name", "employer_uscc", "employer_legal_representative", "employer_address", "worker_name",
    "id_number", "worker_address", "term", "project_address", "hours", "wage_amount", "pay_day", "wage_card",
    "hazards",
})
SERVICE_REQUIRED = REQUIRED_PLACEHOLDERS - {"hours"}  # no working-hours clause: not a labour relation
HOURS_SYSTEMS = ("standard", "comprehensive", "flexible")
TERM_TYPES = ("task", "fixed", "open")


@dataclass(frozen=True)
class TemplateTerms:
    title: str
    body: str
    wage_type: str
    wage_amount_fen: int | None  # None: the team's day wage
    pay_day: int
    term_months: int | None
    is_default: bool
    term_type: str = "task"  # task (the model's default) | fixed (term_months) | open
    hours_system: str = "standard"
    hours_approval_no: str | None = None


DEFAULT = TemplateTerms(model_text.TITLE, model_text.BODY, "day", None, 15, None, is_default=True)


def terms_for(project_id: int) -> TemplateTerms:
    row = db.session.execute(select(ContractTemplate).where(ContractTemplate.project_id == project_id)
                             ).scalar_one_or_none()
    if row is None:
        return DEFAULT
    return TemplateTerms(row.title, row.body, row.wage_type, row.wage_amount_fen, row.pay_day, row.term_months,
                         is_default=False, term_type=row.term_type, hours_system=row.hours_system,
                         hours_approval_no=row.hours_approval_no)


def get_template(actor_id: int, project_id: int) -> TemplateTerms:
    authorize(actor_id, Action.CONTRACT_TEMPLATE_MANAGE, project_id)
    return terms_for(project_id)


def _fields(body: str) -> list[tuple[str, str | None, str, str | None]]:
    try:
        return list(string.Formatter().parse(body))
    except ValueError as exc:
        raise Unprocessable("TEMPLATE_INVALID", details={"fields": [
            {"loc": "body", "type": "template_braces", "msg": "花括号不成对"}]}) from exc


def placeholders_in(body: str) -> set[str]:
    """The placeholders of a template. Placeholders only: ``{worker_name}``. A format spec
    (``{worker_name:>99999999999999999999}`` built gigabytes at approval), a conversion (``!r``),
    attribute or index access (``{x.__class__}``, ``{x[0]}``) or an empty ``{}`` is refused, naming it;
    this is the check every template passes, however templates grow."""
    fields = _fields(body)
    bad = [("{" + (name or "") + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}")
           for _, name, spec, conv in fields if name is not None and (spec or conv or not name.isidentifier())]
    if bad:
        raise Unprocessable("TEMPLATE_PLACEHOLDERS_INVALID", f"合同模板的占位符只能写成 {{名称}}：{bad[0][:60]}",
                            {"invalid": [b[:60] for b in bad[:20]], "allowed": sorted(PLACEHOLDERS)})
    return {name for _, name, _, _ in fields if name is not None}


def missing_clauses(body: str, kind: str = ContractKind.LABOUR_CONTRACT.value) -> list[str]:
    """The required clause headings absent from ``body``, or present out of the model's order."""
    clauses = model_text.LABOUR_CLAUSES if kind == ContractKind.LABOUR_CONTRACT.value else model_text.SERVICE_CLAUSES
    missing, position = [], 0
    for heading, _rule in clauses:
        found = body.find(heading, position)
        if found < 0:
            missing.append(heading)
        else:
            position = found + len(heading)
    return missing


def validate_template(terms: TemplateTerms, kind: str = ContractKind.LABOUR_CONTRACT.value) -> None:
    """Every rule a template must meet, in one place (braces, placeholders, clauses, terms)."""
    used = placeholders_in(terms.body)
    labour = kind == ContractKind.LABOUR_CONTRACT.value
    allowed, required = (PLACEHOLDERS, REQUIRED_PLACEHOLDERS) if labour else (SERVICE_PLACEHOLDERS, SERVICE_REQUIRED)
    unknown, missing = sorted(used - allowed), sorted(required - used)
    if unknown or missing:
        raise Unprocessable("TEMPLATE_PLACEHOLDERS_INVALID", details={
            "unknown": unknown, "missing": missing, "allowed": sorted(allowed)})
    if clauses := missing_clauses(terms.body, kind):
        raise Unprocessable("TEMPLATE_CLAUSES_MISSING", f"合同模板缺少必备条款：{'、'.join(clauses)}",
                            details={"missing_clauses": clauses})
    if terms.wage_type != "day" and terms.wage_amount_fen is None:
        raise Unprocessable("WAGE_AMOUNT_REQUIRED")
    if (terms.term_type == "fixed") != (terms.term_months is not None):
        raise Unprocessable("TEMPLATE_TERMS_INVALID", "固定期限须填写期限月数，其他期限类型不填",
                            details={"field": "term_months"})
    if terms.hours_system != "standard" and not terms.hours_approval_no:
        raise Unprocessable("TEMPLATE_TERMS_INVALID", "综合计算工时或不定时工作制须填写人社部门的批准文号",
                            details={"field": "hours_approval_no"})


def update_template(actor_id: int, project_id: int, terms: TemplateTerms) -> TemplateTerms:
    authorize(actor_id, Action.CONTRACT_TEMPLATE_MANAGE, project_id)
    validate_template(terms)
    row = db.session.execute(select(ContractTemplate).where(ContractTemplate.project_id == project_id)
                             ).scalar_one_or_none()
    if row is None:
        row = ContractTemplate(project_id=project_id)
        db.session.add(row)
    row.title, row.body, row.wage_type = terms.title, terms.body, terms.wage_type
    row.wage_amount_fen, row.pay_day, row.term_months = terms.wage_amount_fen, terms.pay_day, terms.term_months
    row.term_type, row.hours_system, row.hours_approval_no = terms.term_type, terms.hours_system, terms.hours_approval_no
    row.updated_by, row.updated_at = actor_id, utcnow()
    db.session.flush()
    audit.record("contract.template_updated", actor_user_id=actor_id, object_type="contract_template",
                 object_id=row.id, details={"project_id": project_id, "wage_type": terms.wage_type,
                                            "wage_amount_fen": terms.wage_amount_fen, "pay_day": terms.pay_day,
                                            "term_type": terms.term_type, "hours_system": terms.hours_system})
    return terms_for(project_id)


def yuan(fen: int) -> str:
    """Money as the contract's reader sees it; the API and the database keep integer fen."""
    return f"{fen // 100}.{fen % 100:02d}"


def fill(body: str, values: dict[str, str]) -> str:
    """Substitute the placeholders, and nothing else: no format spec or attribute access ever runs,
    even for a template stored before placeholders_in refused them."""
    return "".join(literal + (values.get(name, "") if name is not None else "")
                   for literal, name, _spec, _conv in _fields(body))
