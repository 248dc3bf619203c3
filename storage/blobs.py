"""GridFS blob store addressed by string keys (e.g. `avatars/<userId>/<uuid>`); one file per key."""

from __future__ import annotations

from dataclasses import dataclass

from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile

from storage.client import Mongo


@dataclass(frozen=True)
class Blob:
    key: str
    content_type: str
    data: bytes


class BlobStore:
    def __init__(self, mongo: Mongo) -> None:
        self._bucket = AsyncGridFSBucket(mongo.db)
        self._files = mongo.db["fs.files"]

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key`, replacing what was there."""
        await self.delete(key)
        await self._bucket.upload_from_stream(key, data, metadata={"contentType": content_type})

    async def get(self, key: str) -> Blob | None:
        try:
            stream = await self._bucket.open_download_stream_by_name(key)
        except NoFile:
            return None
        data = await stream.read()
        metadata = stream.metadata or {}
        return Blob(
            key=key, content_type=str(metadata.get("contentType", "application/octet-stream")), data=data
        )

    async def exists(self, key: str) -> bool:
        return await self._files.find_one({"filename": key}, {"_id": 1}) is not None

    async def delete(self, key: str) -> None:
        async for doc in self._files.find({"filename": key}, {"_id": 1}):
            await self._bucket.delete(doc["_id"])
