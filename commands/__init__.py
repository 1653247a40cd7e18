"""Click commands registered on the app (``flask --app app <command>``)."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from commands.attendance import attendance_cli
    from commands.audit import audit_cli
    from commands.companies import companies_cli
    from commands.demo import seed_demo_command
    from commands.enrollment import enrollment_cli
    from commands.faces import faces_cli
    from commands.maintenance import maintenance_cli
    from commands.openapi import openapi_cli
    from commands.privacy import privacy_cli
    from commands.retention import retention_cli
    from commands.storage import storage_cli

    app.cli.add_command(attendance_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(openapi_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(maintenance_cli)
    app.cli.add_command(faces_cli)
    app.cli.add_command(companies_cli)
    app.cli.add_command(retention_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(storage_cli)
    app.cli.add_command(enrollment_cli)
