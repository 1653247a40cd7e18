"""Oversight, what the public may read (红黑榜) and what regulators and project admins keep."""

from __future__ import annotations

from blueprints.api import actor_id, answer, api_blueprint, login_required, next_cursor, page_from
from blueprints.contract import raises
from blueprints.mobile import etag
from models.oversight import ListEntry
from schemas.common import ListQuery, ProjectPath
from schemas.oversight import (
    DepositIn,
    DepositList,
    DepositOut,
    ListEntryIn,
    ListEntryList,
    ListEntryOut,
    ListEntryPath,
    NoteIn,
    NoticeBoardIn,
    NoticeBoardOut,
)
from services.oversight import blacklist, deposits, notice_board

public = api_blueprint("oversight_public", __name__, "oversight", "监督（公开）", secured=False)
bp = api_blueprint("oversight_lists", __name__, "oversight", "监督：红黑榜管理、维权告示牌、工资专户存入")


def entry_out(e: ListEntry) -> ListEntryOut:
    return ListEntryOut.model_validate(e, from_attributes=True)


def board_out(b: notice_board.Board) -> NoticeBoardOut:
    return NoticeBoardOut(**{**b.__dict__, "subcontractors": list(b.subcontractors), "authorities": list(b.authorities),
                             "missing": list(b.missing)})


@public.get("/public/red-black-list", responses={200: ListEntryList},
            summary="红黑榜（公开，无需登录）：当前在榜的企业与班组、原因、证据、期限、决定部门")
@raises()
@etag
def list_red_black_entries(query: ListQuery):
    paged = blacklist.public_entries(page_from(query))
    return answer(ListEntryList(items=[entry_out(e) for e in paged.items], next_cursor=next_cursor(paged)))


@bp.post("/red-black-list", responses={201: ListEntryOut}, summary="列入红榜或黑榜（监管部门）")
@login_required
@raises("LIST_ENTRY_INVALID", "LIST_EVIDENCE_INVALID", "LIST_PERIOD_INVALID", "NOT_A_REGULATOR", "PARTY_NOT_FOUND")
def create_list_entry(body: ListEntryIn):
    row = blacklist.list_party(actor_id(), party_type=body.party_type, party_id=body.party_id,
                               color=body.color, reason=body.reason,
                               evidence=[e.model_dump(exclude_none=True) for e in body.evidence],
                               period_start=body.period_start, period_end=body.period_end)
    return answer(entry_out(row), 201)


@bp.post("/red-black-list/<int:entry_id>/lift", responses={200: ListEntryOut}, summary="移出榜单（监管部门）")
@login_required
@raises("LIST_ENTRY_LIFTED", "LIST_ENTRY_NOT_FOUND", "NOT_A_REGULATOR")
def lift_list_entry(path: ListEntryPath, body: NoteIn):
    return answer(entry_out(blacklist.lift_entry(actor_id(), path.entry_id, body.note)))


@bp.get("/projects/<int:project_id>/notice-board", responses={200: NoticeBoardOut}, summary="维权告示牌内容")
@login_required
@raises("FORBIDDEN", "PROJECT_NOT_FOUND")
@etag
def get_notice_board(path: ProjectPath):
    return answer(board_out(notice_board.board_for_member(actor_id(), path.project_id)))


@bp.put("/projects/<int:project_id>/notice-board", responses={200: NoticeBoardOut},
        summary="修改维权告示牌（劳资专管员姓名电话、投诉电话）")
@login_required
@raises("FORBIDDEN", "PROJECT_NOT_FOUND")
def update_notice_board(path: ProjectPath, body: NoticeBoardIn):
    board = notice_board.update_board(actor_id(), path.project_id, body.labour_manager_name,
                                      body.labour_manager_phone, body.complaint_phones, body.authorities)
    return answer(board_out(board))


@bp.post("/projects/<int:project_id>/notice-board/publish", responses={200: NoticeBoardOut},
         summary="发布维权告示牌（《条例》第三十四条的事项齐全才能发布，否则 422 列出所缺）")
@login_required
@raises("FORBIDDEN", "NOTICE_BOARD_INCOMPLETE", "PROJECT_NOT_FOUND")
def publish_notice_board(path: ProjectPath):
    return answer(board_out(notice_board.publish_board(actor_id(), path.project_id)))


@bp.post("/projects/<int:project_id>/wage-deposits", responses={201: DepositOut},
         summary="登记工资专用账户存入（按银行流水，项目管理员、劳资专管员）")
@login_required
@raises("DEPOSIT_DATE_IN_FUTURE", "DEPOSIT_EXISTS", "FORBIDDEN", "PROJECT_NOT_FOUND")
def create_deposit(path: ProjectPath, body: DepositIn):
    row = deposits.record_deposit(actor_id(), path.project_id, amount_fen=body.amount_fen,
                                  deposited_on=body.deposited_on, reference=body.reference)
    return answer(DepositOut.model_validate(row, from_attributes=True), 201)


@bp.get("/projects/<int:project_id>/wage-deposits", responses={200: DepositList}, summary="工资专用账户存入记录")
@login_required
@raises("FORBIDDEN", "PROJECT_NOT_FOUND")
@etag
def list_deposits(path: ProjectPath, query: ListQuery):
    paged = deposits.project_deposits(actor_id(), path.project_id, page_from(query))
    return answer(DepositList(items=[DepositOut.model_validate(r, from_attributes=True) for r in paged.items],
                              next_cursor=next_cursor(paged)))
