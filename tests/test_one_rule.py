"""Issue 23: what a day is worth is defined once (services/attendance/worth.py) and read everywhere;
no other module restates it as numbers or SQL of its own."""

from __future__ import annotations

import re
from datetime import date, timedelta
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


# "contract in force" lives in services/contracts/in_force.py (《劳动合同法》第十六条), "training complete"
# in services/enrollment/training.py (《建设工程安全生产管理条例》第三十七条); nobody else restates them
CONTRACT_RESTATED = re.compile(
    r"ContractStatus\.(SIGNED|TERMINATED|WORKER_SIGNED)\b|status\s*(==|!=)\s*\"(signed|terminated|worker_signed)\""
    r"|\b(term_start|term_end|termination_date)\s*(<=|>=|<|>)|(<=|>=|<|>)\s*[\w.]*\b(term_start|term_end|termination_date)\b"
    r"|Contract\.signed_at\b")
TRAINING_RESTATED = re.compile(
    r"Training\.minutes|\b\w+_training_hours\b|DEFAULTS\.training_hours|rules_for\([^)]*\)\.training_hours")
# what these read is not "in force": the contract reported to the national platform is the signed one,
# whatever its term (its own start and end dates go with it)
NOT_IN_FORCE_QUESTIONS = {"services/platform_push/payloads.py", "services/platform_push/outbox.py"}


