"""Media shapes: the LiveKit token (§4.4.3 `{token, url, expiresAt}`), recording consent / start / stop,
the webhook acknowledgement and a session's recording download."""

from __future__ import annotations

from pydantic import Field

from gateway.schemas.common import ApiModel, StrictBody, UtcDatetime, optional_key


class MediaTokenResponse(ApiModel):
    token: str = Field(description="LiveKit access token (JWT) for room name = roomId, identity = userId")
    url: str = Field(description="The LiveKit URL the client connects to")
    expiresAt: UtcDatetime


class ConsentRequest(StrictBody):
    consent: bool


class ConsentResponse(ApiModel):
    roomId: str
    userId: str
    consent: bool
    updatedAt: UtcDatetime
    recordingStopped: bool = Field(description="A withdrawn consent stopped the room's active recording")


class RecordingView(ApiModel):
    recordingId: str
    roomId: str
    sessionId: str
    egressId: str | None
    status: str = Field(description="starting | active | ending | complete | failed | aborted")
    startedAt: UtcDatetime
    startedBy: str


class WebhookAck(ApiModel):
    received: bool


class SessionRecording(ApiModel):
    sessionId: str
    recordingId: str
    status: str
    url: str = Field(description="Signed download URL, valid until expiresAt")
    expiresAt: UtcDatetime
    durationSeconds: float | None = optional_key()
    sizeBytes: int | None = optional_key()
