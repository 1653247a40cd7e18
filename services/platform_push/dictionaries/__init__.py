"""The platform's code lists (字典), kept as data: one JSON file each, naming its source.

Codes and names come from the open-source client ibisTime/xn-gchf (its enums and its
``tsys_dict`` seed), which speaks the 全国建筑工人管理服务信息平台 data standard; 民族 is GB/T 3304.
证件类型 is not here: issue 27 owns that list (see ``payloads.id_card_type``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent
NAMES = ("work_type", "work_role", "nation", "culture_level_type", "politics_type", "unit", "direction",
         "entry_exit_type", "bank_code")


@dataclass(frozen=True)
class Dictionary:
    name: str
    title: str
    source: str
    items: tuple[tuple[str, str], ...]  # (code, name) in the standard's order

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(code for code, _ in self.items)

    def name_of(self, code: str | None) -> str | None:
        return next((n for c, n in self.items if c == code), None)

    def code_of(self, name: str | None) -> str | None:
        return next((c for c, n in self.items if n == name), None)


@cache
def load(name: str) -> Dictionary:
    raw = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
    return Dictionary(raw["name"], raw["title"], raw["source"],
                      tuple((item["code"], item["name"]) for item in raw["items"]))


def bank_code(bank_name: str | None) -> str | None:
    """The standard's bank code for a bank name as people write it (中国工商银行 / 工商银行 …):
    the exact name, else the one dictionary name that contains it or is contained in it."""
    name = (bank_name or "").strip()
    if not name:
        return None
    banks = load("bank_code")
    if (code := banks.code_of(name)) is not None:
        return code
    hits = {c for c, n in banks.items if name in n or n in name}
    return hits.pop() if len(hits) == 1 else None


# a worker's platform fields as the demo data gives them (flask seed-demo): codes from these lists
DEMO_PROFILE: dict[str, object] = {"nation": "01", "culture_level": "03", "political_status": "13",
                                   "id_issuer": "北京市公安局朝阳分局", "id_valid_from": date(2020, 6, 1),
                                   "id_valid_to": "2040-06-01"}
