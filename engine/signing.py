"""HMAC-signed, expiring capability strings for blob URLs (upload and download).

Invariant: `verify` never raises on what a caller sends; any signature that is not exactly the
lower-case hex digest for this method/key/expiry (non-ASCII, empty, truncated, wrong) is just False.
"""

from __future__ import annotations

import hashlib
import hmac


def _message(method: str, key: str, expires_epoch_s: int) -> bytes:
    # surrogatepass: a key that is not valid Unicode text still signs (and so still fails to verify)
    return f"{method.upper()}\n{key}\n{expires_epoch_s}".encode("utf-8", "surrogatepass")


def sign(secret: bytes, method: str, key: str, expires_epoch_s: int) -> str:
    return hmac.new(secret, _message(method, key, expires_epoch_s), hashlib.sha256).hexdigest()


def verify(
    secret: bytes, method: str, key: str, expires_epoch_s: int, signature: str, now_epoch_s: float
) -> bool:
    """True when `signature` was made for this method/key/expiry and the expiry has not passed."""
    if now_epoch_s > expires_epoch_s:
        return False
    expected = sign(secret, method, key, expires_epoch_s).encode("ascii")
    # compare bytes: hmac.compare_digest refuses str with non-ASCII characters (TypeError)
    return hmac.compare_digest(expected, signature.encode("utf-8", "surrogatepass"))
