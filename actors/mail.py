"""Outgoing mail: SMTP when a URL is configured, otherwise `.eml` files in an outbox folder.

SMTP URL form: `smtp://[user:password@]host[:port][?starttls=true]` or `smtps://...` (implicit TLS).
"""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    sender: str


class Mailer(Protocol):
    async def send(self, mail: Mail, message_id: str) -> None: ...


def _message(mail: Mail, message_id: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = mail.sender
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg["Message-ID"] = f"<{message_id}@syncode>"
    msg.set_content(mail.body)
    return msg


class FileOutbox:
    """Writes each mail as `<outbox>/<message_id>.eml` (development default)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    async def send(self, mail: Mail, message_id: str) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        data = bytes(_message(mail, message_id))
        target = self._folder / f"{message_id}.eml"
        await asyncio.to_thread(target.write_bytes, data)


class SmtpMailer:
    def __init__(self, url: str, timeout_s: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise ValueError("SMTP URL must look like smtp://host:port")
        self._ssl = parts.scheme == "smtps"
        self._host = parts.hostname
        self._port = parts.port or (465 if self._ssl else 25)
        self._user = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._starttls = parse_qs(parts.query).get("starttls", ["false"])[0].lower() == "true"
        self._timeout = timeout_s

    async def send(self, mail: Mail, message_id: str) -> None:
        await asyncio.to_thread(self._send_blocking, _message(mail, message_id))

    def _send_blocking(self, msg: EmailMessage) -> None:
        cls = smtplib.SMTP_SSL if self._ssl else smtplib.SMTP
        with cls(self._host, self._port, timeout=self._timeout) as smtp:
            if self._starttls:
                smtp.starttls()
            if self._user is not None and self._password is not None:
                smtp.login(self._user, self._password)
            smtp.send_message(msg)


def make_mailer(smtp_url: str | None, outbox: Path) -> Mailer:
    return SmtpMailer(smtp_url) if smtp_url else FileOutbox(outbox)
