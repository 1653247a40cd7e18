"""Infrastructure the services run on: the job queue, the WeChat client, health of the parts.

Flask-aware (it reads the app's config and extensions); it never imports services, so
services may use it and dependencies point one way: blueprints/workers -> services -> infra -> models.
"""
