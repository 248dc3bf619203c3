"""Signed blob URLs against hostile input (issue 10): non-ASCII keys and signatures, empty and over-long
parts, expired and tampered URLs all end in 400/403/404 with the error envelope, never 500; a key with
non-ASCII characters still round-trips when its URL is genuinely signed."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from engine import signing
from gateway.blobs import KEY_MAX_CHARS, signed_url
from gateway.services import Services
from tests.support import AdjustableClock, err, unique

pytestmark = pytest.mark.anyio
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FAR_FUTURE = 4_102_444_800  # 2100-01-01
SECRET = b"s" * 32


def _signed_path(services: Services, method: str, key: str, ttl_s: int = 600) -> str:
    url, _ = signed_url(services, method, key, ttl_s, services.now())
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _query(path: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in urlsplit(path).query.split("&"))


def test_signing_verify_is_false_for_non_ascii_signatures() -> None:
    good = signing.sign(SECRET, "GET", "avatars/k", FAR_FUTURE)
    assert signing.verify(SECRET, "GET", "avatars/k", FAR_FUTURE, good, 0.0)
    for bad in ("é" * 64, good[:-1] + "é", "", good[:-1], good.upper(), "\udc80"):
        assert not signing.verify(SECRET, "GET", "avatars/k", FAR_FUTURE, bad, 0.0)


def test_signing_signs_keys_that_are_not_valid_unicode() -> None:
    sig = signing.sign(SECRET, "GET", "a\udc80", FAR_FUTURE)
    assert signing.verify(SECRET, "GET", "a\udc80", FAR_FUTURE, sig, 0.0)
    assert not signing.verify(SECRET, "GET", "a\udc81", FAR_FUTURE, sig, 0.0)


@pytest.mark.parametrize(
    ("key", "sig"),
    [
        ("%C3%A9t%C3%A9", "é" * 64),  # the schemathesis case: key and sig both non-ASCII
        ("avatars/x", "é"),
        ("avatars/x", "ü" * 64),
        ("avatars/%E2%98%83", "0" * 64),  # non-ASCII key, ASCII but wrong sig
        ("%F0%9F%92%A9", "\x00"),
        ("%ED%A0%80", "%ED%A0%80"),  # an encoded lone surrogate (invalid UTF-8) in key and sig
    ],
    ids=["both-non-ascii", "short-sig", "long-sig", "key-only", "astral-key-nul-sig", "surrogate"],
)
@pytest.mark.parametrize("method", ["GET", "PUT"])
async def test_blob_non_ascii_key_or_sig_is_forbidden(
    client: httpx.AsyncClient, method: str, key: str, sig: str
) -> None:
    response = await client.request(
        method, f"/api/blobs/{key}", params={"expires": FAR_FUTURE, "sig": sig}, content=PNG
    )
    assert err(response, 403) == "BLOB_SIGNATURE_INVALID"
    assert set(response.json()) == {"statusCode", "code", "message", "timestamp"}


async def test_blob_empty_or_over_long_sig_is_a_validation_error(client: httpx.AsyncClient) -> None:
    for sig in ("", "a" * 129):
        response = await client.get("/api/blobs/avatars/x", params={"expires": FAR_FUTURE, "sig": sig})
        assert err(response, 400) == "VALIDATION_FAILED"
        assert "sig" in response.json()["details"]
    missing = await client.get("/api/blobs/avatars/x", params={"expires": FAR_FUTURE})
    assert err(missing, 400) == "VALIDATION_FAILED"


async def test_blob_over_long_or_empty_key_is_a_validation_error(
    client: httpx.AsyncClient, services: Services
) -> None:
    long_key = "avatars/" + "k" * KEY_MAX_CHARS
    response = await client.get(_signed_path(services, "GET", long_key))  # even when properly signed
    assert err(response, 400) == "VALIDATION_FAILED"
    assert "key" in response.json()["details"]
    huge = await client.get(f"/api/blobs/{'é' * 5_000}", params={"expires": FAR_FUTURE, "sig": "0" * 64})
    assert err(huge, 400) == "VALIDATION_FAILED"
    empty = await client.get("/api/blobs/", params={"expires": FAR_FUTURE, "sig": "0" * 64})
    assert err(empty, 400) == "VALIDATION_FAILED"


async def test_blob_non_ascii_key_round_trips_when_signed(
    client: httpx.AsyncClient, services: Services
) -> None:
    key = f"avatars/{unique()}/été-☃-💩"
    missing = await client.get(_signed_path(services, "GET", key))
    assert err(missing, 404) == "BLOB_NOT_FOUND"
    put = await client.put(_signed_path(services, "PUT", key), content=PNG)
    assert put.status_code == 204, put.text
    download = await client.get(_signed_path(services, "GET", key))
    assert download.status_code == 200
    assert download.content == PNG


async def test_blob_expired_url_is_forbidden(
    client: httpx.AsyncClient, services: Services, clock: AdjustableClock
) -> None:
    path = _signed_path(services, "GET", f"avatars/{unique()}", ttl_s=60)
    assert err(await client.get(path), 404) == "BLOB_NOT_FOUND"  # valid: the signature passes
    clock.advance(61)
    assert err(await client.get(path), 403) == "BLOB_SIGNATURE_INVALID"


async def test_blob_tampered_url_is_forbidden(client: httpx.AsyncClient, services: Services) -> None:
    key = f"avatars/{unique()}"
    path = _signed_path(services, "GET", key)
    query = _query(path)
    expires, sig = int(query["expires"]), query["sig"]
    flipped = sig[:-1] + ("0" if sig[-1] != "0" else "1")
    tampered = [
        (f"/api/blobs/{key}x", expires, sig),  # another key
        (f"/api/blobs/{key}", expires + 1, sig),  # a later expiry
        (f"/api/blobs/{key}", expires, flipped),  # one hex digit changed
        (f"/api/blobs/{key}", expires, sig.upper()),
        (f"/api/blobs/{key}", expires, sig + "0"),
    ]
    for target, when, signature in tampered:
        response = await client.get(target, params={"expires": when, "sig": signature})
        assert err(response, 403) == "BLOB_SIGNATURE_INVALID", (target, when, signature)
    as_put = await client.put(path, content=PNG)  # a GET grant does not allow an upload
    assert err(as_put, 403) == "BLOB_SIGNATURE_INVALID"
