"""Disbursement from the project's wage account (总包代发): the bank batch file and its results.

Each unpaid line of an approved payroll gets one open payment attempt; ``line_ref`` names the
attempt (``SR<payroll>-<line>-<attempt>``) and stays the same however often the file is
generated, until the bank answers. A ``paid`` answer is final; a ``failed`` one sends the line
into the next file as a new attempt (new ref), with the card as the worker's profile has it
then. Results whose reference or amount do not match an issued attempt refuse the whole file.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, insert, select, update

from models import Project, db
from models.base import utcnow
from models.enrollment import WorkerProfile
from models.payroll import PAYABLE_SLIPS, PaymentStatus, Payroll, PayrollLine, PayrollPayment, PayrollStatus
from services import audit, pii
from services.authz import Action

# the profile's own binding of each encrypted field to its row (one place decides it)
from services.enrollment.profile import _context as profile_context
from services.errors import Unprocessable
from services.org import wage_account_context
from services.payroll.access import payroll_for, require_status
from services.platform_push import outbox as platform_outbox

BANK_FILE_HEADER = ("line_ref", "payer_account", "payee_name", "payee_card", "bank_name", "amount_fen", "memo")
RESULTS_HEADER = ("line_ref", "status", "amount_fen", "reason")
CHUNK = 64 * 1024
RESULTS_MAX_BYTES = 20 * 1024 * 1024
PAYABLE = (PaymentStatus.UNPAID.value, PaymentStatus.ISSUED.value, PaymentStatus.FAILED.value)


def line_ref(payroll_id: int, line_id: int, attempt: int) -> str:
    return f"SR{payroll_id}-{line_id}-{attempt}"


def _open_attempts(payroll: Payroll) -> list[tuple[PayrollPayment, int]]:
    """Make sure every payable line has one issued attempt; the attempts with each line's user id."""
    lines = list(db.session.execute(select(PayrollLine.id, PayrollLine.user_id, PayrollLine.net_fen).where(
        PayrollLine.payroll_id == payroll.id, PayrollLine.payment_status.in_(PAYABLE), PayrollLine.net_fen > 0,
        PayrollLine.slip_status.in_(PAYABLE_SLIPS))  # confirmed or released; held lines wait for the supplementary
        .order_by(PayrollLine.id)))
    issued = {p.line_id: p for p in db.session.execute(select(PayrollPayment).where(
        PayrollPayment.payroll_id == payroll.id, PayrollPayment.status == PaymentStatus.ISSUED.value)).scalars()}
    tries = dict(db.session.execute(select(PayrollPayment.line_id, func.max(PayrollPayment.attempt)).where(
        PayrollPayment.payroll_id == payroll.id).group_by(PayrollPayment.line_id)).all())
    now = utcnow()
    new = [{"payroll_id": payroll.id, "line_id": lid, "attempt": tries.get(lid, 0) + 1,
            "line_ref": line_ref(payroll.id, lid, tries.get(lid, 0) + 1), "amount_fen": net,
            "status": PaymentStatus.ISSUED.value, "issued_at": now}
           for lid, _uid, net in lines if lid not in issued]
    if new:
        db.session.execute(insert(PayrollPayment), new)
        ids = [row["line_id"] for row in new]
        for start in range(0, len(ids), 1000):
            db.session.execute(update(PayrollLine).where(PayrollLine.id.in_(ids[start:start + 1000]))
                               .values(payment_status=PaymentStatus.ISSUED.value))
        issued = {p.line_id: p for p in db.session.execute(select(PayrollPayment).where(
            PayrollPayment.payroll_id == payroll.id, PayrollPayment.status == PaymentStatus.ISSUED.value)).scalars()}
    return [(issued[lid], uid) for lid, uid, _net in lines]


def spool(rows: Iterator[list[Any]], fmt: str) -> Iterator[bytes]:
    """Write the rows to a temporary file (csv, or xlsx written row by row) and stream it back."""
    spooled = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the stream when the answer is sent)
    if fmt == "csv":
        text = io.TextIOWrapper(spooled, encoding="utf-8", newline="")
        writer = csv.writer(text)
        for row in rows:
            writer.writerow(row)
        text.flush()
        text.detach()
    else:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("bank")
        for row in rows:
            ws.append(row)
        wb.save(spooled)
    spooled.seek(0)

    def stream() -> Iterator[bytes]:
        with spooled:
            while chunk := spooled.read(CHUNK):
                yield chunk

    return stream()


