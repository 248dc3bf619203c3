"""HMAC-signed, expiring capability strings for blob URLs (upload and download)."""

from __future__ import annotations

import hashlib
import hmac


def sign(secret: bytes, method: str, key: str, expires_epoch_s: int) -> str:
    message = f"{method.upper()}\n{key}\n{expires_epoch_s}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def verify(
    secret: bytes, method: str, key: str, expires_epoch_s: int, signature: str, now_epoch_s: float
) -> bool:
    """True when `signature` was made for this method/key/expiry and the expiry has not passed."""
    if now_epoch_s > expires_epoch_s:
        return False
    return hmac.compare_digest(sign(secret, method, key, expires_epoch_s), signature)