def _restating(pattern: re.Pattern[str], owners: tuple[str, ...]) -> list[str]:
    offenders = []
    for folder in ("services", "blueprints"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith(owners) or rel.endswith("demo.py"):
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if pattern.search(line):
                    offenders.append(f"{rel}:{n}: {line.strip()}")
    return offenders


def test_no_module_restates_contract_in_force():
    offenders = [o for o in _restating(CONTRACT_RESTATED, ("services/contracts/",))
                 if o.split(":")[0] not in NOT_IN_FORCE_QUESTIONS]
    assert not offenders, "use services.contracts.in_force:\n" + "\n".join(offenders)


def test_no_module_restates_training_complete():
    offenders = _restating(TRAINING_RESTATED, ("services/enrollment/training.py", "services/enrollment/rules.py"))
    assert not offenders, "use services.enrollment.training:\n" + "\n".join(offenders)


def test_the_guards_see_what_they_guard():
    assert CONTRACT_RESTATED.search('Contract.status == "signed"')
    assert CONTRACT_RESTATED.search("Contract.signed_at.is_not(None)")
    assert CONTRACT_RESTATED.search("facts.termination_date <= on_day")
    assert CONTRACT_RESTATED.search("on_day > facts.term_end")
    assert not CONTRACT_RESTATED.search('"signed": "已签署", "terminated": "已解除"')
    assert TRAINING_RESTATED.search("func.sum(Training.minutes)") and TRAINING_RESTATED.search("r.team_training_hours")
    assert TRAINING_RESTATED.search("ENROLLMENT_DEFAULTS.training_hours.items()")
    assert not TRAINING_RESTATED.search("training_hours=body.training_hours.model_dump()")


def test_contract_in_force_python_and_sql_agree(ctx):
    from sqlalchemy import select

    from models import Contract, ContractAmendment, ContractStatus, db
    from services.contracts.amendments import effective_terms
    from services.contracts.in_force import in_force, in_force_sql, in_force_throughout_sql, why_not_in_force
    from tests.factories import make_project, make_team, make_user
    from tests.oversight import rows

    admin = make_user("admin")
    project = make_project(admin)
    team = make_team(admin, project, leader=make_user("leader"))
    start = date(2026, 3, 1)
    contracts = []
    for status in ContractStatus:
        for term_end in (None, start + timedelta(days=5)):
            for termination in (None, start + timedelta(days=3)):
                c = rows.contract(project, rows.worker(project, team), team, start)
                c.status, c.term_end, c.termination_date = status.value, term_end, termination
                contracts.append(c)
    renewed, pending = (rows.contract(project, rows.worker(project, team), team, start) for _ in range(2))
    renewed.term_end = pending.term_end = start + timedelta(days=5)
    for c, status, end in ((renewed, "signed", start + timedelta(days=10)), (pending, "worker_signed", None)):
        db.session.add(ContractAmendment(
            contract_id=c.id, project_id=c.project_id, user_id=c.user_id, status=status, title="变更协议", body_enc="x",
            wage_type="day", wage_amount_fen=1, pay_day=15, term_end=end, effective_from=start, created_by=admin.id))
    contracts += [renewed, pending]
    db.session.flush()
    seen = set()
    for day in (start + timedelta(days=n) for n in range(-1, 12)):
        by_sql = dict(db.session.execute(select(Contract.id, in_force_sql(day))).all())
        for c in contracts:
            args = (c.status, c.term_start, effective_terms(c).term_end, c.termination_date, day)
            assert bool(by_sql[c.id]) is in_force(*args) is (why_not_in_force(*args) is None), (c.status, day)
            seen.add((in_force(*args), why_not_in_force(*args)))
    assert seen == {(True, None), (False, "unsigned"), (False, "worker_signed"), (False, "terminated"),
                    (False, "outside_term")}
    days = [start + timedelta(days=n) for n in range(-1, 12)]
    for first, last in ((days[0], days[3]), (days[1], days[4]), (days[2], days[7]), (days[1], days[11])):
        covered = dict(db.session.execute(select(Contract.id, in_force_throughout_sql(
            Contract.project_id, Contract.user_id, first, last))).all())
        for c in contracts:  # one contract per worker here: in force on both ends = on every day between
            every_day = all(in_force(c.status, c.term_start, effective_terms(c).term_end, c.termination_date, day)
                            for day in days if first <= day <= last)
            assert bool(covered[c.id]) is every_day, (c.status, first, last)
    on = start + timedelta(days=8)
    assert in_force("signed", start, effective_terms(renewed).term_end, None, on)  # the renewal
    assert not in_force("signed", start, effective_terms(pending).term_end, None, on)  # not signed yet


def test_training_complete_python_and_sql_agree(ctx):
    from sqlalchemy import select

    from models import EnrollmentRules, db
    from services.enrollment.training import (
        hours_by_level,
        level_hours,
        required_hours_sql,
        training_complete,
        training_complete_sql,
    )
    from tests.factories import USCCS, make_company, make_project, make_team, make_user
    from tests.oversight import rows

    admin = make_user("admin")
    plain = make_project(admin)
    strict = make_project(admin, company=make_company(admin, USCCS[1], "第二建设集团"))
    db.session.add(EnrollmentRules(project_id=strict.id, company_training_hours=10, project_training_hours=10,
                                   team_training_hours=30, updated_by=admin.id))
    first = date(2026, 3, 1)
    cases = []
    for project in (plain, strict):
        team = make_team(admin, project, leader=make_user())
        for team_hours in (0, 20, 30):
            user = rows.worker(project, team)
            rows.trained(project, user, admin, first, {"company": 15, "project": 15})
            if team_hours:
                rows.trained(project, user, admin, first + timedelta(days=2), {"team": team_hours})
            cases.append((project, user, team_hours))
    db.session.flush()
    seen = set()
    for day in (first, first + timedelta(days=2)):
        for project, user, team_hours in cases:
            required = dict(zip(("company", "project", "team"), db.session.execute(select(
                *(required_hours_sql(lvl, project.id) for lvl in ("company", "project", "team")))).one(), strict=True))
            done = {"company": 900, "project": 900, "team": team_hours * 60 if day > first else 0}
            by_python = training_complete(level_hours(required, done))
            by_sql = bool(db.session.execute(select(training_complete_sql(project.id, user.id, day))).scalar_one())
            assert by_python is by_sql, (project.id, team_hours, day)
            seen.add(by_python)
            if day > first:  # every record counted: the worker's own screen says the same
                assert training_complete(hours_by_level(project.id, user.id)) is by_python
                assert by_python is (team_hours >= (20 if project is plain else 30))
    assert seen == {True, False}
