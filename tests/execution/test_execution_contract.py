"""The execution routes against the reference's contract (§4.7, §8.6, §8.7), in every state a client
polls through. The JSON schemas below are written by hand from the reference's text, not from our
models: every reference key is required with its type or enum; our extra keys are allowed (except
where the reference says a body is exactly some keys)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from engine.execution.jobs import RUN_VANISHED_AFTER
from gateway.services import Services
from storage.analyses import AnalysisRepository
from storage.executions import ExecutionRepository
from tests.execution.api_support import admin_account, coding_room, poll, problem_with_hidden, settled
from tests.execution.conftest import needs_sandbox
from tests.gateway.rooms_support import post
from tests.support import Account, ok

pytestmark = [pytest.mark.anyio, needs_sandbox]

TIMESTAMP = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"}
NULLABLE_TIMESTAMP = {"anyOf": [TIMESTAMP, {"type": "null"}]}
TEXT_OR_NULL = {"type": ["string", "null"]}
NUMBER_OR_NULL = {"type": ["number", "null"]}


def _object(
    properties: dict[str, Any], optional: tuple[str, ...] = (), closed: bool = False
) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": [key for key in properties if key not in optional],
        "additionalProperties": not closed,
    }


RUN_PROGRESS = _object({"status": {"enum": ["queued", "running"]}}, closed=True)
RUN_VANISHED = _object({"status": {"const": "failed"}}, closed=True)
RUN_CODE_RESULT = _object(
    {
        "status": {"enum": ["completed", "failed"]},
        "stdout": {"type": "string"},
        "stderr": {"type": "string"},
        "exitCode": {"type": "number"},
        "durationMs": {"type": "number"},
        "timedOut": {"type": "boolean"},
        "error": {"type": "string"},
        "cpuTimeMs": {"type": "number"},
        "memoryUsageMb": {"type": "number"},
        "outputTruncated": {"type": "boolean"},
    },
    optional=("error", "cpuTimeMs", "memoryUsageMb", "outputTruncated"),
)
JOB_STATUS = _object({"status": {"enum": ["queued", "running", "completed", "failed"]}})
TEST_CASE = _object(
    {
        "testCaseIndex": {"type": "number"},
        "passed": {"type": ["boolean", "null"]},
        "expectedOutput": TEXT_OR_NULL,
        "actualOutput": TEXT_OR_NULL,
        "stdout": TEXT_OR_NULL,
        "stderr": TEXT_OR_NULL,
        "exitCode": NUMBER_OR_NULL,
        "durationMs": NUMBER_OR_NULL,
        "memoryUsageMb": NUMBER_OR_NULL,
        "timedOut": {"type": "boolean"},
        "errorMessage": TEXT_OR_NULL,
    }
)
EXECUTION_DETAILS = _object(
    {
        "submissionId": {"type": "string"},
        "status": {"enum": ["pending", "running", "completed", "failed"]},
        "totalTestCases": {"type": "number"},
        "passedTestCases": {"type": "number"},
        "failedTestCases": {"type": "number"},
        "errorTestCases": {"type": "number"},
        "totalDurationMs": NUMBER_OR_NULL,
        "submittedAt": TIMESTAMP,
        "completedAt": NULLABLE_TIMESTAMP,
        "testCases": {"type": "array", "items": TEST_CASE},
    }
)
ANALYSIS_JOB = {
    "jobId": {"type": "string"},
    "source": {"enum": ["run", "submission"]},
    "runId": TEXT_OR_NULL,
    "submissionId": TEXT_OR_NULL,
    "language": {"type": "string"},
    "createdAt": TIMESTAMP,
    "completedAt": NULLABLE_TIMESTAMP,
}
ANALYSIS_PENDING = _object({**ANALYSIS_JOB, "status": {"const": "pending"}}, closed=True)
SUMMARY = _object(
    {
        "diagnosticCount": {"type": "number"},
        "errorCount": {"type": "number"},
        "warningCount": {"type": "number"},
        "maxCyclomaticComplexity": NUMBER_OR_NULL,
        "highComplexityCount": {"type": "number"},
        "duplicationCount": {"type": "number"},
        "toolFailureCount": {"type": "number"},
    }
)
DIAGNOSTIC = _object(
    {
        "tool": {"type": "string"},
        "rule": TEXT_OR_NULL,
        "severity": {"enum": ["error", "warning", "info"]},
        "message": {"type": "string"},
        "file": TEXT_OR_NULL,
        "line": NUMBER_OR_NULL,
        "column": NUMBER_OR_NULL,
    }
)
COMPLEXITY = _object(
    {
        "tool": {"type": "string"},
        "functionName": {"type": "string"},
        "file": TEXT_OR_NULL,
        "startLine": {"type": "number"},
        "endLine": NUMBER_OR_NULL,
        "cyclomaticComplexity": {"type": "number"},
    }
)
OCCURRENCE = _object({"file": TEXT_OR_NULL, "startLine": {"type": "number"}, "endLine": NUMBER_OR_NULL})
DUPLICATION = _object(
    {
        "tool": {"type": "string"},
        "lines": {"type": "number"},
        "tokens": NUMBER_OR_NULL,
        "occurrences": {"type": "array", "items": OCCURRENCE},
    }
)
TOOL_RESULT = _object(
    {
        "tool": {"type": "string"},
        "status": {"enum": ["completed", "failed", "skipped"]},
        "exitCode": NUMBER_OR_NULL,
        "durationMs": {"type": "number"},
        "timedOut": {"type": "boolean"},
        "error": {"type": "string"},
    },
    optional=("error",),
)
ANALYSIS_DONE = _object(
    {
        **ANALYSIS_JOB,
        "status": {"enum": ["completed", "failed"]},
        "summary": SUMMARY,
        "diagnostics": {"type": "array", "items": DIAGNOSTIC},
        "complexity": {"type": "array", "items": COMPLEXITY},
        "duplications": {"type": "array", "items": DUPLICATION},
        "toolResults": {"type": "array", "items": TOOL_RESULT},
        "error": TEXT_OR_NULL,
    }
)
SLOW_ECHO = (
    "import time\ntime.sleep(1.5)  # bounded-poll: a slow program, so polls see it running\nprint(input())\n"
)
BROKEN_C = "int main(void) {\n    return 0\n}\n"
BLOCK = (
    "    total = 0\n    for value in values:\n        if value > limit:\n"
    "            total += value * 2\n        else:\n            total -= value\n"
)
FLAWED_COPIES = (
    f"import os\n\n\ndef a(values, limit):\n{BLOCK}    return total\n\n\n"
    f"def b(values, limit):\n{BLOCK}    return -total\n"
)
"""A finding of every kind: an unused import, two functions' complexity, one copied block."""


