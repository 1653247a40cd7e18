"""Issue 23: what a day is worth is defined once (services/attendance/worth.py) and read everywhere;
no other module restates it as numbers or SQL of its own."""

from __future__ import annotations

import re
from pathlib import Path

from services.attendance import worth

ROOT = Path(__file__).resolve().parents[1]
RESTATED = re.compile(r'(==|!=)\s*"(present|half)"|\(\s*"present",\s*"half"\s*\)|"present"\s*else\s*0\.5')


def test_no_module_restates_what_a_day_is_worth():
    offenders = []
    for path in sorted((ROOT / "services").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "services/attendance/worth.py" or rel.endswith("demo.py"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if RESTATED.search(line):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert not offenders, "use services.attendance.worth:\n" + "\n".join(offenders)


def test_the_one_definition():
    assert (worth.half_days("present"), worth.half_days("half"), worth.half_days("missing_out")) == (2, 1, 0)
    assert worth.WORKED == ("present", "half") and worth.days_worth("half") == 0.5


PRIVATE_IMPORT = re.compile(r"^from services\.(\w+)(\.[\w.]+)? import (.*)$")


def test_no_area_imports_another_areas_private_names():
    offenders = []
    for path in sorted((ROOT / "services").rglob("*.py")):
        rel = path.relative_to(ROOT).parts
        area = rel[1] if len(rel) > 2 else rel[1].removesuffix(".py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            m = PRIVATE_IMPORT.match(line.strip())
            if m and m.group(1) != area and re.search(r"(^|[ ,(])_[a-z]", m.group(3)):
                offenders.append(f"{'/'.join(rel)}:{n}: {line.strip()}")
    assert not offenders, "make it a public function of the owning area:\n" + "\n".join(offenders)
