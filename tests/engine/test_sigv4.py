"""SigV4 query-string presigning against the AWS S3 API reference's presigned GET example (bucket
`examplebucket`, key `test.txt`, 2013-05-24T00:00:00Z, 86 400 s) and the rules around it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlsplit

import pytest

from engine.media.sigv4 import (
    MAX_EXPIRES_S,
    Credentials,
    canonical_query,
    canonical_request,
    object_location,
    presign_get,
)

AWS_EXAMPLE = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
AWS_DAY = datetime(2013, 5, 24, tzinfo=UTC)
AWS_URL = (
    "https://examplebucket.s3.amazonaws.com/test.txt"
    "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
    "&X-Amz-Date=20130524T000000Z"
    "&X-Amz-Expires=86400"
    "&X-Amz-SignedHeaders=host"
    "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
)


def _signature(url: str) -> str:
    return dict(parse_qsl(urlsplit(url).query))["X-Amz-Signature"]


def test_presign_get_matches_the_aws_documented_example() -> None:
    location = object_location("examplebucket", "test.txt", "us-east-1")
    assert presign_get(location, AWS_EXAMPLE, AWS_DAY, 86400) == AWS_URL


def test_canonical_request_hash_matches_the_aws_documented_example() -> None:
    location = object_location("examplebucket", "test.txt")
    params = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request",
        "X-Amz-Date": "20130524T000000Z",
        "X-Amz-Expires": "86400",
        "X-Amz-SignedHeaders": "host",
    }
    digest = hashlib.sha256(canonical_request(location, canonical_query(params)).encode()).hexdigest()
    assert digest == "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04"


def test_presign_get_reads_time_in_utc() -> None:
    location = object_location("examplebucket", "test.txt")
    local = AWS_DAY.astimezone(timezone(timedelta(hours=-7)))
    assert presign_get(location, AWS_EXAMPLE, local, 86400) == AWS_URL


def test_presign_get_signature_depends_on_every_input() -> None:
    base = object_location("examplebucket", "test.txt")
    other_key = object_location("examplebucket", "test2.txt")
    other_secret = Credentials(AWS_EXAMPLE.access_key, "another-secret")
    signatures = {
        _signature(presign_get(base, AWS_EXAMPLE, AWS_DAY, 86400)),
        _signature(presign_get(other_key, AWS_EXAMPLE, AWS_DAY, 86400)),
        _signature(presign_get(base, other_secret, AWS_DAY, 86400)),
        _signature(presign_get(base, AWS_EXAMPLE, AWS_DAY + timedelta(seconds=1), 86400)),
        _signature(presign_get(base, AWS_EXAMPLE, AWS_DAY, 3600)),
    }
    assert len(signatures) == 5


def test_object_location_virtual_host_regional_and_path_style() -> None:
    eu = object_location("rec", "/recordings/r1/a.mp4", "eu-west-1")
    assert (eu.scheme, eu.host, eu.path, eu.region) == (
        "https",
        "rec.s3.eu-west-1.amazonaws.com",
        "/recordings/r1/a.mp4",
        "eu-west-1",
    )
    minio = object_location("rec", "r1/a.mp4", "", "http://127.0.0.1:9000")
    assert (minio.scheme, minio.host, minio.path, minio.region) == (
        "http",
        "127.0.0.1:9000",
        "/rec/r1/a.mp4",
        "us-east-1",
    )
    bare = object_location("rec", "a.mp4", "auto", "storage.example.test")
    assert (bare.scheme, bare.host, bare.path) == ("https", "storage.example.test", "/rec/a.mp4")


def test_presign_get_encodes_the_key_per_segment() -> None:
    location = object_location("rec", "dir one/ünï+code.mp4", "us-east-1", "https://s3.example.test")
    url = presign_get(location, AWS_EXAMPLE, AWS_DAY, 60)
    assert urlsplit(url).path == "/rec/dir%20one/%C3%BCn%C3%AF%2Bcode.mp4"
    assert "/rec/dir%20one/%C3%BCn%C3%AF%2Bcode.mp4" in canonical_request(location, "")


@pytest.mark.parametrize("expires", [0, -1, MAX_EXPIRES_S + 1])
def test_presign_get_refuses_expiry_s3_would_refuse(expires: int) -> None:
    with pytest.raises(ValueError, match="expires_s"):
        presign_get(object_location("b", "k"), AWS_EXAMPLE, AWS_DAY, expires)


def test_presign_get_accepts_the_longest_expiry() -> None:
    url = presign_get(object_location("b", "k"), AWS_EXAMPLE, AWS_DAY, MAX_EXPIRES_S)
    assert dict(parse_qsl(urlsplit(url).query))["X-Amz-Expires"] == "604800"
