"""Replay end to end: two stock Yjs clients type a known sequence over the websocket and draw on the
whiteboard, the session finishes, and its replay and whiteboard export give back what happened."""

from __future__ import annotations

import asyncio
import base64
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx
import pytest
from pycrdt import Doc, Map, Text

from tests.gateway.rooms_support import create_room, join, post, to_coding
from tests.replay.support import NODE_MODULES, ScriptedClient, decode_png, next_ms, now_ms, pixel
from tests.support import Account, register

pytestmark = pytest.mark.anyio
RED = (0xE0, 0x31, 0x31)
SHAPES: list[dict[str, Any]] = [
    {"id": "shape:rect", "type": "geo", "x": 0, "y": 0, "index": "a1",
     "props": {"geo": "rectangle", "w": 200, "h": 120, "color": "red", "fill": "solid", "size": "m"}},
    {"id": "shape:oval", "type": "geo", "x": 300, "y": 0, "index": "a2",
     "props": {"geo": "ellipse", "w": 160, "h": 120, "color": "blue", "fill": "none", "size": "m"}},
    {"id": "shape:arrow", "type": "arrow", "x": 0, "y": 200, "index": "a3",
     "props": {"start": {"x": 0, "y": 0}, "end": {"x": 240, "y": 40}, "color": "green", "size": "m"}},
    {"id": "shape:note", "type": "note", "x": 300, "y": 200, "index": "a4",
     "props": {"color": "yellow", "text": "idea", "size": "m"}},
    {"id": "shape:frame", "type": "frame", "x": 0, "y": 360, "index": "a5", "props": {"w": 120, "h": 80}},
]  # fmt: skip
SVG_NS = "{http://www.w3.org/2000/svg}"


def _doc(state_b64: str) -> Doc[Any]:
    doc: Doc[Any] = Doc()
    doc.apply_update(base64.b64decode(state_b64))
    return doc


def _python(doc: Doc[Any]) -> str:
    return str(doc.get("code:python", type=Text))


async def _token(client: httpx.AsyncClient, who: Account, room_id: str) -> str:
    token: str = (await client.get(f"/api/rooms/{room_id}", headers=who.headers)).json()["collabToken"]
    return token


async def _type_session(
    client: httpx.AsyncClient, live_url: str, host: Account, guest: Account, rid: str
) -> tuple[int, list[tuple[int, str, str]]]:
    """Type the script; (start, [(moment, text by then, author of the step)])."""
    a = await ScriptedClient.start(live_url, rid, await _token(client, host, rid))
    b = await ScriptedClient.start(live_url, rid, await _token(client, guest, rid))
    start = await next_ms(now_ms())
    steps: list[tuple[int, str, str]] = []
    text = ""
    script: list[tuple[ScriptedClient, Account, dict[str, Any]]] = [
        (a, host, {"op": "insert", "index": 0, "text": "def add(a, b):\n"}),
        (b, guest, {"op": "insert", "index": -1, "text": "    return a + b\n"}),
        (a, host, {"op": "insert", "index": -1, "text": "print(add(1, 2))\n"}),
        (b, guest, {"op": "delete", "index": -1, "length": len("print(add(1, 2))\n")}),
        (b, guest, {"op": "insert", "index": -1, "text": "print(add(2, 3))\n"}),
    ]
    for peer, who, command in script:
        await peer.send(op="wait", text=text)
        if command["index"] == -1:
            at_end = len(text) if command["op"] == "insert" else len(text) - int(command["length"])
            command = {**command, "index": at_end}
        text = (await peer.send(**command))["text"]
        steps.append((now_ms(), text, who.id))
        await next_ms(steps[-1][0])
    for shape in SHAPES:
        await a.send(op="shape", record=shape)
    await a.quit()
    await b.quit()
    return start, steps


