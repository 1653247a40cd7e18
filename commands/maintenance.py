from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from models import db
from services import idempotency


@click.group("maintenance", help="定期维护任务")
def maintenance_cli() -> None:
    pass


@maintenance_cli.command("purge-idempotency", help="Delete stored Idempotency-Key answers past their time to live.")
@with_appcontext
def purge_idempotency() -> None:
    removed = idempotency.purge_expired(current_app.config["IDEMPOTENCY_TTL_SECONDS"])
    db.session.commit()
    click.echo(f"removed {removed} expired idempotency keys")
