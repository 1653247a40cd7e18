"""Login and the caller's own profile (/me)."""

from __future__ import annotations

from blueprints.api import answer, api_blueprint, current_user, writes
from blueprints.contract import raises
from blueprints.mobile import etag
from models import User
from schemas.auth import (
    ConsentIn,
    ConsentKindPath,
    ConsentOut,
    LoginIn,
    LoginOut,
    MembershipOut,
    PhoneIn,
    PhoneRevealOut,
    UserOut,
)
from services import auth, consents, org

bp = api_blueprint("auth", __name__, "auth", "微信登录与个人信息")
public = api_blueprint("auth_public", __name__, "auth", "微信登录与个人信息", secured=False)


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id, display_name=user.display_name, phone_masked=user.phone_masked,
        memberships=[
            MembershipOut(id=m.id, project_id=p.id, project_name=p.name, role=m.role, team_id=m.team_id,
                          team_name=t.name if t else None, status=m.status)
            for m, p, t in org.projects_of(user)
        ],
        consents=[ConsentOut(kind=c.kind, version=c.version, granted_at=c.granted_at)
                  for c in consents.consents_of(user.id)],
    )


@public.post("/auth/login", responses={200: LoginOut},
         summary="用 wx.login 的 code 登录，返回 Bearer 令牌")
@raises("WECHAT_CODE_INVALID", "WECHAT_RATE_LIMITED", "WECHAT_NOT_CONFIGURED", "WECHAT_UNAVAILABLE", "WECHAT_ERROR")
def login(body: LoginIn):
    user, issued = auth.login_with_wechat(body.code)
    return answer(LoginOut(token=issued.token, expires_in=issued.expires_in, user=user_out(user)))


@bp.get("/me", responses={200: UserOut}, summary="当前用户及其在各项目中的身份")
@etag
def me():
    return answer(user_out(current_user()))


@bp.post("/me/phone", responses={200: UserOut}, summary="用 getPhoneNumber 的 code 绑定手机号")
@raises("WECHAT_PHONE_CODE_INVALID", "WECHAT_RATE_LIMITED", "WECHAT_NOT_CONFIGURED", "WECHAT_UNAVAILABLE", "WECHAT_ERROR")
def bind_phone(body: PhoneIn):
    return answer(user_out(auth.bind_phone(current_user(), body.code)))


@bp.get("/me/phone", responses={200: PhoneRevealOut}, summary="查看本人完整手机号（记录审计日志）")
@writes
def reveal_my_phone():
    user = current_user()
    return answer(PhoneRevealOut(phone=auth.reveal_phone(user, actor=user, purpose="self")))


@bp.post("/me/consents", responses={201: ConsentOut}, summary="记录授权同意（人脸识别须单独同意）")
def grant_consent(body: ConsentIn):
    c = consents.grant_consent(current_user().id, body.kind, body.version)
    return answer(ConsentOut(kind=c.kind, version=c.version, granted_at=c.granted_at), 201)


@bp.post("/me/consents/<kind>/withdraw", responses={200: UserOut}, summary="撤回授权")
def withdraw_consent(path: ConsentKindPath):
    user = current_user()
    consents.withdraw_consent(user.id, path.kind)
    return answer(user_out(user))


@bp.post("/auth/logout-all", responses={200: UserOut}, summary="注销所有已签发的令牌")
def logout_all():
    user = current_user()
    auth.logout_everywhere(user)
    return answer(user_out(user))
