"""``flask privacy``: the deployment's impact assessment for face processing (PIPL Art. 55–56)."""

from __future__ import annotations

import json
from datetime import date

import click
from flask.cli import with_appcontext

from models import db
from services.faces.impact import AssessmentInput, face_processing_summary, record_assessment


@click.group("privacy", help="个人信息保护影响评估（人脸信息处理）")
def privacy_cli() -> None:
    pass


@privacy_cli.command("record-assessment", help="Record the impact assessment made for face processing.")
@click.option("--purpose", required=True, help="处理目的")
@click.option("--necessity", required=True, help="必要性（为何需要人脸、有何替代方式）")
@click.option("--measures", required=True, help="保护措施")
@click.option("--assessed-on", "assessed_on", required=True, type=click.DateTime(["%Y-%m-%d"]), help="评估日期")
@click.option("--assessed-by", "assessed_by", required=True, help="评估人或机构")
@with_appcontext
def record_command(purpose: str, necessity: str, measures: str, assessed_on, assessed_by: str) -> None:
    row = record_assessment(AssessmentInput(purpose, necessity, measures, date.fromordinal(assessed_on.toordinal()),
                                            assessed_by))
    db.session.commit()
    click.echo(f"recorded impact assessment {row.id}")


@privacy_cli.command("show", help="The assessment on record and how many people's faces are stored.")
@with_appcontext
def show_command() -> None:
    click.echo(json.dumps(face_processing_summary(), ensure_ascii=False, indent=2))
