from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("attendance", help="考勤维护任务")
def attendance_cli() -> None:
    pass


@attendance_cli.command("sweep", help="Re-enqueue the face jobs of clocks still waiting (Redis was down).")
@with_appcontext
def sweep() -> None:
    from workers.attendance import sweep_waiting_clocks

    click.echo(sweep_waiting_clocks())
