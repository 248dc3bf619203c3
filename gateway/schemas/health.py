"""Health check shape."""

from __future__ import annotations

from typing import Any

from gateway.schemas.common import ApiModel, UtcDatetime


class HealthResponse(ApiModel):
    status: str
    services: dict[str, str]
    details: dict[str, dict[str, Any]]
    timestamp: UtcDatetime
