"""HTTP edges: parse with pydantic, ask services, serialize. No business rules here."""

from __future__ import annotations

from flask_openapi3 import OpenAPI


def register_blueprints(app: OpenAPI) -> None:
    from blueprints import (
        attendance,
        auth,
        contracts,
        docs,
        enrollment,
        errors,
        face_review,
        faces,
        health,
        invitations,
        mobile,
        org,
        oversight,
        oversight_pages,
        oversight_public,
        payroll,
        payroll_order,
        request_cycle,
    )

    docs.register(app)
    errors.register(app)
    request_cycle.register(app)
    mobile.register(app)
    app.register_api(auth.public)
    app.register_api(auth.bp)
    app.register_api(org.bp)
    app.register_api(invitations.bp)
    app.register_api(health.bp)
    app.register_api(faces.bp)
    app.register_api(enrollment.bp)
    app.register_api(contracts.bp)
    app.register_api(face_review.bp)
    app.register_api(attendance.bp)
    app.register_api(oversight.bp)
    app.register_api(oversight_public.public)
    app.register_api(oversight_public.bp)
    app.register_blueprint(oversight_pages.bp)
    app.register_api(payroll.bp)
    app.register_api(payroll_order.bp)
