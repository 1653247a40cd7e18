from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from infra.jobs import wait_idle
from models import db
from services.attendance.demo import seed_attendance
from services.demo import (
    DEMO_LOGINS,
    DEMO_WORKERS,
    DUAL_PAYROLL_LOGIN,
    JOIN_CODE,
    seed_demo,
    seed_workers,
    sign_demo_contract,
)
from services.oversight.demo import seed_oversight_demo
from services.payroll.demo import seed_payroll_demo
from workers.faces import face_check_job


def _run_face_checks(check_ids: list[int]) -> None:
    """The demo's selfies are checked now, so the seeded states are there when the server starts."""
    if not check_ids:
        return
    if current_app.config["JOBS_MODE"] == "rq":
        for check_id in check_ids:
            face_check_job(check_id)  # the queued RQ job later finds it decided and does nothing
    elif not wait_idle(current_app, timeout=600):
        raise click.ClickException("face checks of the demo did not finish")
    db.session.rollback()


@click.command("seed-demo", help="Create the demo company, project DEMO01, team 钢筋班, demo logins and "
                                 "enrolled workers (pending, rejected, approved and signed).")
@with_appcontext
def seed_demo_command() -> None:
    if not current_app.config["DEMO"]:
        # demo logins are known openids: on a real deployment they would be open doors
        raise click.ClickException("seed-demo only runs in the demo (SITEROLL_DEMO=1)")
    ids = seed_demo()
    db.session.commit()
    for step in (seed_workers, sign_demo_contract):
        started = step(ids)
        db.session.commit()
        _run_face_checks(started)
    clocks = seed_attendance(ids.project_id, ids.team_id)
    db.session.commit()
    if clocks:
        click.echo(f"demo attendance: {clocks} clocks over the last 30 days (some flagged, confirmed, one disputed)")
    payroll_id = seed_payroll_demo(ids.project_id, ids.team_id)
    db.session.commit()
    click.echo(f"demo payroll {payroll_id}: last month approved; demo-worker1 paid and signed, demo-worker2 paid, "
               "demo-worker3 in the bank batch")
    seed_oversight_demo(ids.project_id, ids.company_id)  # last: its warnings read everything seeded above
    db.session.commit()
    click.echo(f"demo project {ids.project_id} (join code {JOIN_CODE}), team {ids.team_id}")
    click.echo("demo logins (POST /api/v1/auth/login {\"code\": \"fake:<openid>\"}):")
    for openid, role in DEMO_LOGINS.items():
        click.echo(f"  fake:{openid:<22} {role.value}")
    click.echo(f"  fake:{DUAL_PAYROLL_LOGIN:<22} labour_manager + payroll_approver (sees PAYROLL_SELF_APPROVAL)")
    for openid in DEMO_WORKERS:
        click.echo(f"  fake:{openid:<22} worker ({openid.removeprefix('demo-worker-')})")
    click.echo("  fake:demo-owner             owner (建设单位) of both demo projects")
    click.echo("  fake:demo-regulator         regulator (监管): GET /api/v1/regulator/dashboard")
    for n in (1, 2, 3):
        click.echo(f"  fake:{f'demo-worker{n}':<22} worker with last month's pay slip")
    click.echo("  fake:<anything>             a new worker; join with code DEMO01")
