from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from services import audit, seals


@click.group("audit", help="审计日志")
def audit_cli() -> None:
    pass


@audit_cli.command("verify", help="Walk the hash chain and recompute sealed records; exit 1 on the first break.")
@with_appcontext
def verify() -> None:
    result = audit.verify_chain()
    if not result.ok:
        click.echo(f"audit chain BROKEN at seq {result.broken_seq}: {result.reason} "
                   f"({result.checked} entries verified before it)")
        sys.exit(1)
    click.echo(f"audit chain OK: {result.checked} entries")
    sealed, broken = seals.verify_seals()
    for b in broken:
        click.echo(f"sealed {b.object_type} {b.object_id} BROKEN: {b.reason}")
    if broken:
        sys.exit(1)
    click.echo(f"sealed records OK: {sealed}")
