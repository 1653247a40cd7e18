"""Storage tests run on whichever store the session has: the folder (SQLite run) or the S3
bucket on Ceph (MariaDB run, SITEROLL_TEST_S3_ENDPOINT)."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

import pytest
import requests

from tests.api.enrollment_site import site  # noqa: F401  (a project with its people, for the route tests)
from tests.conftest import settings_changed
from tests.faces.conftest import engine, faces_dir  # noqa: F401  (the face engine, real photos)


def fetch(client, url: str) -> tuple[int, bytes]:
    """Follow a signed link: the app serves the folder's, the S3 server its presigned GETs."""
    if url.startswith("/"):
        resp = client.get(url)
        return resp.status_code, resp.get_data()
    parts = urlsplit(url)
    assert parts.hostname in ("127.0.0.1", "localhost")  # the test S3 server is on loopback only
    resp = requests.get(url, timeout=10)
    return resp.status_code, resp.content


@pytest.fixture
def store_down(app):
    """The store unreachable: an S3 endpoint nobody listens on (a refused connection)."""
    def down():
        storage = app.extensions["siteroll_settings"].storage
        broken = dataclasses.replace(storage, backend="s3", s3_endpoint="http://127.0.0.1:9", s3_bucket="down",
                                     s3_access_key="x", s3_secret_key="y", timeout_seconds=1.0)
        return settings_changed(app, storage=broken)
    return down
