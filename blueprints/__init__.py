"""HTTP edges: parse with pydantic, ask services, serialize. No business rules here."""

from __future__ import annotations

from flask_openapi3 import OpenAPI


def register_blueprints(app: OpenAPI) -> None:
    from blueprints import auth, errors, health, org, request_cycle

    errors.register(app)
    request_cycle.register(app)
    app.register_api(auth.public)
    app.register_api(auth.bp)
    app.register_api(org.bp)
    app.register_api(health.bp)
    try:
        from blueprints import faces
    except ImportError:  # the face area is optional at import time (its models load lazily)
        faces = None  # type: ignore[assignment]
    if faces is not None:
        app.register_api(faces.bp)
