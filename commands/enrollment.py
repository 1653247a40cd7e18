"""``flask enrollment``: upkeep of the enrollment data after an upgrade."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from models import WorkerProfile, db
from services.enrollment.cards import backfill_card_index


@click.group("enrollment", help="实名登记数据维护")
def enrollment_cli() -> None:
    pass


@enrollment_cli.command("index-cards", help="Give bank cards saved before issue 23 their blind index (resumable); "
                                             "a card another worker holds is flagged BANK_CARD_SHARED instead.")
@click.option("--batch-size", type=int, default=500, show_default=True)
@with_appcontext
def index_cards(batch_size: int) -> None:
    total = db.session.execute(select(func.count()).select_from(WorkerProfile).where(
        WorkerProfile.bank_card_bidx.is_(None), WorkerProfile.bank_card_enc.is_not(None))).scalar_one()
    with click.progressbar(length=total, label="indexing bank cards", file=sys.stderr) as bar:
        report = backfill_card_index(batch_size, progress=bar.update)
    click.echo(json.dumps({"indexed": report.indexed,
                           "shared": [{"user_id": u, "holder_user_id": h} for u, h in report.shared]}))
