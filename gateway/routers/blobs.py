"""Signed blob URLs: GET downloads, PUT uploads (avatars: png/jpeg/webp decided from the bytes).

Whatever a caller puts in the key or the query ends in 400 (malformed), 403 (signature) or 404, never 500.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from engine.errors import ErrorCode, Forbidden, NotFound, TooLarge, UnsupportedMedia
from engine.imagetype import sniff_image
from engine.rules import AVATAR_MAX_BYTES
from gateway.blobs import KEY_MAX_CHARS, SIGNATURE_MAX_CHARS, check
from gateway.deps import ServicesDep
from gateway.schemas.common import ERROR_RESPONSES

router = APIRouter(prefix="/blobs", tags=["blobs"], responses=ERROR_RESPONSES)
BlobKey = Annotated[str, Path(min_length=1, max_length=KEY_MAX_CHARS)]
Expires = Annotated[int, Query(ge=0)]
Signature = Annotated[str, Query(min_length=1, max_length=SIGNATURE_MAX_CHARS)]


def _authorise(services: ServicesDep, method: str, key: str, expires: int, sig: str) -> None:
    if not check(services, method, key, expires, sig, services.now()):
        raise Forbidden(ErrorCode.BLOB_SIGNATURE_INVALID, "URL signature is invalid or expired")


@router.get("/{key:path}", summary="Download a blob through a signed URL")
async def download(key: BlobKey, services: ServicesDep, expires: Expires, sig: Signature) -> Response:
    _authorise(services, "GET", key, expires, sig)
    blob = await services.blobs.get(key)
    if blob is None:
        raise NotFound(ErrorCode.BLOB_NOT_FOUND, "Blob not found")
    return Response(
        blob.data, media_type=blob.content_type, headers={"Cache-Control": "private, max-age=3600"}
    )


@router.put("/{key:path}", status_code=204, summary="Upload a blob through a signed URL")
async def upload(
    key: BlobKey, request: Request, services: ServicesDep, expires: Expires, sig: Signature
) -> Response:
    _authorise(services, "PUT", key, expires, sig)
    data = await request.body()
    if len(data) > AVATAR_MAX_BYTES:
        raise TooLarge(
            ErrorCode.PAYLOAD_TOO_LARGE, "Avatar is larger than 2 MB", {"maxBytes": AVATAR_MAX_BYTES}
        )
    content_type = sniff_image(data)
    if content_type is None:
        raise UnsupportedMedia(ErrorCode.USER_AVATAR_INVALID, "Avatar must be a PNG, JPEG or WebP image")
    await services.blobs.put(key, data, content_type)
    return Response(status_code=204)
