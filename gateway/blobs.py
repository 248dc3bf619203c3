"""Signed, expiring gateway URLs for GridFS blobs: `/api/blobs/<key>?method=&expires=&sig=`."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

from engine import signing
from gateway.services import Services

KEY_MAX_CHARS = 256  # keys we mint are ~80 characters (`avatars/<uuid>/<uuid>`)
SIGNATURE_MAX_CHARS = 128  # a hex SHA-256 digest is 64


def signed_url(services: Services, method: str, key: str, ttl_s: int, now: datetime) -> tuple[str, datetime]:
    expires_at = now + timedelta(seconds=ttl_s)
    expires = int(expires_at.timestamp())
    sig = signing.sign(services.config.secrets.blob.encode(), method, key, expires)
    query = urlencode({"method": method.upper(), "expires": expires, "sig": sig})
    return f"{services.config.public_url}/api/blobs/{quote(key)}?{query}", expires_at


def check(services: Services, method: str, key: str, expires: int, sig: str, now: datetime) -> bool:
    return signing.verify(services.config.secrets.blob.encode(), method, key, expires, sig, now.timestamp())
