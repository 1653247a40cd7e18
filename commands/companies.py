from __future__ import annotations

import click
from flask.cli import with_appcontext

from models import db
from services import companies
from services.errors import DomainError


@click.group("companies", help="企业登记核验（运营人员）")
def companies_cli() -> None:
    pass


@companies_cli.command("verify", help="Mark a company registration as checked against its business licence.")
@click.argument("company_id", type=int)
@with_appcontext
def verify(company_id: int) -> None:
    try:
        company = companies.verify_company(company_id)
    except DomainError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message}") from exc
    db.session.commit()
    click.echo(f"company {company.id} {company.name} ({company.uscc}) verified")
