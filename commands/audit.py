from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from services import audit, seals


@click.group("audit", help="审计日志")
def audit_cli() -> None:
    pass


@audit_cli.command("verify", help="Walk the keyed hash chain and hold it against the newest signed "
                   "checkpoint, then recompute every sealed record (signed contracts); exit 1 on the first break.")
@click.option("--checkpoints", type=click.Path(dir_okay=False), default=None,
              help="Checkpoint file to hold the chain against (default: SITEROLL_AUDIT_CHECKPOINT_PATH).")
@with_appcontext
def verify(checkpoints: str | None) -> None:
    result = audit.verify_chain(checkpoint_path=checkpoints)
    if not result.ok:
        click.echo(f"audit chain BROKEN at seq {result.broken_seq}: {result.reason} "
                   f"({result.checked} entries verified before it)")
        sys.exit(1)
    against = f", checkpoint seq {result.checkpoint_seq}" if result.checkpoint_seq else ", no checkpoint"
    click.echo(f"audit chain OK: {result.checked} entries{against}")
    sealed, broken = seals.verify_seals()
    for b in broken:
        click.echo(f"sealed {b.object_type} {b.object_id} BROKEN: {b.reason}")
    if broken:
        sys.exit(1)
    click.echo(f"sealed records OK: {sealed}")
