"""A client that can do only what a WeChat mini-program's runtime can (tests only).

What it refuses is what the runtime cannot do (WeChat's API documentation of wx.request,
wx.uploadFile, wx.downloadFile, wx.openDocument and <image>):

- ``request``: methods OPTIONS, GET, HEAD, POST, PUT, DELETE, TRACE, CONNECT (no PATCH); an
  absolute https URL on the whitelisted domain (服务器域名); ``Referer`` cannot be set; the answer
  is delivered to ``success`` whatever its status, with ``data`` (JSON parsed when it is JSON,
  ``""`` for a 304), ``statusCode`` and ``header``; ``data`` to send is an object (JSON, or the
  query string of a GET) or an ArrayBuffer (``bytes``: e.g. a hand-built multipart body).
- ``upload_file``: ONE file (``name`` + its bytes) and ``formData`` whose values are strings;
  ``success`` gives only ``data`` (the body as a string) and ``statusCode``, never the headers.
- ``download_file``: a GET that may send headers (``Authorization``); ``success`` gives
  ``statusCode`` and the saved file, no headers.
- ``open_document``: doc/docx/xls/xlsx/ppt/pptx/pdf only (not CSV).
- ``image``: what ``<image src>`` does: a GET with no headers at all (so no bearer token).

It talks to the app through Flask's test client with the absolute URL, so the host and scheme
the app sees are the ones a phone would use and ``url_for(..., _external=True)`` answers them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask.testing import FlaskClient

REQUEST_METHODS = ("OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "CONNECT")
DOCUMENT_TYPES = ("doc", "docx", "xls", "xlsx", "ppt", "pptx", "pdf")
FORBIDDEN_HEADERS = ("referer",)
DOMAIN = "siteroll.example.cn"  # the whitelisted 服务器域名 of the test mini-program
BASE = f"https://{DOMAIN}"


class NotPossibleInWeChat(AssertionError):
    """The call asked for something the mini-program runtime cannot do."""


@dataclass
class RequestResult:
    statusCode: int  # noqa: N815  (WeChat's field names)
    data: Any
    header: dict[str, str]


@dataclass
class UploadResult:
    statusCode: int  # noqa: N815
    data: str  # a string: the phone parses it itself

    def json(self) -> Any:
        return json.loads(self.data)


@dataclass
class DownloadResult:
    statusCode: int  # noqa: N815
    tempFilePath: str  # noqa: N815
    content: bytes


@dataclass
class WxRuntime:
    client: FlaskClient
    domain: str = DOMAIN
    files: dict[str, bytes] = field(default_factory=dict)  # the phone's temp files

    # ------------------------------------------------------------------ the rules
    def _url(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.hostname != self.domain:
            raise NotPossibleInWeChat(f"only https://{self.domain}/… is allowed, got {url!r}")
        return url

    @staticmethod
    def _headers(header: dict[str, str] | None) -> dict[str, str]:
        header = dict(header or {})
        if any(k.lower() in FORBIDDEN_HEADERS for k in header):
            raise NotPossibleInWeChat("Referer cannot be set by a mini-program")
        return header

    # ------------------------------------------------------------------ wx.request
    def request(self, url: str, method: str = "GET", data: Any = None,
                header: dict[str, str] | None = None) -> RequestResult:
        method = method.upper()
        if method not in REQUEST_METHODS:
            raise NotPossibleInWeChat(f"wx.request has no method {method}")
        url, header = self._url(url), self._headers(header)
        kwargs: dict[str, Any] = {}
        if isinstance(data, bytes | bytearray):
            kwargs["data"] = bytes(data)  # an ArrayBuffer: sent as is, with the caller's Content-Type
        elif data is not None and method == "GET":
            url += ("&" if "?" in url else "?") + urlencode(data)
        elif data is not None:
            kwargs["data"] = json.dumps(data, ensure_ascii=False).encode()
            header.setdefault("Content-Type", "application/json")
        resp = self.client.open(url, method=method, headers=header, **kwargs)
        body: Any = resp.get_data(as_text=True)
        if resp.status_code == 304:
            body = ""  # arrives in success, with no data
        elif resp.mimetype == "application/json" and body:
            body = json.loads(body)  # dataType 'json' (the default)
        return RequestResult(resp.status_code, body, dict(resp.headers))

    # ------------------------------------------------------------------ wx.uploadFile
    def upload_file(self, url: str, filePath: str, name: str,  # noqa: N803
                    formData: dict[str, str] | None = None, header: dict[str, str] | None = None) -> UploadResult:
        url, header = self._url(url), self._headers(header)
        form = dict(formData or {})
        if any(not isinstance(v, str) for v in form.values()):
            raise NotPossibleInWeChat("formData values reach the server as strings")
        if filePath not in self.files:
            raise NotPossibleInWeChat(f"no such temp file {filePath!r}")
        import io

        form[name] = (io.BytesIO(self.files[filePath]), filePath.rsplit("/", 1)[-1])
        resp = self.client.post(url, data=form, headers=header, content_type="multipart/form-data")
        return UploadResult(resp.status_code, resp.get_data(as_text=True))  # no headers: the runtime gives none

    # ------------------------------------------------------------------ wx.downloadFile / wx.openDocument
    def download_file(self, url: str, header: dict[str, str] | None = None) -> DownloadResult:
        url, header = self._url(url), self._headers(header)
        resp = self.client.get(url, headers=header)
        path = f"wxfile://tmp_{uuid.uuid4().hex}{_extension(url)}"
        self.files[path] = resp.get_data()
        return DownloadResult(resp.status_code, path, resp.get_data())

    def open_document(self, filePath: str, fileType: str) -> bytes:  # noqa: N803
        if fileType not in DOCUMENT_TYPES:
            raise NotPossibleInWeChat(f"wx.openDocument cannot open {fileType}")
        content = self.files[filePath]
        magic = {"pdf": b"%PDF", "xlsx": b"PK\x03\x04", "docx": b"PK\x03\x04", "pptx": b"PK\x03\x04"}
        if fileType in magic and not content.startswith(magic[fileType]):
            raise AssertionError(f"{filePath} is not a {fileType}")
        return content

    # ------------------------------------------------------------------ <image src>
    def image(self, src: str) -> tuple[int, bytes]:
        resp = self.client.get(self._url(src))  # no headers: <image> sends none
        return resp.status_code, resp.get_data()

    # ------------------------------------------------------------------ the phone's own files
    def temp_file(self, content: bytes, suffix: str) -> str:
        path = f"wxfile://tmp_{uuid.uuid4().hex}.{suffix}"
        self.files[path] = content
        return path


def _extension(url: str) -> str:
    path = urlsplit(url).path
    tail = path.rsplit("/", 1)[-1]
    return "." + tail.rsplit(".", 1)[-1] if "." in tail else ""


@dataclass
class Phone:
    """One signed-in mini-program on the runtime above, written the way the guide tells a developer to."""

    wx: WxRuntime
    token: str = ""
    between_polls: Callable[[], None] = lambda: None  # the test lets background jobs run here

    def auth(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **extra}

    def login(self, code: str) -> dict:
        res = self.wx.request(f"{BASE}/api/v1/auth/login", "POST", {"code": code})
        assert res.statusCode == 200, res.data
        self.token = res.data["token"]
        return res.data

    def call(self, method: str, path: str, data: Any = None, *, expect: int | None = 200,
             key: bool = True) -> RequestResult:
        header = self.auth(**({"Idempotency-Key": uuid.uuid4().hex} if key and method == "POST" else {}))
        res = self.wx.request(f"{BASE}/api/v1{path}", method, data, header)
        if expect is not None:
            assert res.statusCode == expect, (method, path, res.statusCode, res.data)
        return res

    def upload(self, path: str, name: str, content: bytes, suffix: str, form: dict[str, str] | None = None,
               *, expect: int | None = None, key: str | None = None) -> dict:
        temp = self.wx.temp_file(content, suffix)
        res = self.wx.upload_file(f"{BASE}/api/v1{path}", temp, name, form or {},
                                  self.auth(**{"Idempotency-Key": key or uuid.uuid4().hex}))
        body = res.json()
        if expect is not None:
            assert res.statusCode == expect, (path, res.statusCode, body)
        return body

    def poll(self, poll_url: str, *, done: Callable[[dict], bool], tries: int = 60) -> dict:
        """GET poll_url with If-None-Match, every retry_after seconds (here: between_polls), until done."""
        etag, last = None, None
        for _ in range(tries):
            res = self.wx.request(poll_url, "GET", header=self.auth(**({"If-None-Match": etag} if etag else {})))
            if res.statusCode == 200:
                last, etag = res.data, res.header.get("ETag")
            else:
                assert res.statusCode == 304 and res.data == "", (res.statusCode, res.data)
            assert last is not None
            if done(last):
                return last
            self.between_polls()
        raise AssertionError(f"still not done: {last}")
