"""Frozen tunables of the product, with units in their names."""

from __future__ import annotations

from typing import Final

USERNAME_PATTERN: Final = r"^\w+$"
USERNAME_MIN_LEN: Final = 3
USERNAME_MAX_LEN: Final = 30
PASSWORD_MIN_LEN: Final = 8
PASSWORD_MAX_LEN: Final = 256
DISPLAY_NAME_MAX_LEN: Final = 100
BIO_MAX_LEN: Final = 500
EMAIL_MAX_LEN: Final = 255

PAGE_LIMIT_DEFAULT: Final = 20
PAGE_LIMIT_MAX: Final = 100

AVATAR_MAX_BYTES: Final = 2 * 1024 * 1024
AVATAR_UPLOAD_URL_TTL_S: Final = 600
AVATAR_DOWNLOAD_URL_TTL_S: Final = 24 * 3600

PASSWORD_RESET_TTL_S: Final = 3600
AUTH_RATE_LIMIT_PER_MIN: Final = 20

STATS_MAX_BUCKETS: Final = 400
