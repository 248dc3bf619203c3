"""Pure engine pieces of the foundation: cursors, clock formatting, rate windows, images, signing, errors."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import signing
from engine.clock import iso_z, next_midnight
from engine.errors import DomainError, ErrorCode, InvalidInput, NotFound, RateLimited
from engine.identity import User, UserRole, ensure_active, identifier_kind, normalise_email
from engine.imagetype import sniff_image
from engine.pagination import decode_cursor, encode_cursor
from engine.ratelimit import allowed, window_for
from engine.stats import Bucket, SessionFact, series, streak_days

NOW = datetime(2026, 11, 28, 21, 27, 9, 123456, tzinfo=UTC)


@given(st.one_of(st.none(), st.integers(), st.text(max_size=20)), st.uuids())
def test_cursor_round_trip(value: str | int | None, row_id: object) -> None:
    cursor = decode_cursor(encode_cursor(value, str(row_id)))
    assert cursor.value == value
    assert cursor.id == str(row_id)


@pytest.mark.parametrize("token", ["", "!!!", "bm90IGpzb24", encode_cursor(1, "a") + "x", "WzEsMl0"])
def test_cursor_invalid_rejected(token: str) -> None:
    with pytest.raises(InvalidInput) as info:
        decode_cursor(token)
    assert info.value.code is ErrorCode.VALIDATION_FAILED


def test_iso_z_millis_and_literal_z() -> None:
    assert iso_z(NOW) == "2026-11-28T21:27:09.123Z"
    assert iso_z(NOW.astimezone(UTC)) == iso_z(NOW)


def test_next_midnight_is_next_utc_day() -> None:
    assert next_midnight(NOW) == datetime(2026, 11, 29, tzinfo=UTC)


def test_window_retry_after_counts_down() -> None:
    window = window_for(NOW, 60)
    assert window.start_epoch_s % 60 == 0
    assert 1 <= window.retry_after_s(NOW) <= 60
    assert window.retry_after_s(NOW + timedelta(seconds=120)) == 1
    assert allowed(20, 20)
    assert not allowed(21, 20)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"rest", "image/png"),
        (b"\xff\xd8\xff\xe0" + b"rest", "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"GIF89a", None),
        (b"<svg></svg>", None),
        (b"", None),
    ],
)
def test_sniff_image_from_bytes(data: bytes, expected: str | None) -> None:
    assert sniff_image(data) == expected


def test_signature_binds_method_key_and_expiry() -> None:
    secret = b"s" * 32
    sig = signing.sign(secret, "PUT", "avatars/a/b", 1000)
    assert signing.verify(secret, "PUT", "avatars/a/b", 1000, sig, 999)
    assert not signing.verify(secret, "GET", "avatars/a/b", 1000, sig, 999)
    assert not signing.verify(secret, "PUT", "avatars/a/c", 1000, sig, 999)
    assert not signing.verify(secret, "PUT", "avatars/a/b", 1001, sig, 999)
    assert not signing.verify(secret, "PUT", "avatars/a/b", 1000, sig, 1001)
    assert not signing.verify(b"t" * 32, "PUT", "avatars/a/b", 1000, sig, 999)


def test_domain_errors_survive_pickling() -> None:
    for error in (
        NotFound(ErrorCode.USER_NOT_FOUND, "gone", {"id": "x"}),
        RateLimited(ErrorCode.RATE_LIMIT_EXCEEDED, "slow down", 12),
    ):
        copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - round trip of our own object
        assert type(copy) is type(error)
        assert isinstance(copy, DomainError)
        assert (copy.code, copy.message, copy.details) == (error.code, error.message, error.details)
    limited = pickle.loads(pickle.dumps(RateLimited(ErrorCode.RATE_LIMIT_EXCEEDED, "x", 7)))  # noqa: S301
    assert limited.retry_after == 7


def _user(**changes: object) -> User:
    base = User(
        id="u",
        email="a@b.c",
        username="abc",
        password_hash="h",
        role=UserRole.USER,
        display_name=None,
        bio=None,
        avatar_key=None,
        banned_at=None,
        banned_reason=None,
        created_at=NOW,
        updated_at=NOW,
    )
    return User(**{**base.__dict__, **changes})


def test_ensure_active_rejects_missing_deleted_banned() -> None:
    assert ensure_active(_user()).id == "u"
    for bad, code in (
        (None, ErrorCode.UNAUTHORIZED),
        (_user(deleted_at=NOW), ErrorCode.UNAUTHORIZED),
        (_user(banned_at=NOW), ErrorCode.USER_BANNED),
    ):
        with pytest.raises(DomainError) as info:
            ensure_active(bad)
        assert info.value.code is code


def test_identifier_kind_and_email_normalisation() -> None:
    assert identifier_kind("a@b.c") == "email"
    assert identifier_kind("alice_1") == "username"
    assert normalise_email("  Alice@Example.COM ") == "alice@example.com"


def _fact(days_ago: int, *, solved: bool = False, score: float | None = None) -> SessionFact:
    return SessionFact(
        finished_at=NOW - timedelta(days=days_ago),
        duration_s=1800,
        problem_id="p",
        solved=solved,
        score=score,
    )


def test_series_zero_fills_days() -> None:
    buckets = series(
        [_fact(0, solved=True, score=80), _fact(0, score=60), _fact(2)],
        NOW - timedelta(days=3),
        NOW,
        Bucket.DAY,
    )
    assert [b.sessions for b in buckets] == [0, 1, 0, 2]
    assert buckets[-1].practice_minutes == 60
    assert buckets[-1].problems_solved == 1
    assert buckets[-1].average_score == 70.0
    assert buckets[0].average_score is None


def test_series_weeks_start_monday_and_ignore_outside() -> None:
    buckets = series([_fact(0), _fact(40)], NOW - timedelta(days=14), NOW, Bucket.WEEK)
    assert all(b.start.weekday() == 0 for b in buckets)
    assert sum(b.sessions for b in buckets) == 1


def test_series_rejects_reversed_and_huge_ranges() -> None:
    with pytest.raises(InvalidInput):
        series([], NOW, NOW - timedelta(days=1), Bucket.DAY)
    with pytest.raises(InvalidInput):
        series([], NOW - timedelta(days=5000), NOW, Bucket.DAY)


def test_streak_counts_consecutive_days() -> None:
    today = date(2026, 11, 28)
    assert streak_days(set(), today) == 0
    assert streak_days({today, today - timedelta(days=1), today - timedelta(days=3)}, today) == 2
    assert streak_days({today - timedelta(days=1), today - timedelta(days=2)}, today) == 2
    assert streak_days({today - timedelta(days=2)}, today) == 0
