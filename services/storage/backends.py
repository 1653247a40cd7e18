"""The storage interface and its folder backend (the embedded default).

Keys are opaque ``o/<2 hex>/<32 hex>`` strings (services/storage/objects.py makes them). The
folder backend writes a temporary file and renames it, so a reader never sees half an object;
its signed links are served by the app (blueprints/storage.py) and carry an HMAC of the key and
the expiry.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, urlencode

from services.errors import ServiceUnavailable
from services.storage.settings import StorageSettings

CHUNK = 64 * 1024
KEY_RE = re.compile(r"^o/[0-9a-f]{2}/[0-9a-f]{32}$")
LINK_PATH = "/api/v1/objects/"


class StorageUnavailable(ServiceUnavailable):
    """The store did not answer (bucket unreachable, disk error): 503, nothing half-written."""

    def __init__(self) -> None:
        super().__init__("STORAGE_UNAVAILABLE")


class ObjectMissing(KeyError):
    """No object under that key (deleted, or never written)."""


class ObjectStore(Protocol):
    name: str

    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def open(self, key: str) -> Iterator[bytes]:
        """The object in chunks, never whole in memory."""
        ...

    def delete(self, key: str) -> None:
        """Gone afterwards; deleting a missing key is not an error."""
        ...

    def exists(self, key: str) -> bool: ...

    def signed_url(self, key: str, seconds: int) -> str:
        """A link to the stored bytes that works for ``seconds`` and for this key only."""
        ...

    def keys_older_than(self, cutoff: datetime) -> Iterator[str]:
        """Every object key written before ``cutoff`` (the orphan sweeper reads it)."""
        ...

    def ensure_ready(self) -> None:
        """Create the folder / bucket if it is missing."""
        ...

    def ping(self) -> None:
        """A cheap check for /healthz that leaves nothing behind; StorageUnavailable when down."""
        ...


def checked_key(key: str) -> str:
    if not KEY_RE.match(key):
        raise ValueError(f"not an object key: {key!r}")
    return key


def link_signature(url_key: bytes, key: str, expires: int) -> str:
    return hmac.new(url_key, f"{key}\n{expires}".encode(), hashlib.sha256).hexdigest()


def link_valid(url_key: bytes, key: str, expires: int, signature: str, now: float | None = None) -> bool:
    if expires < (time.time() if now is None else now):
        return False
    return hmac.compare_digest(link_signature(url_key, key, expires), signature)


class FolderStore:
    name = "folder"

    def __init__(self, config: StorageSettings) -> None:
        self.root = Path(config.folder)
        self.url_key = config.url_key
        self.base_url = config.public_base_url

    def _path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def ensure_ready(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable() from exc

    def ping(self) -> None:
        """The folder exists (created if missing, as the first put would) and takes a file."""
        self.ensure_ready()
        try:
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".health-")
            os.close(fd)
            os.unlink(tmp)
        except OSError as exc:
            raise StorageUnavailable() from exc

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise StorageUnavailable() from exc

    def get(self, key: str) -> bytes:
        return b"".join(self.open(key))

    def open(self, key: str) -> Iterator[bytes]:
        path = self._path(key)
        try:
            fh = path.open("rb")
        except FileNotFoundError as exc:
            raise ObjectMissing(key) from exc
        except OSError as exc:
            raise StorageUnavailable() from exc
        return _chunks(fh)

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageUnavailable() from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def signed_url(self, key: str, seconds: int) -> str:
        expires = int(time.time()) + int(seconds)
        query = urlencode({"expires": expires, "signature": link_signature(self.url_key, checked_key(key), expires)})
        return f"{self.base_url}{LINK_PATH}{quote(key)}?{query}"

    def keys_older_than(self, cutoff: datetime) -> Iterator[str]:
        limit = cutoff.astimezone(UTC).timestamp()
        if not self.root.is_dir():
            return
        for path in self.root.glob("o/*/*"):
            key = path.relative_to(self.root).as_posix()
            if KEY_RE.match(key) and path.stat().st_mtime < limit:
                yield key


def _chunks(fh) -> Iterator[bytes]:
    with fh:
        while chunk := fh.read(CHUNK):
            yield chunk
