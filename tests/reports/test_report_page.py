"""`GET /api/sessions/{id}/report.html` on a real finished session: the page, its refusals (the same as
the JSON route's), its place in the OpenAPI, and a screenshot by headless Chromium (Debian's `chromium`)
whose decoded pixels show one bar per dimension as wide as its score."""

from __future__ import annotations

import re
import shutil
import subprocess
from itertools import pairwise
from pathlib import Path

import httpx
import pytest

from engine.scoring.model import Dimension
from engine.scoring.page import BAR_COLOUR, BAR_SCALE
from gateway.services import Services
from tests.reports import support
from tests.reports.png import Image, decode
from tests.support import register

pytestmark = pytest.mark.anyio
CHROMIUM = shutil.which("chromium")
WINDOW = (1000, 600)
SHOT_TIMEOUT_S = 60
BAR_RGB = tuple(int(BAR_COLOUR[i : i + 2], 16) for i in (1, 3, 5))
TOLERANCE = 4


async def _finished(client: httpx.AsyncClient, services: Services) -> tuple[support.Played, support.Json]:
    played = await support.seated(client, services)
    await support.work(services, played)
    await support.finish(client, played)
    return played, await support.report(client, played.candidate, played.session_id)


def _page_path(session_id: str) -> str:
    return f"/api/sessions/{session_id}/report.html"


async def test_report_page_renders_scores_evidence_and_code(
    client: httpx.AsyncClient, services: Services
) -> None:
    played, report = await _finished(client, services)
    response = await client.get(_page_path(played.session_id), headers=played.candidate.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<script" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    widths = dict(re.findall(r'data-dimension="(\w+)" x="\d+" y="\d+" width="([\d.]+)"', page))
    assert {k: float(v) / BAR_SCALE for k, v in widths.items()} == report["categoryScores"]
    assert f'id="overall">{report["overallScore"]}<' in page
    code_lines = support.RIGHT.splitlines()
    assert len(re.findall(r'class="line(?: cited)?" id="L\d+"', page)) == len(code_lines)
    for d in Dimension:
        for item in report["dimensions"][d.value]["evidence"]:
            if item["type"] == "code_line":
                line = int(item["reference"].split(":")[0].removeprefix("L"))
                assert f'href="#L{line}"' in page and f'class="line cited" id="L{line}"' in page


async def test_report_page_refuses_as_the_json_route(client: httpx.AsyncClient, services: Services) -> None:
    played = await support.seated(client, services)
    stranger = await register(client)
    for who in (played.candidate, played.interviewer, stranger):
        page = await client.get(_page_path(played.session_id), headers=who.headers)
        json_route = await client.get(f"/api/sessions/{played.session_id}/report", headers=who.headers)
        assert (page.status_code, page.json()["code"]) == (json_route.status_code, json_route.json()["code"])
        assert page.status_code in {403, 404}
    missing = await client.get(_page_path("00000000-0000-4000-8000-000000000000"), headers=stranger.headers)
    assert missing.status_code == 404 and missing.json()["code"] == "SESSION_NOT_FOUND"
    assert (await client.get(_page_path(played.session_id))).status_code == 401


async def test_report_page_is_a_text_html_operation_in_the_openapi(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/api/openapi.json")).json()
    operation = spec["paths"]["/api/sessions/{session_id}/report.html"]["get"]
    assert "text/html" in operation["responses"]["200"]["content"]
    assert {"404", "401"} <= set(operation["responses"])


def _bars(image: Image) -> list[int]:
    """Per horizontal band of bar-coloured rows (top to bottom), the widest run of that colour."""
    bands: list[int] = []
    previous = False
    for row in image.rows:
        widest = run = 0
        for pixel in row:
            run = run + 1 if all(abs(p - q) <= TOLERANCE for p, q in zip(pixel, BAR_RGB, strict=True)) else 0
            widest = max(widest, run)
        if widest and not previous:
            bands.append(widest)
        elif widest:
            bands[-1] = max(bands[-1], widest)
        previous = bool(widest)
    return bands


def _screenshot(html: str, tmp: Path) -> Image:
    assert CHROMIUM is not None
    page, shot = tmp / "report.html", tmp / "report.png"
    page.write_text(html, encoding="utf-8")
    argv = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={tmp / 'profile'}",
        f"--screenshot={shot}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        page.as_uri(),
    ]
    done = subprocess.run(argv, capture_output=True, timeout=SHOT_TIMEOUT_S, check=False)
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    return decode(shot.read_bytes())


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's `chromium` is not installed here (CI installs it)")
async def test_report_page_screenshot_shows_one_bar_per_score(
    client: httpx.AsyncClient, services: Services, tmp_path: Path
) -> None:
    played, report = await _finished(client, services)
    html = (await client.get(_page_path(played.session_id), headers=played.candidate.headers)).text
    image = _screenshot(html, tmp_path)
    assert (image.width, image.height) == WINDOW
    bars = _bars(image)
    scores = [report["categoryScores"][d.value] for d in Dimension]
    drawn = [score for score in scores if score > 0]
    assert len(bars) == len(drawn), (bars, scores)
    for width, score in zip(bars, drawn, strict=True):
        assert abs(width - score * BAR_SCALE) <= 2, (bars, scores)
    ranked = sorted(zip(drawn, bars, strict=True))
    assert all(a[1] < b[1] for a, b in pairwise(ranked) if a[0] < b[0])