def bank_file(actor_id: int, payroll_id: int, fmt: str = "csv") -> tuple[Payroll, Iterator[bytes]]:
    payroll = payroll_for(actor_id, payroll_id, Action.PAYROLL_PREPARE)
    require_status(payroll, PayrollStatus.APPROVED, code="PAYROLL_NOT_APPROVED", message="工资表审批通过后才能生成代发文件")
    attempts = _open_attempts(payroll)
    project = db.session.get(Project, payroll.project_id)
    payer = pii.decrypt_str(project.wage_account_no_enc, context=wage_account_context(project))
    user_ids = [uid for _p, uid in attempts]
    profiles: dict[int, Any] = {}
    for start in range(0, len(user_ids), 1000):
        for row in db.session.execute(select(WorkerProfile.id, WorkerProfile.user_id, WorkerProfile.name_enc,
                                             WorkerProfile.bank_card_enc, WorkerProfile.bank_name).where(
                WorkerProfile.user_id.in_(user_ids[start:start + 1000]))):
            profiles[row.user_id] = row
    # one audit entry for the whole batch: the clear names and card numbers of these workers
    if attempts:
        audit.record("pii.read", actor_user_id=actor_id, object_type="payroll", object_id=payroll.id,
                     details={"field": "name,bank_card", "purpose": "bank_file", "workers": len(attempts)})
    audit.record("payroll.bank_file", actor_user_id=actor_id, object_type="payroll", object_id=payroll.id,
                 details={"format": fmt, "lines": len(attempts), "amount_fen": sum(p.amount_fen for p, _ in attempts),
                          "refs": [p.line_ref for p, _ in attempts][:50]})
    memo = f"{payroll.month}工资"

    def rows() -> Iterator[list[Any]]:
        yield list(BANK_FILE_HEADER)
        for payment, uid in attempts:
            prof = profiles.get(uid)
            card = pii.decrypt_str(prof.bank_card_enc, context=profile_context("bank_card", prof.id)) \
                if prof is not None and prof.bank_card_enc else ""
            name = pii.decrypt_str(prof.name_enc, context=profile_context("name", prof.id)) if prof is not None else ""
            yield [payment.line_ref, payer, name, card, prof.bank_name if prof else "", payment.amount_fen, memo]

    return payroll, spool(rows(), fmt)


@dataclass
class ImportOutcome:
    paid: int = 0
    failed: int = 0
    unchanged: int = 0


def _parse(data: bytes) -> list[dict[str, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unprocessable("BANK_RESULTS_INVALID", "回单文件须为 UTF-8 编码的 CSV") from exc
    reader = csv.DictReader(io.StringIO(text))
    if tuple(h.strip() for h in reader.fieldnames or ()) != RESULTS_HEADER:
        raise Unprocessable("BANK_RESULTS_INVALID", "回单文件表头不正确",
                            {"expected": ",".join(RESULTS_HEADER), "found": ",".join(reader.fieldnames or ())})
    return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]


def import_results(actor_id: int, payroll_id: int, data: bytes) -> ImportOutcome:
    """Apply the bank's answers, all or nothing; answers already applied count as unchanged."""
    payroll = payroll_for(actor_id, payroll_id, Action.PAYROLL_PREPARE)
    require_status(payroll, PayrollStatus.APPROVED, code="PAYROLL_NOT_APPROVED", message="工资表尚未审批通过")
    if len(data) > RESULTS_MAX_BYTES:
        raise Unprocessable("BANK_RESULTS_INVALID", "回单文件过大")
    rows = _parse(data)
    refs = [r.get("line_ref", "") for r in rows]
    attempts: dict[str, PayrollPayment] = {}
    for start in range(0, len(refs), 1000):
        for p in db.session.execute(select(PayrollPayment).where(
                PayrollPayment.payroll_id == payroll.id, PayrollPayment.line_ref.in_(refs[start:start + 1000]))
                ).scalars():
            attempts[p.line_ref] = p
    lines = {line.id: line for line in db.session.execute(select(PayrollLine).where(
        PayrollLine.id.in_([p.line_id for p in attempts.values()] or [-1]))).scalars()}
    problems, seen = [], {}
    for number, row in enumerate(rows, start=2):
        ref, status, amount = row.get("line_ref", ""), row.get("status", ""), row.get("amount_fen", "")
        payment = attempts.get(ref)
        if status not in ("paid", "failed"):
            problems.append({"row": number, "line_ref": ref, "problem": "status"})
        elif payment is None:
            problems.append({"row": number, "line_ref": ref, "problem": "unknown_ref"})
        elif not amount.isdigit() or int(amount) != payment.amount_fen \
                or int(amount) != lines[payment.line_id].net_fen:
            problems.append({"row": number, "line_ref": ref, "problem": "amount_mismatch"})
        elif payment.status != PaymentStatus.ISSUED.value and payment.status != status:
            problems.append({"row": number, "line_ref": ref, "problem": "contradicts_earlier_result"})
        elif seen.setdefault(ref, status) != status:
            problems.append({"row": number, "line_ref": ref, "problem": "contradicts_row_above"})
    if problems:
        raise Unprocessable("BANK_RESULTS_MISMATCH", "回单与审批的工资明细不符，整份回单未导入",
                            {"rows": problems[:100], "count": len(problems)})
    outcome, now = ImportOutcome(), utcnow()
    applied = set()
    for row in rows:
        payment = attempts[row["line_ref"]]
        if payment.status != PaymentStatus.ISSUED.value or payment.line_ref in applied:
            outcome.unchanged += 1
            continue
        applied.add(payment.line_ref)
        line = lines[payment.line_id]
        payment.status, payment.result_at = row["status"], now
        payment.reason = (row.get("reason") or None) and row["reason"][:200]
        if row["status"] == "paid":
            line.payment_status, line.paid_at, line.paid_ref = PaymentStatus.PAID.value, now, payment.line_ref
            platform_outbox.record_paid_line(line.id, payroll.project_id)  # Payroll.Add once the line is paid
            outcome.paid += 1
        else:
            line.payment_status = PaymentStatus.FAILED.value
            outcome.failed += 1
    db.session.flush()
    audit.record("payroll.bank_results", actor_user_id=actor_id, object_type="payroll", object_id=payroll.id,
                 details={"paid": outcome.paid, "failed": outcome.failed, "unchanged": outcome.unchanged})
    return outcome
