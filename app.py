"""SiteRoll 工地实名通: the application factory.

``SITEROLL_DEMO=1 flask --app app run`` serves the demo (SQLite, in-process jobs, fake WeChat);
set SITEROLL_DATABASE_URL / SITEROLL_REDIS_URL and the keys for production (see README.md).
``app:app`` (gunicorn, ``flask --app app``) is built on first access, so importing this module
to call ``create_app`` never reads the environment.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from flask import Flask, Request, current_app, redirect
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_migrate import Migrate
from flask_openapi3 import Info, Server
from werkzeug.middleware.proxy_fix import ProxyFix

from config import ROOT, load_config

if TYPE_CHECKING:
    from blueprints.contract import ContractAPI

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

migrate = Migrate()

API_DESCRIPTION = (
    "SiteRoll 工地实名通小程序后端接口。认证：`Authorization: Bearer <token>`（由 /api/v1/auth/login 获取）。"
    "错误统一为 `{\"error\": {\"code\", \"message\", \"details\"}}`，每个接口列出它可能返回的错误码。"
    "POST 可带 `Idempotency-Key` 安全重发；列表用 `limit` / `cursor` 分页；GET 支持 `If-None-Match`（304）。"
    "金额单位为分（整数），坐标为 GCJ-02。"
    "登录、项目码加入、接受邀请、查看手机号和人脸核验按用户和 IP 限制频率：超过时返回 429 `RATE_LIMITED`，"
    "回答头 `Retry-After` 为需等待的秒数。项目角色通过邀请获得（`/projects/{project_id}/invitations`）。"
)


class LazyCookieSessions(SecureCookieSessionInterface):
    """Only the dashboard pages keep a cookie session; the API (bearer tokens) never sends one.
    Flask would build the signing serializer for every request anyway: skip it when there is no cookie."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)


def create_app(config: dict[str, Any] | None = None) -> ContractAPI:
    from blueprints import limits, register_blueprints
    from blueprints.contract import ContractAPI
    from blueprints.errors import validation_error_response
    from infra import jobs
    from models import db
    from schemas.common import ErrorResponse
    from services import audit_checkpoints, register_handlers
    from services.settings import Settings, build_settings, use_lookup
    from services.storage import objects

    app = ContractAPI(
        __name__,
        instance_path=str(ROOT / "instance"),
        info=Info(title="SiteRoll 工地实名通 API", version="1.0.0", description=API_DESCRIPTION),
        security_schemes={"bearer": {"type": "http", "scheme": "bearer"}},
        servers=[Server(url="/", description="本服务（与文档同源）")],
        validation_error_status=422,
        validation_error_model=ErrorResponse,
        validation_error_callback=validation_error_response,
        doc_prefix="/docs",
        doc_url="/openapi.json",
    )
    app.config.from_mapping(load_config(app.instance_path, config))
    app.session_interface = LazyCookieSessions()
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    # services read typed settings (key ring parsed once) through services.settings.settings()
    app.extensions["siteroll_settings"] = build_settings(app.config)

    def current_settings() -> Settings:
        return current_app.extensions["siteroll_settings"]

    use_lookup(current_settings)
    # deepface and the weights seeding read their folders from the environment; the first app wins
    os.environ.setdefault("DEEPFACE_HOME", str(app.config["FACE_DEEPFACE_HOME"]))
    os.environ.setdefault("SITEROLL_SHARED_DIR", str(app.config["SHARED_DIR"]))

    db.init_app(app)
    _tune_pool(app)
    audit_checkpoints.install_session_hooks()
    objects.install_session_hooks()  # objects of deleted rows go after the commit
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    jobs.init_app(app)
    register_handlers()
    register_blueprints(app)
    limits.init_app(app)
    if proxies := app.config["PROXY_FIX_X_FOR"]:
        # behind N reverse proxies: the caller's IP (per-IP limits, logs) is in X-Forwarded-For, and
        # the public scheme and host (absolute URLs such as poll_url say https://) in X-Forwarded-Proto/Host
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]

    @app.get("/api/v1/openapi.json", doc_ui=False)
    def openapi_json():
        return app.api_doc

    @app.get("/", doc_ui=False)
    def index():
        return redirect("/docs/")

    from commands import register_commands

    register_commands(app)
    return app


def _tune_pool(app: ContractAPI) -> None:
    from models import db, pool

    with app.app_context():
        engine = db.engine
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    # config.py asks MariaDB for pool_reset_on_return=None: models/pool.py then does the resets
    if engine.dialect.name == "mysql" and "pool_reset_on_return" in options and options["pool_reset_on_return"] is None:
        pool.install(engine, app.config["DB_IDLE_PING_SECONDS"])
        app.extensions[pool.READ_ENGINE] = pool.read_engine(engine, options, app.config["DB_IDLE_PING_SECONDS"])


def __getattr__(name: str) -> Any:
    if name == "app":
        globals()["app"] = built = create_app()
        return built
    raise AttributeError(name)
