from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from services import audit


@click.group("audit", help="审计日志")
def audit_cli() -> None:
    pass


@audit_cli.command("verify", help="Walk the keyed hash chain and hold it against the newest signed "
                   "checkpoint; exit 1 and name the first broken entry.")
@click.option("--checkpoints", type=click.Path(dir_okay=False), default=None,
              help="Checkpoint file to hold the chain against (default: SITEROLL_AUDIT_CHECKPOINT_PATH).")
@with_appcontext
def verify(checkpoints: str | None) -> None:
    result = audit.verify_chain(checkpoint_path=checkpoints)
    if result.ok:
        against = f", checkpoint seq {result.checkpoint_seq}" if result.checkpoint_seq else ", no checkpoint"
        click.echo(f"audit chain OK: {result.checked} entries{against}")
        return
    click.echo(f"audit chain BROKEN at seq {result.broken_seq}: {result.reason} "
               f"({result.checked} entries verified before it)")
    sys.exit(1)
