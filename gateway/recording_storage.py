"""Where a recording's egress writes its MP4 and how a download link to it is made.

Local files (the default): the egress writes under `SYNCODE_LIVEKIT_RECORDING_DIR` and the link is our
own signed, expiring `/api/media/recordings/{id}/file` URL (the gateway serves the file when it shares
the volume). S3-compatible storage (`SYNCODE_LIVEKIT_S3_BUCKET` set): the egress uploads with an
`S3Upload` output and the link is an S3 SigV4 presigned GET (engine/media/sigv4.py) of the object.

Invariant: a link never outlives `SYNCODE_RECORDING_URL_TTL_S` (nor S3's 7-day presign limit) and the
`expiresAt` answered is exactly when the link stops working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from actors.media import FileTarget
from engine import signing
from engine.media.sigv4 import MAX_EXPIRES_S, Credentials, object_location, presign_get
from gateway.settings import Config
from storage.recordings import Recording

FILE_ROUTE: Final = "/api/media/recordings/{recording_id}/file"


@dataclass(frozen=True)
class DownloadLink:
    url: str
    expires_at: datetime


def uses_s3(config: Config) -> bool:
    return bool(config.settings.livekit_s3_bucket)


def target(config: Config, room_id: str, recording_id: str) -> FileTarget:
    """The egress output: a local path, or (S3 configured) the object key under the same prefix."""
    s = config.settings
    path = f"{s.livekit_recording_dir.rstrip('/')}/{room_id}/{recording_id}.mp4"
    if not uses_s3(config):
        return FileTarget(filepath=path)
    return FileTarget(
        filepath=path.lstrip("/"),
        s3_bucket=s.livekit_s3_bucket,
        s3_region=s.livekit_s3_region,
        s3_endpoint=s.livekit_s3_endpoint,
        s3_access_key=s.livekit_s3_access_key,
        s3_secret=_s3_secret(config),
    )


def _s3_secret(config: Config) -> str:
    secret = config.settings.livekit_s3_secret
    return secret.get_secret_value() if secret else ""


def is_local(rec: Recording) -> bool:
    """The egress wrote a file on a filesystem path (not an upload reported as a URL)."""
    return bool(rec.location) and str(rec.location).startswith("/")


def file_key(recording_id: str) -> str:
    return f"recordings/{recording_id}"


def _ttl_s(config: Config) -> int:
    return max(1, min(config.settings.recording_url_ttl_s, MAX_EXPIRES_S))


def presigned(config: Config, rec: Recording, now: datetime) -> DownloadLink:
    """An S3 presigned GET of the recording's object (the egress' file name, else the key we asked)."""
    s, ttl = config.settings, _ttl_s(config)
    key = rec.filename if rec.filename and not rec.filename.startswith("/") else None
    key = key or target(config, rec.room_id, rec.id).filepath
    where = object_location(s.livekit_s3_bucket or "", key, s.livekit_s3_region, s.livekit_s3_endpoint)
    creds = Credentials(s.livekit_s3_access_key, _s3_secret(config))
    return DownloadLink(presign_get(where, creds, now, ttl), now + timedelta(seconds=ttl))


def signed_file_link(config: Config, rec: Recording, now: datetime) -> DownloadLink:
    """Our own signed link to the file route (whole seconds: the signature covers the epoch second)."""
    expires = int((now + timedelta(seconds=_ttl_s(config))).timestamp())
    sig = signing.sign(config.secrets.blob.encode(), "GET", file_key(rec.id), expires)
    path = FILE_ROUTE.format(recording_id=rec.id)
    url = f"{config.public_url}{path}?expires={expires}&sig={sig}"
    return DownloadLink(url, datetime.fromtimestamp(expires, now.tzinfo))


def download_link(config: Config, rec: Recording, now: datetime) -> DownloadLink:
    if uses_s3(config) and not is_local(rec):
        return presigned(config, rec, now)
    return signed_file_link(config, rec, now)


def verify_file_link(config: Config, recording_id: str, expires: int, sig: str, now: datetime) -> bool:
    key = file_key(recording_id)
    return signing.verify(config.secrets.blob.encode(), "GET", key, expires, sig, now.timestamp())


def local_file(config: Config, rec: Recording | None) -> Path | None:
    """The recording's file when it lies under the recording directory this gateway shares."""
    if rec is None or not rec.location:
        return None
    root, path = Path(config.settings.livekit_recording_dir).resolve(), Path(rec.location).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None
