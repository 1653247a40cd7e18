"""Small factories for test data: each makes just what the test names."""

from __future__ import annotations

from itertools import count

from flask.testing import FlaskClient
from sqlalchemy import select

from models import Membership, Role, User, db
from services import org
from services.consent_texts import CURRENT

_seq = count(1)

GEOFENCE = {"type": "circle", "center": {"lat": 22.543096, "lng": 114.057865}, "radius_m": 300}
USCCS = ["91440300279569123Q", "91440300192174135N", "91440300MA5DC12341"]


def make_user(openid: str | None = None, name: str | None = None) -> User:
    user = User(openid=openid or f"user-{next(_seq)}", display_name=name)
    db.session.add(user)
    db.session.flush()
    return user


EMPLOYER_PARTICULARS = {"legal_representative": "王建国", "address": "深圳市南山区科技园测试大厦8层",
                        "phone": "0755-86000000"}


def make_company(actor: User, uscc: str = USCCS[0], name: str = "测试建设集团", *, particulars: bool = True):
    return org.create_company(actor.id, name, uscc, **(EMPLOYER_PARTICULARS if particulars else {}))


def make_project(admin: User, *, company=None, join_code: str | None = None):
    company = company or make_company(admin)
    return org.create_project(
        admin.id, name="测试项目", address="深圳市测试路1号", general_contractor_id=company.id,
        wage_account_bank="测试银行", wage_account_no="6222020200112233445", geofence=GEOFENCE,
        join_code=join_code,
    )


def make_team(admin: User, project, *, name: str = "钢筋班", leader: User | None = None, wage_fen: int = 35000):
    team = org.create_team(admin.id, project.id, name=name, default_day_wage_fen=wage_fen)
    if leader is not None:
        # a leader must already work in the project (the invitation's result, without the round trip)
        add_member(project, leader, Role.TEAM_LEADER, team)
        org.update_team(admin.id, team.id, {"leader_user_id": leader.id})
    return team


def add_member(project, user: User, role: Role, team=None) -> Membership:
    m = Membership(project_id=project.id, user_id=user.id, role=role.value, team_id=team.id if team else None)
    db.session.add(m)
    db.session.flush()
    return m


def login(client: FlaskClient, openid: str) -> dict[str, str]:
    resp = client.post("/api/v1/auth/login", json={"code": f"fake:{openid}"})
    assert resp.status_code == 200, resp.get_json()
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


def bearer(user: User) -> dict[str, str]:
    """A token for a user made in the test (no WeChat round trip)."""
    from services.auth import issue_token

    return {"Authorization": f"Bearer {issue_token(user).token}"}


# ---------------------------------------------------------------- enrollment

CONSENT_KINDS = ("privacy_policy", "biometric", "location", "financial")


def id_number(born, *, male: bool = True, region: str = "110105", seq: int = 1) -> str:
    """A 居民身份证号 with a correct check digit for the given birth date."""
    from stdnum.cn import ric

    base = f"{region}{born:%Y%m%d}{seq * 2 - (1 if male else 0):03d}"
    return base + ric.calc_check_digit(base + "0")


def bank_card(prefix: str = "622202020011223344") -> str:
    from stdnum import luhn

    return prefix + luhn.calc_check_digit(prefix)


def years_ago(years: int, days: int = 0):
    from datetime import timedelta

    from services.days import business_day

    today = business_day()
    try:
        born = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        born = today.replace(year=today.year - years, day=28)
    return born - timedelta(days=days)


_CARDS = count(1)  # one card is one payee: every default profile gets its own


def profile_body(born=None, **changes) -> dict:
    body = {"name": "张三", "id_number": id_number(born or years_ago(35, 10)), "phone": "13800138000",
            "bank_card": bank_card(f"62220202{next(_CARDS):010d}"), "bank_name": "中国建设银行", "trade": "钢筋工",
            "address": "四川省南充市顺庆区和平路12号",
            "emergency_contact": {"name": "李四", "phone": "13900139000", "address": "四川省南充市顺庆区和平路12号",
                                  "relationship": "配偶"}}
    body.update(changes)
    return body


def give_consents(client: FlaskClient, headers: dict[str, str], kinds=CONSENT_KINDS) -> None:
    for kind in kinds:
        resp = client.post("/api/v1/me/consents", json={"kind": kind, "version": CURRENT[kind].version}, headers=headers)
        assert resp.status_code == 201, resp.get_json()


def make_face_template(user: User):
    """A stored face template, as a passed enrollment leaves one (the tests of approval need one,
    not the models; the signing tests enroll through the real face job)."""
    import numpy as np

    from models.faces import FaceTemplate
    from services.pii import encrypt_bytes

    template = FaceTemplate(user_id=user.id, model_name="Dlib", model_version="test", detector="test",
                            embedding_enc=encrypt_bytes(np.zeros(128, np.float32).tobytes(),
                                                        context=f"face_template:{user.id}"))
    db.session.add(template)
    db.session.flush()
    return template


def verify_identity(user_id: int, method: str = "wechat_face", verified_by: int | None = None):
    """A verified identity for the user's current profile, as 人脸核身 or an on-site check leaves one."""
    from models import IdentityVerification, WorkerProfile

    profile = db.session.execute(select(WorkerProfile).where(WorkerProfile.user_id == user_id)).scalar_one()
    row = IdentityVerification(user_id=user_id, method=method, status="verified",
                               id_number_bidx=profile.id_number_bidx, verified_by=verified_by)
    db.session.add(row)
    db.session.flush()
    return row
