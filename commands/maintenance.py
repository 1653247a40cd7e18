from __future__ import annotations

import click
from flask.cli import with_appcontext

from workers.maintenance import purge_idempotency_keys


@click.group("maintenance", help="定期维护任务")
def maintenance_cli() -> None:
    pass


@maintenance_cli.command("purge-idempotency", help="Delete stored Idempotency-Key answers past their time to live.")
@with_appcontext
def purge_idempotency() -> None:
    click.echo(f"removed {purge_idempotency_keys()} expired idempotency keys")
