"""``flask retention``: the retention table's report and its daily run by hand."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from services.retention.job import report
from services.retention.policy import RULES
from workers.maintenance import apply_retention_job


@click.group("retention", help="记录保存期限：报告与到期删除")
def retention_cli() -> None:
    pass


@retention_cli.command("report", help="What will be deleted when, per record type (nothing is changed).")
@click.option("--json", "as_json", is_flag=True, help="machine-readable")
@with_appcontext
def report_command(as_json: bool) -> None:
    rows = report()
    if as_json:
        click.echo(json.dumps([{"record_type": t, "when": w, "count": n} for t, w, n in rows], ensure_ascii=False))
        return
    click.echo("record type          when                                   count")
    for record_type, when, count in rows:
        click.echo(f"{record_type:<20} {when:<38} {count}")
    kept = [r.record_type for r in RULES if r.action == "keep"]
    click.echo(f"kept, never deleted by the job: {', '.join(kept)} (docs/retention.md)")


@retention_cli.command("apply", help="Delete what is due now (the daily job's work), audited.")
@with_appcontext
def apply_command() -> None:
    done = apply_retention_job()
    click.echo(json.dumps(done, ensure_ascii=False) if done else "nothing due")
