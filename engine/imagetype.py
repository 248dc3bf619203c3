"""Image type decided from the bytes (magic numbers), never from a client's header."""

from __future__ import annotations

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def sniff_image(data: bytes) -> str | None:
    """Return the MIME type of a PNG, JPEG or WebP payload, or None for anything else."""
    if data.startswith(PNG_MAGIC):
        return "image/png"
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None
