from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from config import ROOT
from devtools.browser import PHONE, screenshot, served
from services.error_codes import CATALOGUE, RETRY_TEXT, face_reasons

DEFAULT_PATH = ROOT / "miniprogram_api_docs" / "openapi.json"
GUIDE_PATH = ROOT / "miniprogram_api_docs" / "README.md"
BEGIN, END = "<!-- 错误码表：由 services/error_codes.py 生成，请勿手改 -->", "<!-- 错误码表结束 -->"


def render_spec() -> str:
    return json.dumps(current_app.api_doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"  # type: ignore[attr-defined]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_error_tables() -> str:
    """The guide's error tables, from the catalogue (HTTP errors, then face-check result reasons)."""
    http = sorted((e for e in CATALOGUE.values() if e.status is not None),
                  key=lambda e: (e.status, e.area != "common", e.area))
    lines = [BEGIN, "", "| HTTP | code | message（直接展示） | 何时出现 | 小程序应做的事 | 重试 |", "|---|---|---|---|---|---|"]
    lines += [f"| {e.status} | `{e.code}` | {_cell(e.message)} | {_cell(e.when)} | {_cell(e.action)} | "
              f"{RETRY_TEXT[e.retry]}{f'（Retry-After: {e.retry_after}）' if e.retry_after else ''} |" for e in http]
    reasons = face_reasons()
    lines += ["", "人脸核验结果 `reason_code`（`GET poll_url` 返回 `status: failed` 或 `error` 时；"
              "标 ✱ 的也可能在上传时直接以 4xx 返回）：", "",
              "| reason_code | message（直接展示） | 何时出现 | 小程序应做的事 | 重试 |", "|---|---|---|---|---|"]
    for code in reasons:
        e = CATALOGUE[code]
        mark = " ✱" if e.status is not None else ""
        lines.append(f"| `{code}`{mark} | {_cell(e.message)} | {_cell(e.when)} | {_cell(e.action)} | "
                     f"{RETRY_TEXT[e.retry]} |")
    return "\n".join(lines + ["", END])


def render_guide(current: str) -> str:
    head, found, rest = current.partition(BEGIN)
    if not found:
        raise click.ClickException(f"{GUIDE_PATH} has no {BEGIN!r} marker")
    _old, found, tail = rest.partition(END)
    if not found:
        raise click.ClickException(f"{GUIDE_PATH} has no {END!r} marker")
    return head + render_error_tables() + tail


@click.group("openapi", help="OpenAPI 文档")
def openapi_cli() -> None:
    pass


@openapi_cli.command("screenshot", help="Screenshot a page at phone width with headless chromium.")
@click.argument("path", default="/docs/")
@click.argument("output", type=click.Path(path_type=Path), default=ROOT / "docs" / "docs-390px.png")
@click.option("--height", type=int, default=PHONE[1], show_default=True, help="A taller page, same 390 px width.")
@with_appcontext
def screenshot_command(path: str, output: Path, height: int) -> None:
    with served(current_app._get_current_object()) as base:  # type: ignore[attr-defined]
        screenshot(base + path, output, (PHONE[0], height))
    click.echo(f"wrote {output} ({PHONE[0]}x{height})")


@openapi_cli.command("export", help="Write the OpenAPI document generated from the code.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=DEFAULT_PATH, show_default=True)
@click.option("--check", is_flag=True, help="Do not write; exit 1 if the file differs from the code.")
@with_appcontext
def export(output: Path, check: bool) -> None:
    """Also rewrites the error tables of the Chinese guide (between its two markers)."""
    guide = GUIDE_PATH.read_text(encoding="utf-8")
    wanted = {output: render_spec(), GUIDE_PATH: render_guide(guide)}
    if check:
        stale = [path for path, text in wanted.items()
                 if (path.read_text(encoding="utf-8") if path.exists() else "") != text]
        for path in stale:
            click.echo(f"{path} is out of date: run `flask --app app openapi export`", err=True)
        if stale:
            sys.exit(1)
        click.echo(f"{output} and {GUIDE_PATH.name} match the code")
        return
    for path, text in wanted.items():
        path.write_text(text, encoding="utf-8")
        click.echo(f"wrote {path}")
