"""The whiteboard's tldraw records and the tldraw-shaped export (a store snapshot a tldraw client loads).

The web client keeps tldraw's store records in the document's `whiteboard` Y.Map, one entry per record
id (`shape:…`, `page:…`, `asset:…`, …). The export is `{store: {id: record}, schema}`: the records as
they are, plus `document:document` and `page:page` when the map has no document or page record (a
tldraw store cannot load shapes without them). Shapes without a parent are put on the first page.
"""

from __future__ import annotations

from typing import Any, Final

from pycrdt import Doc, Map

WHITEBOARD_KEY: Final = "whiteboard"
SCHEMA: Final[dict[str, Any]] = {
    "schemaVersion": 2,
    "sequences": {
        "com.tldraw.store": 4,
        "com.tldraw.asset": 1,
        "com.tldraw.camera": 1,
        "com.tldraw.document": 2,
        "com.tldraw.instance": 25,
        "com.tldraw.instance_page_state": 5,
        "com.tldraw.page": 1,
        "com.tldraw.instance_presence": 5,
        "com.tldraw.pointer": 1,
        "com.tldraw.shape": 4,
        "com.tldraw.asset.bookmark": 2,
        "com.tldraw.asset.image": 5,
        "com.tldraw.asset.video": 5,
        "com.tldraw.shape.arrow": 5,
        "com.tldraw.shape.bookmark": 2,
        "com.tldraw.shape.draw": 2,
        "com.tldraw.shape.embed": 4,
        "com.tldraw.shape.frame": 0,
        "com.tldraw.shape.geo": 9,
        "com.tldraw.shape.group": 0,
        "com.tldraw.shape.highlight": 1,
        "com.tldraw.shape.image": 4,
        "com.tldraw.shape.line": 5,
        "com.tldraw.shape.note": 8,
        "com.tldraw.shape.text": 2,
        "com.tldraw.shape.video": 2,
        "com.tldraw.binding.arrow": 0,
    },
}
"""The record versions the export declares (tldraw 3.x, the web client's generation)."""
DEFAULT_DOCUMENT: Final[dict[str, Any]] = {
    "id": "document:document",
    "typeName": "document",
    "gridSize": 10,
    "name": "",
    "meta": {},
}
DEFAULT_PAGE: Final[dict[str, Any]] = {
    "id": "page:page",
    "typeName": "page",
    "name": "Page 1",
    "index": "a1",
    "meta": {},
}


def whiteboard_records(doc: Doc[Any]) -> dict[str, dict[str, Any]]:
    """The map's records by id (values that are not records are left out)."""
    board = doc.get(WHITEBOARD_KEY, type=Map).to_py() or {}
    return {
        str(key): value
        for key, value in sorted(board.items())
        if isinstance(value, dict) and isinstance(value.get("id", key), str)
    }


def shapes(records: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The shape records, in drawing order (tldraw's fractional `index`, then id)."""
    found = [r for key, r in records.items() if key.startswith("shape:") or r.get("typeName") == "shape"]
    return sorted(found, key=lambda r: (str(r.get("index", "")), str(r.get("id", ""))))


def store_snapshot(records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    store = {key: dict(record, id=record.get("id", key)) for key, record in records.items()}
    pages = sorted(k for k, r in store.items() if r.get("typeName") == "page" or k.startswith("page:"))
    if not any(r.get("typeName") == "document" for r in store.values()):
        store[DEFAULT_DOCUMENT["id"]] = dict(DEFAULT_DOCUMENT)
    if not pages:
        store[DEFAULT_PAGE["id"]] = dict(DEFAULT_PAGE)
        pages = [DEFAULT_PAGE["id"]]
    for record in shapes(store):
        record.setdefault("typeName", "shape")
        record.setdefault("parentId", pages[0])
    return {"store": store, "schema": SCHEMA}
