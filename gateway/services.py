"""The service container built once per app: configuration, clock, repositories, runners, pools."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from actors.mail import Mailer, make_mailer
from actors.placement import HostDirectory
from gateway.security import Passwords, Tokens
from gateway.settings import Config
from storage.audit import AuditRepository
from storage.blobs import BlobStore
from storage.bookmarks import BookmarkRepository
from storage.client import Mongo
from storage.history import HistoryReader
from storage.problems import ProblemRepository
from storage.resets import PasswordResetRepository
from storage.tokens import RefreshTokenRepository
from storage.usage import UsageRepository
from storage.users import UserRepository

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    config: Config
    mongo: Mongo
    clock: Clock
    tokens: Tokens
    passwords: Passwords
    mailer: Mailer
    users: UserRepository
    refresh_tokens: RefreshTokenRepository
    resets: PasswordResetRepository
    audit: AuditRepository
    usage: UsageRepository
    blobs: BlobStore
    history: HistoryReader
    problems: ProblemRepository
    bookmarks: BookmarkRepository
    room_hosts: HostDirectory | None = None
    """Set when Ray is connected: where rooms are placed (operators' status, health)."""
    extras: dict[str, Any] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock()


def build_services(config: Config, mongo: Mongo, clock: Clock = utc_now) -> Services:
    s = config.settings
    secrets = config.secrets
    tokens = Tokens(
        {"access": secrets.access, "refresh": secrets.refresh, "collab": secrets.collab},
        {"access": s.access_token_ttl_s, "refresh": s.refresh_token_ttl_s, "collab": s.collab_token_ttl_s},
    )
    return Services(
        config=config,
        mongo=mongo,
        clock=clock,
        tokens=tokens,
        passwords=Passwords(s.argon2_time_cost, s.argon2_memory_kib),
        mailer=make_mailer(s.smtp_url, config.mail_outbox),
        users=UserRepository(mongo),
        refresh_tokens=RefreshTokenRepository(mongo),
        resets=PasswordResetRepository(mongo),
        audit=AuditRepository(mongo),
        usage=UsageRepository(mongo),
        blobs=BlobStore(mongo),
        history=HistoryReader(mongo),
        problems=ProblemRepository(mongo),
        bookmarks=BookmarkRepository(mongo),
    )
