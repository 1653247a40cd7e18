"""The configured backend: the one place that picks it."""


from __future__ import annotations

from functools import lru_cache

from services.settings import settings
from services.storage.backends import FolderStore, ObjectStore
from services.storage.settings import StorageSettings


@lru_cache(maxsize=8)
def build_store(config: StorageSettings) -> ObjectStore:
    """One client per settings (a boto3 client is thread-safe and costs ~50 ms to build)."""
    if config.backend == "s3":
        from services.storage.s3 import S3Store

        return S3Store(config)
    return FolderStore(config)


def store() -> ObjectStore:
    return build_store(settings().storage)
