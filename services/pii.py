"""Personal information: field encryption, blind indexes, masks, audited reveal.

Ciphertext format: ``v1.<key id>.<base64(nonce || AES-GCM ciphertext)>``. The key id lets a
rotated key decrypt old rows while new rows use the first (active) key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services import audit
from services.settings import KeyRing, settings


def keyring() -> KeyRing:
    return settings().keyring


def row_context(table: str, column: str, row_id: int | str) -> str:
    """AES-GCM associated data binding a ciphertext to its cell: one moved to another row,
    column or table no longer decrypts."""
    if row_id is None:
        raise ValueError("encrypt after the row has its id (flush first)")
    return f"{table}.{column}:{row_id}"


def encrypt_bytes(data: bytes, *, context: str = "") -> str:
    ring = keyring()
    nonce = os.urandom(12)
    ct = AESGCM(ring.keys[ring.active_id]).encrypt(nonce, data, context.encode() or None)
    return f"v1.{ring.active_id}.{base64.b64encode(nonce + ct).decode()}"


def decrypt_bytes(token: str, *, context: str = "") -> bytes:
    version, kid, b64 = token.split(".", 2)
    if version != "v1":
        raise ValueError(f"unknown ciphertext version {version}")
    blob = base64.b64decode(b64)
    return AESGCM(keyring().keys[kid]).decrypt(blob[:12], blob[12:], context.encode() or None)


def encrypt_str(value: str, *, context: str = "") -> str:
    return encrypt_bytes(value.encode(), context=context)


def decrypt_str(token: str, *, context: str = "") -> str:
    return decrypt_bytes(token, context=context).decode()


def blind_index(value: str, *, kind: str) -> str:
    """Keyed hash for equality lookups (find a worker by ID number) without storing it in clear."""
    msg = f"{kind}:{value.strip().upper()}".encode()
    return hmac.new(keyring().blind_index_key, msg, hashlib.sha256).hexdigest()


def mask(value: str, *, keep_start: int, keep_end: int) -> str:
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end:]


def mask_id_number(value: str) -> str:
    return mask(value, keep_start=4, keep_end=4)  # 4403**********1234


def mask_bank_card(value: str) -> str:
    return mask(value, keep_start=4, keep_end=4)


def mask_phone(value: str) -> str:
    return mask(value, keep_start=3, keep_end=4)  # 138****8000


def reveal(token: str, *, actor_user_id: int | None, field: str, object_type: str, object_id: int | str,
           purpose: str, context: str = "") -> str:
    """Decrypt a stored value for a caller the authorization module already let through.

    Every clear read is written to the audit log in the same transaction.
    """
    value = decrypt_str(token, context=context)
    audit.record(
        "pii.read", actor_user_id=actor_user_id, object_type=object_type, object_id=object_id,
        details={"field": field, "purpose": purpose},
    )
    return value
