"""Fixtures of the API tests."""

from tests.api.enrollment_site import site  # noqa: F401  (the enrollment site every enrollment test starts from)
