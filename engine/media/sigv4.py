"""AWS Signature Version 4 query-string presigning (a "presigned URL") for an S3 GET, as the S3 API
reference's "Authenticating Requests: Using Query Parameters" describes it; no SDK.

Invariants: pure (the signing time is an argument); only `host` is signed and the payload is
`UNSIGNED-PAYLOAD`; the URL's query is exactly the canonical query string that was signed (so any
changed byte fails on the S3 side); an expiry outside 1 s .. 7 days is refused, as S3 refuses it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final
from urllib.parse import quote, urlsplit

ALGORITHM: Final = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD: Final = "UNSIGNED-PAYLOAD"
MAX_EXPIRES_S: Final = 7 * 24 * 3600
"""S3's longest presigned-URL lifetime (604 800 s)."""
DEFAULT_REGION: Final = "us-east-1"


@dataclass(frozen=True)
class S3Location:
    """Where an object is fetched: `scheme://host` + `path` (path already the object's, unencoded)."""

    scheme: str
    host: str
    path: str
    region: str


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str


def object_location(bucket: str, key: str, region: str = "", endpoint: str = "") -> S3Location:
    """AWS (no endpoint): virtual-hosted `bucket.s3[.region].amazonaws.com/key`; an S3-compatible
    endpoint (MinIO, R2, ...): path-style `endpoint/bucket/key`."""
    region = region or DEFAULT_REGION
    key = key.lstrip("/")
    if not endpoint:
        suffix = "s3" if region == DEFAULT_REGION else f"s3.{region}"
        return S3Location("https", f"{bucket}.{suffix}.amazonaws.com", f"/{key}", region)
    parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
    base = parts.path.rstrip("/")
    return S3Location(parts.scheme or "https", parts.netloc, f"{base}/{bucket}/{key}", region)


def _encode(text: str, safe: str = "") -> str:
    """RFC 3986 encoding as SigV4 wants it: every byte but A-Z a-z 0-9 - _ . ~ (and `safe`)."""
    return quote(text, safe="-_.~" + safe)


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def signing_key(secret_key: str, day: str, region: str, service: str = "s3") -> bytes:
    """HMAC chain: "AWS4"+secret → date → region → service → "aws4_request"."""
    key = _hmac(f"AWS4{secret_key}".encode(), day)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    return key


def canonical_query(params: dict[str, str]) -> str:
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(params.items()))


def canonical_request(location: S3Location, query: str) -> str:
    return "\n".join(
        ["GET", _encode(location.path, "/"), query, f"host:{location.host}", "", "host", UNSIGNED_PAYLOAD]
    )


def presign_get(location: S3Location, creds: Credentials, now: datetime, expires_s: int) -> str:
    """A URL that lets its holder GET the object until `now + expires_s`."""
    if not 1 <= expires_s <= MAX_EXPIRES_S:
        raise ValueError(f"expires_s must be within 1..{MAX_EXPIRES_S}")
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    day = stamp[:8]
    scope = f"{day}/{location.region}/s3/aws4_request"
    params = {
        "X-Amz-Algorithm": ALGORITHM,
        "X-Amz-Credential": f"{creds.access_key}/{scope}",
        "X-Amz-Date": stamp,
        "X-Amz-Expires": str(expires_s),
        "X-Amz-SignedHeaders": "host",
    }
    query = canonical_query(params)
    digest = hashlib.sha256(canonical_request(location, query).encode()).hexdigest()
    to_sign = "\n".join([ALGORITHM, stamp, scope, digest])
    key = signing_key(creds.secret_key, day, location.region)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    path = _encode(location.path, "/")
    return f"{location.scheme}://{location.host}{path}?{query}&X-Amz-Signature={signature}"
