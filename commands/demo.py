from __future__ import annotations

import click
from flask.cli import with_appcontext

from models import db
from services.demo import DEMO_LOGINS, JOIN_CODE, seed_demo
from services.oversight.demo import seed_oversight_demo


@click.command("seed-demo", help="Create the demo company, project DEMO01, team 钢筋班 and demo logins.")
@with_appcontext
def seed_demo_command() -> None:
    ids = seed_demo()
    seed_oversight_demo(ids.project_id, ids.company_id)
    db.session.commit()
    click.echo(f"demo project {ids.project_id} (join code {JOIN_CODE}), team {ids.team_id}")
    click.echo("demo logins (POST /api/v1/auth/login {\"code\": \"fake:<openid>\"}):")
    for openid, role in DEMO_LOGINS.items():
        click.echo(f"  fake:{openid:<16} {role.value}")
    click.echo("  fake:demo-owner       owner (建设单位) of both demo projects")
    click.echo("  fake:demo-regulator   regulator (监管): GET /api/v1/regulator/dashboard")
    click.echo("  fake:<anything>       a new worker; join with code DEMO01")
