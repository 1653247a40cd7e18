"""`flask storage ...`: the object store's checks and the move of old database blobs into it."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from models import db
from services.storage import legacy, maintenance
from services.storage.store import store


@click.group("storage", help="对象存储（照片、签名、留存的 PDF）")
def storage_cli() -> None:
    pass


@storage_cli.command("init", help="Create the bucket (S3) or the folder if it is missing.")
@with_appcontext
def init() -> None:
    backend = store()
    backend.ensure_ready()
    click.echo(f"storage ready: {backend.name}")


@storage_cli.command("verify", help="Re-read stored objects and check each SHA-256 (a sample, or --all).")
@click.option("--sample", type=int, default=1000, show_default=True, help="how many objects, chosen at random")
@click.option("--all", "check_all", is_flag=True, help="every object")
@with_appcontext
def verify(sample: int, check_all: bool) -> None:
    total = maintenance.object_count() if check_all else min(sample, maintenance.object_count())
    with click.progressbar(length=total, label="verifying", file=sys.stderr) as bar:
        report = maintenance.verify(None if check_all else sample, progress=bar.update)
    db.session.rollback()
    click.echo(json.dumps({"checked": report.checked, "ok": report.ok, "missing": report.missing,
                           "corrupt": report.corrupt}))
    if not report.passed:
        sys.exit(1)


@storage_cli.command("migrate", help="Move photos and signatures kept in database columns into the store "
                                     "(batches, resumable), then clear the columns.")
@click.option("--batch-size", type=int, default=200, show_default=True)
@with_appcontext
def migrate(batch_size: int) -> None:
    columns, later = legacy.present(), legacy.awaiting_schema()
    db.session.rollback()
    if not columns:
        click.echo("no legacy blob columns: nothing to move" if not later else _later(later))
        return
    total = sum(legacy.pending(c) for c in columns)
    db.session.rollback()
    with click.progressbar(length=total, label="moving blobs", file=sys.stderr) as bar:
        report = legacy.migrate_all(batch_size, progress=lambda _col, n: bar.update(n))
    click.echo(json.dumps(report))
    if any(r["failed"] for r in report.values()):
        click.echo("some values could not be decrypted with the key ring; they stay in their columns", err=True)
        sys.exit(1)
    click.echo("done: run `flask db upgrade` to drop the emptied columns")
    if later:
        click.echo(_later(later))


def _later(columns: list[legacy.LegacyColumn]) -> str:
    names = ", ".join(f"{c.table}.{c.column}" for c in columns)
    return f"{names}: their references come with a later migration; after `flask db upgrade` stops again, " \
           "run `flask storage migrate` once more"


@storage_cli.command("sweep", help="Delete objects older than a day that no row points at.")
@with_appcontext
def sweep() -> None:
    removed = maintenance.sweep_orphans()
    db.session.rollback()
    click.echo(f"removed {removed} orphan objects")
