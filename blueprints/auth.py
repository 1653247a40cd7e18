"""Login and the caller's own profile (/me)."""

from __future__ import annotations

from blueprints.api import (
    actor_id,
    answer,
    api_blueprint,
    current_user,
    login_required,
    not_replayed,
    with_profile,
    writes,
)
from blueprints.contract import raises
from blueprints.limits import rate_limited
from blueprints.mobile import etag
from models import User
from schemas.auth import (
    ConsentIn,
    ConsentKindPath,
    ConsentOut,
    LoginIn,
    LoginOut,
    PhoneIn,
    PhoneRevealOut,
    UserOut,
)
from services import auth, consents

bp = api_blueprint("auth", __name__, "auth", "微信登录与个人信息")
public = api_blueprint("auth_public", __name__, "auth", "微信登录与个人信息", secured=False)


def user_out(user: User | auth.Caller) -> UserOut:
    if isinstance(user, auth.Caller) and user.memberships is not None and user.consents is not None:
        return UserOut.of(user, user.memberships, user.consents)  # read with the token check (@with_profile)
    return UserOut.of(user, *auth.profile(user.id))


@public.post("/auth/login", responses={200: LoginOut},
         summary="用 wx.login 的 code 登录，返回 Bearer 令牌")
@rate_limited("login")
@not_replayed
@raises("WECHAT_CODE_INVALID", "WECHAT_RATE_LIMITED", "WECHAT_NOT_CONFIGURED", "WECHAT_UNAVAILABLE", "WECHAT_ERROR")
def login(body: LoginIn):
    user, issued = auth.login_with_wechat(body.code)
    return answer(LoginOut(token=issued.token, expires_in=issued.expires_in, user=user_out(user)))


@bp.get("/me", responses={200: UserOut}, summary="当前用户及其在各项目中的身份")
@login_required
@with_profile
@etag
def me():
    return answer(user_out(current_user()))


@bp.post("/me/phone", responses={200: UserOut}, summary="用 getPhoneNumber 的 code 绑定手机号")
@login_required
@raises("WECHAT_PHONE_CODE_INVALID", "WECHAT_RATE_LIMITED", "WECHAT_NOT_CONFIGURED", "WECHAT_UNAVAILABLE", "WECHAT_ERROR",
        "USER_NOT_FOUND")
def bind_phone(body: PhoneIn):
    return answer(user_out(auth.bind_phone(actor_id(), body.code)))


@bp.get("/me/phone", responses={200: PhoneRevealOut}, summary="查看本人完整手机号（记录审计日志）")
@rate_limited("pii")
@writes
@login_required
@raises("USER_NOT_FOUND")
def reveal_my_phone():
    return answer(PhoneRevealOut(phone=auth.reveal_own_phone(actor_id())))


@bp.post("/me/consents", responses={201: ConsentOut},
         summary="记录授权同意（每类单独同意；version 须为 GET /consents/current 的当前版本）")
@login_required
@raises("CONSENT_KIND_INVALID", "CONSENT_VERSION_OUTDATED")
def grant_consent(body: ConsentIn):
    return answer(ConsentOut.model_validate(consents.grant_consent(actor_id(), body.kind, body.version)), 201)


@bp.post("/me/consents/<kind>/withdraw", responses={200: UserOut}, summary="撤回授权")
@login_required
def withdraw_consent(path: ConsentKindPath):
    consents.withdraw_consent(actor_id(), path.kind)
    return answer(user_out(current_user()))


@bp.post("/auth/logout-all", responses={200: UserOut}, summary="注销所有已签发的令牌")
@login_required
@raises("USER_NOT_FOUND")
def logout_all():
    return answer(user_out(auth.logout_everywhere(actor_id())))
