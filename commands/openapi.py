from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from config import ROOT

DEFAULT_PATH = ROOT / "miniprogram_api_docs" / "openapi.json"


def render_spec() -> str:
    return json.dumps(current_app.api_doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"  # type: ignore[attr-defined]


@click.group("openapi", help="OpenAPI 文档")
def openapi_cli() -> None:
    pass


@openapi_cli.command("export", help="Write the OpenAPI document generated from the code.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=DEFAULT_PATH, show_default=True)
@click.option("--check", is_flag=True, help="Do not write; exit 1 if the file differs from the code.")
@with_appcontext
def export(output: Path, check: bool) -> None:
    spec = render_spec()
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != spec:
            click.echo(f"{output} is out of date: run `flask --app app openapi export`", err=True)
            sys.exit(1)
        click.echo(f"{output} matches the code")
        return
    output.write_text(spec, encoding="utf-8")
    click.echo(f"wrote {output}")
