"""A project's contract template: the built-in model text until the labour manager edits it."""

from __future__ import annotations

import string
from dataclasses import dataclass

from sqlalchemy import select

from models import ContractTemplate, db
from models.base import utcnow
from services import audit
from services.authz import Action, authorize
from services.contracts import model_text
from services.errors import Unprocessable

PLACEHOLDERS = frozenset({
    "employer_name", "employer_uscc", "worker_name", "id_number_masked", "phone_masked", "project_name",
    "project_address", "trade", "team_name", "term", "wage_type_label", "wage_amount", "pay_day",
    "wage_account_bank", "term_start",
})
REQUIRED_PLACEHOLDERS = frozenset({"employer_name", "worker_name", "id_number_masked", "wage_amount", "term"})


@dataclass(frozen=True)
class TemplateTerms:
    title: str
    body: str
    wage_type: str
    wage_amount_fen: int | None  # None: the team's day wage
    pay_day: int
    term_months: int | None
    is_default: bool


DEFAULT = TemplateTerms(model_text.TITLE, model_text.BODY, "day", None, 15, None, is_default=True)


def terms_for(project_id: int) -> TemplateTerms:
    row = db.session.execute(select(ContractTemplate).where(ContractTemplate.project_id == project_id)
                             ).scalar_one_or_none()
    if row is None:
        return DEFAULT
    return TemplateTerms(row.title, row.body, row.wage_type, row.wage_amount_fen, row.pay_day, row.term_months,
                         is_default=False)


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


def update_template(actor_id: int, project_id: int, terms: TemplateTerms) -> TemplateTerms:
    authorize(actor_id, Action.CONTRACT_TEMPLATE_MANAGE, project_id)
    used = placeholders_in(terms.body)
    unknown, missing = sorted(used - PLACEHOLDERS), sorted(REQUIRED_PLACEHOLDERS - used)
    if unknown or missing:
        raise Unprocessable("TEMPLATE_PLACEHOLDERS_INVALID", details={
            "unknown": unknown, "missing": missing, "allowed": sorted(PLACEHOLDERS)})
    if terms.wage_type != "day" and terms.wage_amount_fen is None:
        raise Unprocessable("WAGE_AMOUNT_REQUIRED")
    row = db.session.execute(select(ContractTemplate).where(ContractTemplate.project_id == project_id)
                             ).scalar_one_or_none()
    if row is None:
        row = ContractTemplate(project_id=project_id)
        db.session.add(row)
    row.title, row.body, row.wage_type = terms.title, terms.body, terms.wage_type
    row.wage_amount_fen, row.pay_day, row.term_months = terms.wage_amount_fen, terms.pay_day, terms.term_months
    row.updated_by, row.updated_at = actor_id, utcnow()
    db.session.flush()
    audit.record("contract.template_updated", actor_user_id=actor_id, object_type="contract_template",
                 object_id=row.id, details={"project_id": project_id, "wage_type": terms.wage_type,
                                            "wage_amount_fen": terms.wage_amount_fen, "pay_day": terms.pay_day})
    return terms_for(project_id)


def yuan(fen: int) -> str:
    """Money as the contract's reader sees it; the API and the database keep integer fen."""
    return f"{fen // 100}.{fen % 100:02d}"


def fill(body: str, values: dict[str, str]) -> str:
    """Substitute the placeholders, and nothing else: no format spec or attribute access ever runs,
    even for a template stored before placeholders_in refused them."""
    return "".join(literal + (values.get(name, "") if name is not None else "")
                   for literal, name, _spec, _conv in _fields(body))
