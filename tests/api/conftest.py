"""Fixtures of the API tests."""

from tests.api.enrollment_site import site  # noqa: F401  (the enrollment site every enrollment test starts from)
from tests.api.test_org_authz import world  # noqa: F401  (every role of a project, for the authorization matrices)
