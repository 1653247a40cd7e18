from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from services import audit


@click.group("audit", help="审计日志")
def audit_cli() -> None:
    pass


@audit_cli.command("verify", help="Walk the hash chain; exit 1 and name the first broken entry.")
@with_appcontext
def verify() -> None:
    result = audit.verify_chain()
    if result.ok:
        click.echo(f"audit chain OK: {result.checked} entries")
        return
    click.echo(f"audit chain BROKEN at seq {result.broken_seq}: {result.reason} "
               f"({result.checked} entries verified before it)")
    sys.exit(1)
