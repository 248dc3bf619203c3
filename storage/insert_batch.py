"""Inserts of many rooms into one collection, sent together: one `insert_many` per window.

A room host's rooms each persist their Yjs updates and edit-log entries every few tens of milliseconds;
sent room by room, 100 typing rooms were ~2,000 single-document inserts a second, which saturated the
database (SecantusDB took ~77 % of a core and the whole machine ran out of CPU). Through one batcher per
collection and client, the rooms of a process share one insert per window (`WINDOW_S`): a caller still
awaits its own documents being stored and sees only its own write errors, as if it had inserted alone.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

Document = dict[str, Any]

WINDOW_S = 0.05
"""Inserts into one collection start at least this far apart (the first after a pause goes at once)."""


@dataclass
class _Waiting:
    first: int
    count: int
    done: asyncio.Future[None]


@dataclass
class InsertBatcher:
    collection: AsyncCollection[Document]
    window_s: float = WINDOW_S
    _docs: list[Document] = field(default_factory=list)
    _waiting: list[_Waiting] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    async def insert(self, docs: list[Document]) -> None:
        """Store `docs` (unordered, like `insert_many(ordered=False)`): returns once they are written;
        BulkWriteError with only this call's errors (indexes into `docs`) when some were refused."""
        if not docs:
            return
        loop = asyncio.get_running_loop()
        waiting = _Waiting(len(self._docs), len(docs), loop.create_future())
        self._docs.extend(docs)
        self._waiting.append(waiting)
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._run())
        await asyncio.shield(waiting.done)  # a cancelled caller's documents are still written

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self._docs:
            started = loop.time()
            docs, waiting = self._docs, self._waiting
            self._docs, self._waiting = [], []
            await self._send(docs, waiting)
            rest = self.window_s - (loop.time() - started)
            if rest > 0 and self._docs:
                await asyncio.sleep(rest)  # the window: what arrives meanwhile goes in one call

    async def _send(self, docs: list[Document], waiting: list[_Waiting]) -> None:
        try:
            await self.collection.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            errors: list[dict[str, Any]] = exc.details.get("writeErrors", [])
            for w in waiting:
                mine = [
                    {**e, "index": int(e["index"]) - w.first}
                    for e in errors
                    if w.first <= int(e["index"]) < w.first + w.count
                ]
                refused = BulkWriteError({"writeErrors": mine, "nInserted": w.count - len(mine)})
                _settle(w.done, refused if mine else None)
            return
        except Exception as exc:  # noqa: BLE001 - every caller of the batch gets the failure
            for w in waiting:
                _settle(w.done, exc)
            return
        for w in waiting:
            _settle(w.done, None)


def _settle(done: asyncio.Future[None], error: BaseException | None) -> None:
    if done.done():
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)
