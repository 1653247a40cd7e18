"""The S3 backend (boto3): a city's object storage (OSS, COS, OBS) or an on-premises Ceph
RADOS Gateway. Path-style addressing by default, as Ceph and most private clouds want."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import cached_property

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from services.storage.backends import CHUNK, ObjectMissing, StorageUnavailable, checked_key
from services.storage.settings import StorageSettings

MISSING = {"404", "NoSuchKey", "NotFound"}
PROBE_TIMEOUT = 2.0  # seconds, /healthz's HEAD on the bucket


class S3Store:
    name = "s3"

    def __init__(self, config: StorageSettings) -> None:
        self.bucket = str(config.s3_bucket)
        self.config = config
        self.client = boto3.client(
            "s3",
            endpoint_url=config.s3_endpoint,
            region_name=config.s3_region,
            aws_access_key_id=config.s3_access_key,
            aws_secret_access_key=config.s3_secret_key,
            config=Config(
                s3={"addressing_style": "path" if config.s3_path_style else "auto"},
                signature_version="s3v4",
                connect_timeout=config.timeout_seconds,
                read_timeout=config.timeout_seconds,
                # an upload waits on this: one retry, then 503 and the phone retries
                retries={"max_attempts": 2, "mode": "standard"},
                # newer boto3 checksums that Ceph 16 / older private clouds do not know
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    @cached_property
    def _probe(self):
        """A client for /healthz: one attempt, a short timeout (a load balancer's check must not hang)."""
        timeout = min(PROBE_TIMEOUT, self.config.timeout_seconds)
        return boto3.client(
            "s3", endpoint_url=self.config.s3_endpoint, region_name=self.config.s3_region,
            aws_access_key_id=self.config.s3_access_key, aws_secret_access_key=self.config.s3_secret_key,
            config=Config(s3={"addressing_style": "path" if self.config.s3_path_style else "auto"},
                          signature_version="s3v4", connect_timeout=timeout, read_timeout=timeout,
                          retries={"max_attempts": 1, "mode": "standard"}))

    def ping(self) -> None:
        """HEAD on the bucket: reachable, the keys accepted, the bucket there. Writes nothing."""
        try:
            self._probe.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailable() from exc

    def _call(self, method: str, **kwargs):
        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code"))
            if code in MISSING:
                raise ObjectMissing(kwargs.get("Key")) from exc
            raise StorageUnavailable() from exc
        except BotoCoreError as exc:  # connection refused, timeouts, DNS
            raise StorageUnavailable() from exc

    def ensure_ready(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) not in MISSING:
                raise StorageUnavailable() from exc
            self._call("create_bucket")
        except BotoCoreError as exc:
            raise StorageUnavailable() from exc

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._call("put_object", Key=checked_key(key), Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        return b"".join(self.open(key))

    def open(self, key: str) -> Iterator[bytes]:
        body = self._call("get_object", Key=checked_key(key))["Body"]
        return _chunks(body)

    def delete(self, key: str) -> None:
        self._call("delete_object", Key=checked_key(key))

    def exists(self, key: str) -> bool:
        try:
            self._call("head_object", Key=checked_key(key))
        except ObjectMissing:
            return False
        return True

    def signed_url(self, key: str, seconds: int) -> str:
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": checked_key(key)}, ExpiresIn=int(seconds))

    def keys_older_than(self, cutoff: datetime) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix="o/")
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    if item["LastModified"] < cutoff:
                        yield item["Key"]
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailable() from exc


def _chunks(body) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(CHUNK)
    except BotoCoreError as exc:
        raise StorageUnavailable() from exc
    finally:
        body.close()
