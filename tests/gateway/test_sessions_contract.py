"""The session and peer feedback payloads parsed as the reference's web client parses them.

The JSON schemas below are written by hand from the reference's facts (shared/reference §3.19-§3.26,
§4.8, §4.9, §11.3), not generated from our models: every key the reference sends is required with its
type, enum and nullability; extra keys are allowed (our extras). Sessions are real (rooms driven to
`finished`); the finish generates the candidate's report, which a test holds (the test-only hook) or waits
for and then overwrites with the row it needs; recordings are inserted as their rows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from actors.reports import HOLDS
from engine.identity import UserRole
from gateway.services import Services
from tests.gateway.rooms_support import create_problem, create_room, join, post, to_coding
from tests.support import Account, err, ok, register, wait_until

pytestmark = pytest.mark.anyio
Json = dict[str, Any]
ISO_Z = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"
UUID = {"type": "string", "pattern": r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"}
STR, NSTR, BOOL = {"type": "string"}, {"type": ["string", "null"]}, {"type": "boolean"}
TIME, NTIME = {"type": "string", "pattern": ISO_Z}, {"type": ["string", "null"], "pattern": ISO_Z}
COUNT = {"type": "integer", "minimum": 0}
LANGUAGES = ["python", "javascript", "typescript", "java", "cpp", "c", "go", "rust"]
ROLE = {"enum": ["interviewer", "candidate", "observer"]}
PHASE = {"enum": ["waiting", "warmup", "coding", "wrapup", "finished", None]}
TRIGGER = {"enum": ["periodic", "phase_change", "submission", "manual", "session_end"]}
DIFFICULTY = ["easy", "medium", "hard"]
SCORE = {"type": "number", "minimum": 0, "maximum": 100}
FEEDBACK = "/api/sessions/{session_id}/feedback"


def obj(**properties: Any) -> Json:
    """An object with every one of `properties` required (further keys allowed)."""
    return {"type": "object", "required": list(properties), "properties": properties}


def array(items: Json) -> Json:
    return {"type": "array", "items": items}


def nullable(schema: Json) -> Json:
    return {"oneOf": [{"type": "null"}, schema]}


def page(item: Json) -> Json:
    return obj(data=array(item), pagination=obj(nextCursor=NSTR, hasMore=BOOL))


PERSON = {"userId": UUID, "username": STR, "displayName": NSTR, "avatarUrl": NSTR, "role": ROLE}
SESSION_PARTICIPANT = obj(**PERSON, joinedAt=TIME, leftAt=NTIME)  # §3.22
SESSION_COMMON = {
    "sessionId": UUID,
    "roomId": UUID,
    "mode": {"enum": ["peer", "ai"]},
    "language": {"enum": [*LANGUAGES, None]},
    "duration": COUNT,
    "hasReport": BOOL,
    "hasFeedback": BOOL,
    "createdAt": TIME,
    "finishedAt": NTIME,
}
SESSION_SUMMARY = obj(  # §3.20
    **SESSION_COMMON,
    problemTitle=NSTR,
    difficulty={"enum": [*DIFFICULTY, None]},
    participants=array(obj(**PERSON)),
    overallScore={"type": ["number", "null"], "minimum": 0, "maximum": 100},
)
FEEDBACK_PEOPLE = {
    "id": UUID,
    "reviewerId": UUID,
    "reviewerName": STR,
    "reviewerAvatarUrl": NSTR,
    "candidateId": UUID,
    "candidateName": STR,
    "candidateAvatarUrl": NSTR,
    "feedbackText": {"type": "string", "minLength": 1, "maxLength": 2000},
    "createdAt": TIME,
}
PEER_FEEDBACK_ENTRY = obj(  # §3.19
    **FEEDBACK_PEOPLE, sessionId=UUID, roomId=UUID, status={"enum": ["submitted", "skipped"]}
)
REPORT = {  # §3.26: every key optional, but never null where the reference does not allow it
    "type": "object",
    "required": ["sessionId", "generatedAt", "overallScore", "feedback"],  # merged in by the server
    "properties": {
        "sessionId": UUID,
        "generatedAt": TIME,
        "overallScore": SCORE,
        "strengths": array(STR),
        "areasForImprovement": array(STR),
        "feedback": STR,
        "detailedFeedback": STR,
        "dimensions": {
            "type": "object",
            "additionalProperties": obj(
                score=SCORE, feedback=STR, evidence=array(obj(type=STR, reference=STR, description=STR))
            ),
        },
        "comparisonToHistory": nullable({"type": "object"}),
        "peerFeedbackSummary": nullable(obj(summary=STR, themes=array(STR))),
    },
}
SESSION_DETAIL = obj(  # §3.21
    **SESSION_COMMON,
    problem=nullable(obj(id=UUID, title=STR, difficulty={"enum": DIFFICULTY})),
    participants=array(SESSION_PARTICIPANT),
    runs=array(obj(jobId=STR, status={"enum": ["completed", "failed"]}, createdAt=TIME)),
    submissions=array(obj(submissionId=STR, status=STR, passed=COUNT, total=COUNT, createdAt=TIME)),
    report=nullable(REPORT),
    latestCodeSnapshot=nullable(
        obj(
            id=UUID,
            code=STR,
            language={"enum": LANGUAGES},
            trigger=TRIGGER,
            linesOfCode={"type": ["integer", "null"]},
            createdAt=TIME,
            phase=PHASE,
        )
    ),
    peerFeedback=array(obj(**FEEDBACK_PEOPLE)),
    hasRecording=BOOL,
)
CODE_SNAPSHOT = obj(  # §3.24
    snapshotId=UUID,
    timestamp=TIME,
    trigger=TRIGGER,
    language={"enum": LANGUAGES},
    code=STR,
    linesOfCode=COUNT,
    phase=PHASE,
)
FEEDBACK_LIST = obj(allSubmitted=BOOL, data=array(PEER_FEEDBACK_ENTRY))  # §4.9
PROGRESS = obj(  # §4.9
    allSubmitted=BOOL,
    targets=array(
        obj(
            candidateId=UUID,
            candidateName=STR,
            candidateAvatarUrl=NSTR,
            role={"enum": ["candidate", "interviewer"]},
            state={"enum": ["pending", "submitted", "skipped"]},
            createdAt=NTIME,
        )
    ),
)
ERROR = obj(statusCode={"type": "integer"}, code=STR, message=STR, timestamp=TIME)  # §2.2


def parsed(schema: Json, response: httpx.Response, status: int = 200) -> Json:
    """The body, after it parsed under `schema` (as the reference client parses it)."""
    body = ok(response, status)
    Draft202012Validator(schema).validate(body)
    return body


def refused(response: httpx.Response, status: int) -> str:
    Draft202012Validator(ERROR).validate(response.json())
    return err(response, status)


@dataclass
class Played:
    host: Account
    guest: Account
    room_id: str
    session_id: str

    @property
    def path(self) -> str:
        return f"/api/sessions/{self.session_id}"


async def _move(client: httpx.AsyncClient, host: Account, room_id: str, *targets: str) -> str:
    """Transition the room through `targets`; its session id."""
    for target in targets:
        moved = await post(client, host, f"/api/rooms/{room_id}/control/transition", {"targetStatus": target})
        assert moved.status_code == 200, moved.text
    session_id: str = ok(await client.get(f"/api/rooms/{room_id}", headers=host.headers))["sessionId"]
    return session_id


async def _played(
    client: httpx.AsyncClient, finish: bool = True, watcher: Account | None = None, **room: Any
) -> Played:
    """A peer room of a host (interviewer) and a guest (candidate), and `watcher` as an observer, driven
    through coding (and to finished)."""
    host, guest = await register(client), await register(client)
    created = await create_room(client, host, config={"maxParticipants": 3}, **room)
    assert (await join(client, guest, created)).status_code == 200
    if watcher is not None:
        assert (await join(client, watcher, created, requestedRole="observer")).status_code == 200
    await to_coding(client, host, guest, created)
    rid = created["roomId"]
    session_id = await _move(client, host, rid, *(("wrapup", "finished") if finish else ()))
    return Played(host, guest, rid, session_id)


async def _get(client: httpx.AsyncClient, who: Account, path: str, **params: Any) -> httpx.Response:
    return await client.get(path, headers=who.headers, params=params)


async def _generated(services: Services, p: Played) -> Json:
    """The guest's report row once the finish generated it (every candidate gets one, reference §9.7.1);
    nothing writes a completed row again, so a test may overwrite it."""
    found: Json = {}

    async def completed() -> bool:
        nonlocal found
        query = {"sessionId": p.session_id, "userId": p.guest.id}
        found = await services.mongo.db["reports"].find_one(query) or {}
        return found.get("status") == "completed"

    await wait_until(completed, timeout_s=60)
    return found


async def test_sessions_without_feedback_report_or_recording(
    client: httpx.AsyncClient, services: Services
) -> None:
    p = await _played(client, finish=False)
    hold = {"_id": f"report:{p.session_id}"}  # the generated report stays pending while this test runs
    await services.mongo.db[HOLDS].insert_one(hold)
    try:
        await _move(client, p.host, p.room_id, "wrapup", "finished")
        await _without_feedback_report_or_recording(client, services, p)
    finally:
        await services.mongo.db[HOLDS].delete_one(hold)


async def _without_feedback_report_or_recording(
    client: httpx.AsyncClient, services: Services, p: Played
) -> None:
    history = parsed(page(SESSION_SUMMARY), await _get(client, p.guest, "/api/sessions"))
    assert [s["sessionId"] for s in history["data"]] == [p.session_id]
    summary = history["data"][0]
    assert (summary["hasFeedback"], summary["hasReport"], summary["overallScore"]) == (False, False, None)
    assert {x["userId"]: x["role"] for x in summary["participants"]} == {
        p.host.id: "interviewer",
        p.guest.id: "candidate",
    }
    detail = parsed(SESSION_DETAIL, await _get(client, p.guest, p.path))
    assert (detail["hasRecording"], detail["report"], detail["peerFeedback"]) == (False, None, [])
    assert detail["latestCodeSnapshot"]["trigger"] == "session_end"
    recording = {"_id": str(uuid.uuid4()), "sessionId": p.session_id, "status": "complete"}
    recording["location"] = "/recordings/rec/1.mp4"  # hasRecording: a recording that ended with a file
    await services.mongo.db["recordings"].insert_one(recording)
    assert parsed(SESSION_DETAIL, await _get(client, p.host, p.path))["hasRecording"] is True
    snapshots = parsed(page(CODE_SNAPSHOT), await _get(client, p.host, f"{p.path}/snapshots"))["data"]
    assert [s["timestamp"] for s in snapshots] == sorted(s["timestamp"] for s in snapshots)
    assert "phase_change" in [s["trigger"] for s in snapshots]
    assert snapshots[-1]["trigger"] == "session_end"
    walked: list[Json] = []
    cursor: str | None = None
    for _ in range(len(snapshots)):
        query = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        one = parsed(page(CODE_SNAPSHOT), await _get(client, p.host, f"{p.path}/snapshots", **query))
        walked += one["data"]
        cursor = one["pagination"]["nextCursor"]
    assert (walked, cursor) == (snapshots, None)


async def test_sessions_with_feedback_and_a_report(client: httpx.AsyncClient, services: Services) -> None:
    admin = await register(client)
    await services.users.set_role(admin.id, UserRole.ADMIN, services.now())
    p = await _played(client, problemId=await create_problem(client, admin))
    reference_body = {"candidateId": p.guest.id, "feedbackText": "Good"}
    first = await post(client, p.host, f"{p.path}/feedback", reference_body)
    assert parsed(FEEDBACK_LIST, first, 201)["allSubmitted"] is False
    assert parsed(SESSION_DETAIL, await _get(client, p.guest, p.path))["peerFeedback"] == []  # not yet
    assert len(parsed(SESSION_DETAIL, await _get(client, p.host, p.path))["peerFeedback"]) == 1  # own
    seed_body = {"candidateId": p.host.id, "ratings": {"overall": 4}, "wouldPairAgain": True}
    second = parsed(FEEDBACK_LIST, await post(client, p.guest, f"{p.path}/feedback", seed_body), 201)
    assert (second["allSubmitted"], len(second["data"])) == (True, 2)
    generated = datetime(2026, 3, 1, 12, 0, 0, 250_000, tzinfo=UTC)
    stored: Json = {
        "strengths": ["<green>tests</green>"],
        "detailedFeedback": "Solid.",
        "peerFeedbackSummary": None,
    }
    stored |= {"dimensions": {"correctness": {"score": 90, "feedback": "ok", "evidence": []}}}
    row: Json = {"sessionId": p.session_id, "userId": p.guest.id, "status": "completed"}
    replaced = await services.mongo.db["reports"].replace_one(
        {"_id": (await _generated(services, p))["_id"]},
        row | {"overallScore": 82, "report": stored, "generatedAt": generated},
    )
    assert replaced.matched_count == 1
    summary = parsed(page(SESSION_SUMMARY), await _get(client, p.guest, "/api/sessions"))["data"][0]
    assert (summary["hasFeedback"], summary["hasReport"], summary["overallScore"]) == (True, True, 82)
    expected: Json = stored | {"sessionId": p.session_id, "generatedAt": "2026-03-01T12:00:00.250Z"}
    expected |= {"overallScore": 82, "feedback": "Solid."}
    assert parsed(REPORT, await _get(client, p.guest, f"{p.path}/report")) == expected
    detail = parsed(SESSION_DETAIL, await _get(client, p.guest, p.path))
    assert (detail["report"], len(detail["peerFeedback"]), detail["hasFeedback"]) == (expected, 2, True)
    assert detail["problem"]["id"] == summary["problemId"]
    host_summary = parsed(page(SESSION_SUMMARY), await _get(client, p.host, "/api/sessions"))["data"][0]
    assert (host_summary["hasReport"], host_summary["overallScore"]) == (False, None)
    assert parsed(SESSION_DETAIL, await _get(client, p.host, p.path))["report"] is None


async def test_report_refusals_follow_the_reference_rule(
    client: httpx.AsyncClient, services: Services
) -> None:
    p = await _played(client)
    reports, report = services.mongo.db["reports"], f"{p.path}/report"
    generated = await _generated(services, p)
    assert ok(await _get(client, p.guest, report))["sessionId"] == p.session_id  # the candidate's own
    assert refused(await _get(client, p.host, report), 404) == "SESSION_REPORT_UNAVAILABLE"  # interviewer
    assert (await reports.delete_one({"_id": generated["_id"]})).deleted_count == 1
    assert (
        refused(await _get(client, p.guest, report), 404) == "SESSION_REPORT_NOT_READY"
    )  # candidate, no row
    for who, status in ((p.guest, "pending"), (p.host, "failed")):  # a row in another state: not ready
        row = {"_id": str(uuid.uuid4()), "sessionId": p.session_id, "userId": who.id, "status": status}
        await reports.insert_one(row)
        assert refused(await _get(client, who, report), 404) == "SESSION_REPORT_NOT_READY"
    stranger = await register(client)
    assert refused(await _get(client, stranger, report), 403) == "SESSION_NOT_PARTICIPANT"
    live = await _played(client, finish=False)
    assert refused(await _get(client, live.guest, f"{live.path}/report"), 404) == "SESSION_REPORT_NOT_READY"
    assert refused(await _get(client, live.guest, live.path), 404) == "SESSION_NOT_FOUND"


async def test_progress_skip_and_skip_all(client: httpx.AsyncClient) -> None:
    p = await _played(client)
    progress, feedback = f"{p.path}/feedback/progress", f"{p.path}/feedback"
    before = parsed(PROGRESS, await _get(client, p.host, progress))
    assert before["allSubmitted"] is False
    assert [(t["candidateId"], t["role"], t["state"], t["createdAt"]) for t in before["targets"]] == [
        (p.guest.id, "candidate", "pending", None)
    ]
    skipped = parsed(PROGRESS, await post(client, p.host, f"{feedback}/skip", {"candidateId": p.guest.id}))
    assert (skipped["allSubmitted"], skipped["targets"][0]["state"]) == (True, "skipped")
    assert skipped["targets"][0]["createdAt"] is not None
    assert parsed(FEEDBACK_LIST, await _get(client, p.host, feedback)) == {"allSubmitted": False, "data": []}
    body = {"candidateId": p.host.id, "feedbackText": "  Asked sharp questions.  "}
    view = parsed(FEEDBACK_LIST, await post(client, p.guest, feedback, body), 201)
    assert view["allSubmitted"] is True  # one pair submitted, the other skipped: nobody waits
    assert [(e["reviewerId"], e["feedbackText"]) for e in view["data"]] == [
        (p.guest.id, "Asked sharp questions.")
    ]
    assert parsed(FEEDBACK_LIST, await _get(client, p.host, feedback))["data"] == view["data"]
    guest_progress = parsed(PROGRESS, await _get(client, p.guest, progress))
    assert [(t["candidateId"], t["role"], t["state"]) for t in guest_progress["targets"]] == [
        (p.host.id, "interviewer", "submitted")
    ]
    again = parsed(PROGRESS, await post(client, p.guest, f"{feedback}/skip", {"candidateId": p.host.id}))
    assert again["targets"][0]["state"] == "submitted"  # a skip never overrides a submit
    nothing_left = parsed(PROGRESS, await post(client, p.guest, f"{feedback}/skip-all"))
    assert nothing_left["targets"][0]["state"] == "submitted"
    watcher = await register(client)
    fresh = await _played(client, watcher=watcher)
    every = parsed(PROGRESS, await post(client, fresh.guest, f"{fresh.path}/feedback/skip-all"))
    assert (every["allSubmitted"], [t["state"] for t in every["targets"]]) == (True, ["skipped"])
    watching = await _get(client, watcher, f"{fresh.path}/feedback/progress")
    assert parsed(PROGRESS, watching) == {"allSubmitted": True, "targets": []}  # observers resolve nobody
    skip = f"{fresh.path}/feedback/skip"
    assert refused(await post(client, watcher, skip, {"candidateId": fresh.host.id}), 403) == "FORBIDDEN"
    assert refused(await post(client, fresh.host, skip, {"candidateId": watcher.id}), 403) == "FORBIDDEN"


async def test_session_feedback_refusals(client: httpx.AsyncClient, services: Services) -> None:
    p, live = await _played(client), await _played(client, finish=False)
    stranger, admin = await register(client), await register(client)
    await services.users.set_role(admin.id, UserRole.ADMIN, services.now())
    skip = f"{p.path}/feedback/skip"
    for path in ("/feedback", "/feedback/progress"):
        assert refused(await _get(client, live.host, f"{live.path}{path}"), 404) == "SESSION_NOT_FOUND"
        assert refused(await _get(client, stranger, f"{p.path}{path}"), 403) == "SESSION_NOT_PARTICIPANT"
    writes: list[tuple[str, Json | None]] = [
        ("/feedback", {"candidateId": live.guest.id, "feedbackText": "x"}),
        ("/feedback/skip", {"candidateId": live.guest.id}),
        ("/feedback/skip-all", None),
    ]
    for path, body in writes:
        assert refused(await post(client, live.host, f"{live.path}{path}", body), 404) == "SESSION_NOT_FOUND"
    assert refused(await _get(client, admin, f"{p.path}/feedback/progress"), 403) == "SESSION_NOT_PARTICIPANT"
    assert parsed(FEEDBACK_LIST, await _get(client, admin, f"{p.path}/feedback"))["allSubmitted"] is False
    assert refused(await post(client, stranger, skip, {"candidateId": p.host.id}), 403) == "FORBIDDEN"
    assert refused(await post(client, p.host, skip, {"candidateId": stranger.id}), 403) == "FORBIDDEN"
    assert refused(await post(client, p.host, skip, {"candidateId": p.host.id}), 400) == "VALIDATION_FAILED"
    for bad in ({}, {"candidateId": "x"}, {"candidateId": p.guest.id, "zz": 1}):
        assert refused(await post(client, p.host, skip, bad), 400) == "VALIDATION_FAILED"
    unknown = f"/api/sessions/{uuid.uuid4()}/feedback/skip-all"
    assert refused(await post(client, p.host, unknown), 404) == "SESSION_NOT_FOUND"
    me = await register(client)
    ai_room = (await create_room(client, me, mode="ai"))["roomId"]
    assert (await post(client, me, f"/api/rooms/{ai_room}/ready", {"ready": True})).status_code == 200
    ai = f"/api/sessions/{await _move(client, me, ai_room, 'warmup', 'finished')}/feedback"
    assert refused(await post(client, me, f"{ai}/skip-all"), 403) == "ROOM_NOT_PEER_MODE"
    body = {"candidateId": stranger.id, "feedbackText": "x"}
    assert refused(await post(client, me, ai, body), 403) == "ROOM_NOT_PEER_MODE"
    assert parsed(FEEDBACK_LIST, await _get(client, me, ai)) == {"allSubmitted": True, "data": []}
    assert parsed(PROGRESS, await _get(client, me, f"{ai}/progress")) == {"allSubmitted": True, "targets": []}


SESSION_OPERATIONS = {  # (method, path) -> (summary, tag, status, response component)
    ("get", "/api/sessions"): ("List my session history", "sessions", "200", "SessionSummaryPage"),
    ("get", "/api/sessions/{session_id}"): ("Get session details", "sessions", "200", "SessionDetail"),
    ("delete", "/api/sessions/{session_id}"): ("Soft-delete a session", "sessions", "204", None),
    ("get", "/api/sessions/{session_id}/report"): (
        "Get training report",
        "sessions",
        "200",
        "TrainingReport",
    ),
    ("get", "/api/sessions/{session_id}/events"): (
        "Get session event timeline",
        "sessions",
        "200",
        "SessionEventPage",
    ),
    ("get", "/api/sessions/{session_id}/snapshots"): (
        "Get code snapshots",
        "sessions",
        "200",
        "CodeSnapshotPage",
    ),
}
FEEDBACK_OPERATIONS = {
    ("post", "/api/rooms/{room_id}/feedback"): ("Submit peer evaluation", "201", "PeerFeedbackEntry"),
    ("get", "/api/rooms/{room_id}/feedback"): ("Get all feedback for this room", "200", "PeerFeedbackList"),
    ("get", "/api/rooms/{room_id}/feedback/mine"): ("Get my submitted feedback", "200", "MyPeerFeedback"),
    ("get", FEEDBACK): ("Get peer feedback for this session", "200", "PeerFeedbackList"),
    ("post", FEEDBACK): ("Submit peer feedback for this session", "201", "PeerFeedbackList"),
    ("get", f"{FEEDBACK}/progress"): ("Get my peer feedback progress", "200", "PeerFeedbackProgress"),
    ("post", f"{FEEDBACK}/skip"): ("Skip peer feedback about one participant", "200", "PeerFeedbackProgress"),
    ("post", f"{FEEDBACK}/skip-all"): (
        "Skip peer feedback about everyone left",
        "200",
        "PeerFeedbackProgress",
    ),
}


async def test_openapi_names_every_session_and_feedback_shape(client: httpx.AsyncClient) -> None:
    spec = ok(await client.get("/api/openapi.json"))
    components = spec["components"]["schemas"]
    named = {"SessionSummary", "SessionDetail", "SessionParticipant", "SessionEvent", "CodeSnapshot"}
    named |= {"TrainingReport", "Evidence", "ReportDimension"}
    named |= {"SessionReport", "PeerFeedbackRatings", "PeerFeedbackEntry", "PeerFeedbackProgress"}
    assert named <= set(components)
    assert not [n for n in components if n.startswith(("PeerFeedbackRatings-", "PeerFeedbackEntry-"))]
    assert components["PeerFeedbackRatings"]["required"] == ["overall"]
    operations = dict(SESSION_OPERATIONS) | {
        key: (summary, "feedback", status, model)
        for key, (summary, status, model) in FEEDBACK_OPERATIONS.items()
    }
    for (method, route), (summary, tag, status, model) in operations.items():
        operation = spec["paths"][route][method]
        assert (operation["summary"], operation["tags"]) == (summary, [tag])
        assert status in operation["responses"], route
        if model is not None:
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            assert schema["$ref"] == f"#/components/schemas/{model}", route
    items = {
        name: components[f"{name}Page"]["properties"]["data"]["items"]["$ref"]
        for name in ("SessionSummary", "CodeSnapshot")
    }
    assert items == {name: f"#/components/schemas/{name}" for name in items}
    assert components["SessionSummary"]["properties"]["status"]["enum"] == ["ongoing", "finished"]