async def test_replay_gives_back_the_typed_session_and_the_whiteboard(
    client: httpx.AsyncClient, live_url: str, tmp_path: Path
) -> None:
    assert NODE_MODULES.joinpath("y-websocket").exists(), "run make bootstrap (installs the Node Yjs clients)"
    host, guest, stranger = await register(client), await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    await join(client, guest, room)
    await to_coding(client, host, guest, room)
    start, steps = await _type_session(client, live_url, host, guest, rid)
    finished = await post(client, host, f"/api/rooms/{rid}/control/transition", {"targetStatus": "finished"})
    assert finished.status_code == 200, finished.text
    sid = (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()["sessionId"]

    for moment, text, _ in steps:
        seek = await client.get(f"/api/sessions/{sid}/replay", params={"at": moment}, headers=guest.headers)
        assert seek.status_code == 200, seek.text
        assert seek.json()["code"].get("python", "") == text
    before = await client.get(f"/api/sessions/{sid}/replay", params={"at": start}, headers=host.headers)
    assert before.json()["code"].get("python", "") == ""

    replay = (await client.get(f"/api/sessions/{sid}/replay", headers=host.headers)).json()
    bounds = [start] + [m for m, _, _ in steps]
    for update in replay["updates"]:
        step = next((i for i in range(len(steps)) if bounds[i] < update["endAt"] <= bounds[i + 1]), None)
        if step is not None:  # edits inside the script: authored by that step's typist
            assert update["authorId"] == steps[step][2], (update, step)
    authors = {u["authorId"] for u in replay["updates"]}
    assert {host.id, guest.id} <= authors
    final = _doc(replay["keyframes"][-1]["state"])
    snapshots = (await client.get(f"/api/sessions/{sid}/snapshots", headers=host.headers)).json()["data"]
    session_end = [s for s in snapshots if s["trigger"] == "session_end"]
    assert session_end and session_end[-1]["code"] == _python(final) == steps[-1][1]
    assert set(final.get("whiteboard", type=Map).to_py() or {}) == {s["id"] for s in SHAPES}
    assert any(e["type"] == "phase-change" for e in replay["events"])
    ts = [k["t"] for k in replay["keyframes"]]
    assert ts == sorted(ts) and replay["durationMs"] == replay["endedAt"] - replay["startedAt"]

    # seeking through a window: its base keyframe plus its ranges rebuild the code at the window's end
    low, high = steps[1][0], steps[2][0]
    part = (
        await client.get(
            f"/api/sessions/{sid}/replay", params={"from": low, "to": high}, headers=host.headers
        )
    ).json()
    seeked = _doc(part["keyframes"][0]["state"])
    assert part["keyframes"][0]["at"] <= low
    for update in part["updates"]:
        if update["endAt"] <= high:
            seeked.apply_update(base64.b64decode(update["update"]))
    assert _python(seeked) == steps[2][1]

    assert (await client.get(f"/api/sessions/{sid}/replay", headers=stranger.headers)).status_code == 403
    await _check_whiteboard(client, host, sid, tmp_path)


async def _check_whiteboard(client: httpx.AsyncClient, host: Account, sid: str, tmp_path: Path) -> None:
    url = f"/api/sessions/{sid}/whiteboard"
    exported = (await client.get(url, headers=host.headers)).json()
    assert exported["shapeCount"] == len(SHAPES)
    assert exported["schema"]["schemaVersion"] == 2
    for shape in SHAPES:
        record = exported["store"][shape["id"]]
        assert (
            record["type"] == shape["type"] and record["props"]["color" if "color" in shape["props"] else "w"]
        )
    assert "page:page" in exported["store"] and "document:document" in exported["store"]
    svg = await client.get(url, params={"format": "svg"}, headers=host.headers)
    assert svg.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(svg.text)  # noqa: S314 - our own renderer's output
    drawn = {g.get("data-shape-id"): g for g in root.iter(f"{SVG_NS}g") if g.get("data-shape-id")}
    assert set(drawn) == {s["id"] for s in SHAPES}
    assert drawn["shape:rect"].find(f"{SVG_NS}rect") is not None
    assert drawn["shape:oval"].find(f"{SVG_NS}ellipse") is not None
    assert "frame" in "".join(drawn["shape:frame"].itertext())
    png = await client.get(url, params={"format": "png"}, headers=host.headers)
    width, height, rows = decode_png(png.content)
    assert (width, height) == (int(root.get("width", 0)), int(root.get("height", 0)))
    assert pixel(rows, 32 + 100, 32 + 60)[:3] == RED  # the rectangle's middle (canvas padding 32)
    assert pixel(rows, 4, 4)[:3] == (255, 255, 255)
    await _check_in_chromium(svg.text, width, height, tmp_path)


async def _check_in_chromium(svg: str, width: int, height: int, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium): no browser screenshot")
    page, shot = tmp_path / "board.svg", tmp_path / "board.png"
    page.write_text(svg)
    proc = await asyncio.create_subprocess_exec(
        chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}", f"--window-size={width},{height}", "--hide-scrollbars", page.as_uri(),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert await asyncio.wait_for(proc.wait(), 60) == 0
    _, _, rows = decode_png(shot.read_bytes())
    r, g, b, _ = pixel(rows, 32 + 100, 32 + 60)
    assert abs(r - RED[0]) < 16 and abs(g - RED[1]) < 16 and abs(b - RED[2]) < 16
    assert pixel(rows, 32 + 380, 32 + 60)[:3] == (255, 255, 255)  # inside the (unfilled) ellipse
    assert pixel(rows, 32 + 300, 32 + 60)[2] > 150  # the ellipse's left edge is blue
