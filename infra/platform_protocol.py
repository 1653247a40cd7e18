"""The platform's wire protocol, as the open-source client ibisTime/xn-gchf speaks it.

A form POST of appid, data (the JSON body), format, method, nonce, timestamp (yyyyMMddHHmmss,
Beijing time), version and sign = SHA-256 hex of
``appid=..&data=..&format=json&method=..&nonce=..&timestamp=..&version=1.0&appsecret=..``
lower-cased. ID card and bank card numbers inside ``data`` are AES-256-CBC / PKCS#7 with the
app secret as key and its first 16 characters as IV, base64. Both sides use this module (the outbox and devtools/fake_platform.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

VERSION = "1.0"
SIGNED_FIELDS = ("appid", "data", "format", "method", "nonce", "timestamp", "version")


def _cipher(secret: str) -> Cipher:
    key = secret.encode()
    if len(key) not in (16, 24, 32):
        raise ValueError("the platform secret must be 16, 24 or 32 characters")
    return Cipher(algorithms.AES(key), modes.CBC(key[:16]))


def encrypt_field(value: str, secret: str) -> str:
    padder = padding.PKCS7(128).padder()
    enc = _cipher(secret).encryptor()
    return base64.b64encode(enc.update(padder.update(value.encode()) + padder.finalize()) + enc.finalize()).decode()


def decrypt_field(value: str, secret: str) -> str:
    dec = _cipher(secret).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    raw = dec.update(base64.b64decode(value)) + dec.finalize()
    return (unpadder.update(raw) + unpadder.finalize()).decode()


def sign(fields: dict[str, str], secret: str) -> str:
    text = "&".join(f"{k}={fields[k]}" for k in SIGNED_FIELDS) + f"&appsecret={secret}"
    return hashlib.sha256(text.lower().encode()).hexdigest()


def verify(fields: dict[str, str], secret: str) -> bool:
    return hmac.compare_digest(sign(fields, secret), fields.get("sign", ""))