def _conforms(schema: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    Draft202012Validator(schema).validate(body)
    return body


async def _get(client: httpx.AsyncClient, who: Account, path: str) -> dict[str, Any]:
    return ok(await client.get(path, headers=who.headers))


async def _run(client: httpx.AsyncClient, who: Account, room_id: str, **body: str) -> dict[str, Any]:
    return ok(await post(client, who, f"/api/rooms/{room_id}/run", {"language": "python", **body}), 202)


def _stored_job(kind: str, room_id: str, user: Account, services: Services) -> dict[str, Any]:
    """A job row as the routes write it, never handed to Ray (so it stays where the test puts it)."""
    return {
        "_id": str(uuid.uuid4()),
        "kind": kind,
        "roomId": room_id,
        "userId": user.id,
        "language": "python",
        "code": "print(1)\n",
        "createdAt": services.now(),
    }


async def _stored_run(services: Services, room_id: str, user: Account, started_ago: timedelta | None) -> str:
    """A stored run, queued, or running since `started_ago`."""
    repo, job = ExecutionRepository(services.mongo), _stored_job("run", room_id, user, services)
    await repo.create("run", job)
    if started_ago is not None:
        await repo.set_status("run", job["_id"], "running", services.now() - started_ago)
    return str(job["_id"])


async def test_run_poll_queued(client: httpx.AsyncClient, services: Services) -> None:
    _, guest, room = await coding_room(client, services)
    job_id = await _stored_run(services, room["roomId"], guest, None)
    assert _conforms(RUN_PROGRESS, await _get(client, guest, f"/api/execution/{job_id}")) == {
        "status": "queued"
    }
    status = await _get(client, guest, f"/api/execution/{job_id}/status")
    assert _conforms(JOB_STATUS, status) == {"status": "queued"}


async def test_run_poll_vanished_job_is_failed(client: httpx.AsyncClient, services: Services) -> None:
    _, guest, room = await coding_room(client, services)
    lost = await _stored_run(services, room["roomId"], guest, RUN_VANISHED_AFTER + timedelta(minutes=1))
    busy = await _stored_run(services, room["roomId"], guest, RUN_VANISHED_AFTER - timedelta(minutes=1))
    assert _conforms(RUN_VANISHED, await _get(client, guest, f"/api/execution/{lost}")) == {
        "status": "failed"
    }
    assert (
        _conforms(JOB_STATUS, await _get(client, guest, f"/api/execution/{lost}/status"))["status"]
        == "failed"
    )
    assert _conforms(RUN_PROGRESS, await _get(client, guest, f"/api/execution/{busy}")) == {
        "status": "running"
    }


async def test_run_poll_running_then_result(client: httpx.AsyncClient, services: Services) -> None:
    _, guest, room = await coding_room(client, services)
    path = f"/api/execution/{(await _run(client, guest, room['roomId'], code=SLOW_ECHO, stdin='x'))['jobId']}"
    running = await poll(client, guest, path, lambda body: body["status"] != "queued")
    assert _conforms(RUN_PROGRESS, running) == {"status": "running"}
    assert _conforms(JOB_STATUS, await _get(client, guest, f"{path}/status")) == {"status": "running"}
    done = _conforms(RUN_CODE_RESULT, await poll(client, guest, path, lambda body: "stdout" in body))
    assert (done["status"], done["stdout"], done["exitCode"], done["timedOut"]) == (
        "completed",
        "x\n",
        0,
        False,
    )
    assert "error" not in done
    assert _conforms(JOB_STATUS, await _get(client, guest, f"{path}/status")) == {"status": "completed"}


async def test_run_poll_runtime_error_is_a_failed_result(
    client: httpx.AsyncClient, services: Services
) -> None:
    _, guest, room = await coding_room(client, services)
    crash = await _run(client, guest, room["roomId"], code="print('a')\nraise SystemExit(4)\n")
    done = _conforms(RUN_CODE_RESULT, await settled(client, guest, f"/api/execution/{crash['jobId']}"))
    assert (done["status"], done["stdout"], done["exitCode"], done["verdict"]) == (
        "failed",
        "a\n",
        4,
        "runtime_error",
    )
    assert done["error"] == "Runtime error (exit code 4)"


async def test_run_poll_compile_error_is_a_finished_run(
    client: httpx.AsyncClient, services: Services
) -> None:
    host, guest, room = await coding_room(client, services)
    rid = room["roomId"]
    broken = await _run(client, guest, rid, language="c", code=BROKEN_C)
    done = _conforms(RUN_CODE_RESULT, await settled(client, guest, f"/api/execution/{broken['jobId']}"))
    assert (done["status"], done["stdout"], done["verdict"]) == ("failed", "", "compilation_error")
    assert "error" in done["error"]
    assert (await _get(client, host, f"/api/execution/{broken['jobId']}/status")) == {"status": "failed"}
    (entry,) = (await _get(client, host, f"/api/rooms/{rid}/runs"))["data"]
    entry_schema = _object({"createdAt": TIMESTAMP, "completedAt": TIMESTAMP, "result": RUN_CODE_RESULT})
    assert _conforms(entry_schema, entry)["result"] == done


async def test_submission_pending(client: httpx.AsyncClient, services: Services) -> None:
    _, guest, room = await coding_room(client, services)
    stored = _stored_job("submission", room["roomId"], guest, services) | {"totalTestCases": 2}
    await ExecutionRepository(services.mongo).create("submission", stored)
    pending = _conforms(EXECUTION_DETAILS, await _get(client, guest, f"/api/submissions/{stored['_id']}"))
    assert (pending["status"], pending["totalTestCases"], pending["testCases"]) == ("pending", 2, [])
    assert (pending["totalDurationMs"], pending["completedAt"]) == (None, None)


async def test_submission_running_then_completed(client: httpx.AsyncClient, services: Services) -> None:
    admin = await admin_account(client, services)
    _, guest, room = await coding_room(client, services, problemId=await problem_with_hidden(client, admin))
    body = {"language": "python", "code": SLOW_ECHO}
    accepted = ok(await post(client, guest, f"/api/rooms/{room['roomId']}/submit", body), 202)
    path = f"/api/submissions/{accepted['submissionId']}"
    running = await poll(client, guest, path, lambda body: body["status"] != "pending")
    assert _conforms(EXECUTION_DETAILS, running)["status"] == "running"
    done = _conforms(EXECUTION_DETAILS, await settled(client, guest, path))
    assert (done["status"], done["totalTestCases"], done["passedTestCases"]) == ("completed", 2, 2)
    assert (done["failedTestCases"], done["errorTestCases"]) == (0, 0)
    assert [case["testCaseIndex"] for case in done["testCases"]] == [0, 1]
    assert done["submittedAt"] <= done["completedAt"]
    assert done["totalDurationMs"] == done["testCases"][0]["durationMs"]  # the hidden one is not counted


async def test_static_analysis_pending_while_queued_or_running(
    client: httpx.AsyncClient, services: Services
) -> None:
    host, guest, room = await coding_room(client, services)
    rid, repo = room["roomId"], AnalysisRepository(services.mongo)
    job = _stored_job("run", rid, guest, services) | {"source": "run", "runId": str(uuid.uuid4())}
    await repo.create(job | {"submissionId": None})
    readers = (
        f"/api/execution/static-analysis/{job['_id']}",
        f"/api/rooms/{rid}/static-analysis/{job['_id']}",
    )
    for reader in readers:
        assert _conforms(ANALYSIS_PENDING, await _get(client, guest, reader))["status"] == "pending"
    await repo.set_running(job["_id"], services.now())
    for reader in readers:
        assert _conforms(ANALYSIS_PENDING, await _get(client, host, reader))["status"] == "pending"


async def test_static_analysis_completed(client: httpx.AsyncClient, services: Services) -> None:
    host, guest, room = await coding_room(client, services)
    rid = room["roomId"]
    run = await _run(client, guest, rid, code=FLAWED_COPIES)
    job_id = run["staticAnalysisJobId"]
    done = _conforms(ANALYSIS_DONE, await settled(client, guest, f"/api/execution/static-analysis/{job_id}"))
    assert (done["status"], done["source"], done["runId"], done["error"]) == (
        "completed",
        "run",
        run["jobId"],
        None,
    )
    assert all(done[key] for key in ("diagnostics", "complexity", "duplications", "toolResults"))
    assert done["completedAt"] is not None
    assert await _get(client, host, f"/api/rooms/{rid}/static-analysis/{job_id}") == done


async def test_openapi_names_every_execution_shape(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/api/openapi.json")).json()
    expected = {
        "/api/execution/{job_id}": {"RunCodeResult", "ExecutionProgress"},
        "/api/execution/{job_id}/status": {"ExecutionStatus"},
        "/api/submissions/{submission_id}": {"ExecutionDetails"},
        "/api/execution/static-analysis/{job_id}": {"StaticAnalysisPending", "StaticAnalysisResult"},
        "/api/rooms/{room_id}/static-analysis/{job_id}": {"StaticAnalysisPending", "StaticAnalysisResult"},
        "/api/rooms/{room_id}/runs": {"RunEntryPage"},
        "/api/rooms/{room_id}/submissions": {"SubmissionSummaryPage"},
    }
    for path, names in expected.items():
        schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        refs = {ref["$ref"] for ref in schema.get("anyOf", [schema])}
        assert refs == {f"#/components/schemas/{name}" for name in names}, path
    assert spec["components"]["schemas"]["RunCodeResult"]["properties"]["status"]["enum"] == [
        "completed",
        "failed",
    ]
