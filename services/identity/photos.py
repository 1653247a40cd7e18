"""Photos of ID cards and paper consent forms: checked, encrypted and bound to their row
(as face evidence is: ``pii.encrypt_bytes`` with the row's context), so a ciphertext copied to
another row does not decrypt. Issue 28 moves them to an object store with the evidence photos."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from services import pii
from services.errors import Unprocessable

PHOTO_MAX_BYTES = 8 * 1024 * 1024
MAGICS = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def check_photo(data: bytes, field: str) -> None:
    bad = Unprocessable("PHOTO_INVALID", details={
        "fields": [{"loc": field, "type": "photo_invalid", "msg": "需为 JPEG 或 PNG 图片，且不超过 8MB"}]})
    if not data.startswith(MAGICS) or len(data) > PHOTO_MAX_BYTES:
        raise bad
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise bad from exc


def seal(data: bytes, table: str, column: str, row_id: int) -> str:
    return pii.encrypt_bytes(data, context=pii.row_context(table, column, row_id))


def unseal(token: str, table: str, column: str, row_id: int) -> bytes:
    return pii.decrypt_bytes(token, context=pii.row_context(table, column, row_id))
