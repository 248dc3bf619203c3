"""Configuration, read once at the edge (pydantic-settings, prefix SYNCODE_) into a frozen Config.

Secrets: in development (the embedded default) any secret not given is generated once and kept in
`<data_dir>/secrets.json`; in production a missing secret refuses start-up.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_NAMES = (
    "access_token_secret",
    "refresh_token_secret",
    "collab_token_secret",
    "blob_signing_secret",
    "internal_token",
)


ProxyNetwork = IPv4Network | IPv6Network


class Mode(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SYNCODE_", extra="ignore", frozen=True)

    mode: Mode = Mode.DEVELOPMENT
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""
    data_dir: Path = Path(".data")
    mongodb_uri: str | None = None
    embedded_db_port: int = 27017
    embedded_ray_port: int = 6379
    mongodb_database: str = "syncode"
    mongodb_pool_size: int = 50
    ray_address: str | None = Field(
        default=None, validation_alias=AliasChoices("SYNCODE_RAY_ADDRESS", "RAY_ADDRESS")
    )
    access_token_secret: SecretStr | None = None
    refresh_token_secret: SecretStr | None = None
    collab_token_secret: SecretStr | None = None
    blob_signing_secret: SecretStr | None = None
    internal_token: SecretStr | None = None
    access_token_ttl_s: int = 15 * 60
    refresh_token_ttl_s: int = 7 * 24 * 3600
    collab_token_ttl_s: int = 24 * 3600
    cors_origins: str = "http://localhost:5173,http://127.0.0.1:5173"
    trusted_proxies: str = ""
    auth_rate_limit_per_min: int = 20
    max_body_bytes: int = 1024 * 1024
    rooms_per_host: int = 50
    """Rooms one room host process holds (1 = one process per room, the old layout); see DECISIONS."""
    room_spare_slots: int = 4
    """Free room slots kept ready on started hosts (a new host starts before the last one fills)."""
    room_evict_after_s: int = 300
    """A live room with no socket and no call this long leaves memory until its next call."""
    seed_on_start: bool = True
    room_idle_finish_s: int = 600
    matchmaking_ai_offer_s: int = 120
    """Searching this long without a human partner, the status offers an AI interviewer room."""
    fault_injection: bool = False
    """Tests only: room actors accept `arm_crash` (a crash right after a method applied)."""
    health_toolchain_path: str | None = None
    """Where /api/health looks for the sandbox's toolchains; unset is the sandbox's own PATH."""
    orphan_sweep_interval_s: float = 60.0
    """Seconds between orphan sweeps (gateway start, then periodically); 0 turns the sweep off."""
    smtp_url: str | None = None
    mail_from: str = "SynCode <no-reply@syncode.local>"
    ai_daily_limit: int = 100
    execution_daily_limit: int = 100
    execution_rate_per_min: int = 10
    rooms_max_active: int = 100
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    anthropic_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SYNCODE_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY")
    )
    ai_model: str = "claude-sonnet-4-5"
    anthropic_base_url: str | None = None
    """Tests point the SDK at a local stub of the Messages API; unset uses Anthropic's."""
    ai_timeout_s: float = 30.0
    ai_max_retries: int = 2
    ai_max_tokens: int = 700
    ai_silence_s: int = 180
    livekit_url: str | None = None
    livekit_api_key: str | None = None
    livekit_api_secret: SecretStr | None = None
    livekit_client_url: str | None = None
    """The URL browsers connect to (`wss://...`) when it differs from the server-side API URL."""
    livekit_timeout_s: float = 5.0
    livekit_empty_timeout_s: int = 300
    """A media room with nobody in it closes on LiveKit's side after this many seconds."""
    livekit_recording_dir: str = "/recordings"
    """Where the egress writes MP4 files (on the egress host; downloads read it when the gateway shares
    the volume); with an S3 bucket set, the object key prefix instead."""
    livekit_s3_bucket: str | None = None
    livekit_s3_region: str = ""
    livekit_s3_endpoint: str = ""
    livekit_s3_access_key: str = ""
    livekit_s3_secret: SecretStr | None = None
    recording_url_ttl_s: int = 3600


@dataclass(frozen=True)
class Secrets:
    access: str
    refresh: str
    collab: str
    blob: str
    internal: str


@dataclass(frozen=True)
class Config:
    """Everything the running service needs, resolved and immutable."""

    settings: Settings
    secrets: Secrets
    mongodb_uri: str
    data_dir: Path
    public_url: str
    cors_origins: tuple[str, ...]
    trusted_proxies: tuple[ProxyNetwork, ...]

    @property
    def mail_outbox(self) -> Path:
        return self.data_dir / "mail"

    @property
    def ai_mode(self) -> str:
        return "anthropic" if self.settings.anthropic_api_key else "offline"

    @property
    def livekit_configured(self) -> bool:
        s = self.settings
        return bool(s.livekit_url and s.livekit_api_key and s.livekit_api_secret)


class ConfigError(RuntimeError):
    """The configuration cannot run (e.g. production without secrets)."""


def _resolve_secrets(settings: Settings, data_dir: Path) -> Secrets:
    given = {n: getattr(settings, n) for n in SECRET_NAMES}
    values = {n: v.get_secret_value() for n, v in given.items() if v is not None}
    missing = [n for n in SECRET_NAMES if n not in values]
    if missing and settings.mode is Mode.PRODUCTION:
        names = ", ".join(f"SYNCODE_{n.upper()}" for n in missing)
        raise ConfigError(f"production mode needs {names}")
    if missing:
        store = data_dir / "secrets.json"
        kept: dict[str, str] = json.loads(store.read_text()) if store.exists() else {}
        for name in missing:
            kept.setdefault(name, secrets.token_urlsafe(48))
            values[name] = kept[name]
        data_dir.mkdir(parents=True, exist_ok=True)
        store.write_text(json.dumps(kept, indent=2))
        store.chmod(0o600)
    short = [n for n, v in values.items() if len(v) < 32]
    if short:
        raise ConfigError(f"secrets must be at least 32 characters: {', '.join(short)}")
    return Secrets(
        access=values["access_token_secret"],
        refresh=values["refresh_token_secret"],
        collab=values["collab_token_secret"],
        blob=values["blob_signing_secret"],
        internal=values["internal_token"],
    )


def _split(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def _networks(value: str) -> tuple[ProxyNetwork, ...]:
    """SYNCODE_TRUSTED_PROXIES: comma list of addresses or CIDR networks (`10.0.0.0/8`, `::1`)."""
    try:
        return tuple(ip_network(item, strict=False) for item in _split(value))
    except ValueError as exc:
        raise ConfigError(f"SYNCODE_TRUSTED_PROXIES: {exc}") from exc


def load_config(settings: Settings | None = None) -> Config:
    settings = settings or Settings()
    data_dir = settings.data_dir.resolve()
    if settings.mode is Mode.PRODUCTION and not settings.mongodb_uri:
        raise ConfigError("production mode needs SYNCODE_MONGODB_URI")
    if settings.mode is Mode.PRODUCTION and settings.fault_injection:
        raise ConfigError("SYNCODE_FAULT_INJECTION is for tests; production refuses it")
    return Config(
        settings=settings,
        secrets=_resolve_secrets(settings, data_dir),
        mongodb_uri=settings.mongodb_uri or f"mongodb://127.0.0.1:{settings.embedded_db_port}",
        data_dir=data_dir,
        public_url=(settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/"),
        cors_origins=_split(settings.cors_origins),
        trusted_proxies=_networks(settings.trusted_proxies),
    )
