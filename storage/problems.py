"""Problems and their test cases in MongoDB; list queries with filters, sorts and keyset cursors.

Test cases live in `problem_tests` (one document per case, `_id = <problemId>:<index>`), so lists and
detail reads never load large hidden inputs. A case text of COMPRESS_MIN_BYTES or more is stored as
zlib-compressed UTF-8 (BSON binary, `codec: "zlib"` on the document); plain string fields (all older
documents) are read as they are, so readers always get the full text. Counters
`totalSubmissions`/`acceptedSubmissions`/`popularity` are maintained by `record_submission` (the
execution path calls it).
"""

from __future__ import annotations

import asyncio
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from engine.errors import Conflict, ErrorCode
from engine.pagination import Cursor
from engine.problems.model import Difficulty, Example, Problem, ProblemSort, TestCase, popularity
from storage.client import Document, Mongo

CODEC = "zlib"
COMPRESS_MIN_BYTES = 4096
ZLIB_LEVEL = 1  # fast; the large cases are random numbers, higher levels gain little (78 vs 71 MB)

SORT_FIELDS = {
    ProblemSort.TITLE: "titleKey",
    ProblemSort.DIFFICULTY: "difficultyRank",
    ProblemSort.CREATED_AT: "createdAt",
    ProblemSort.POPULARITY: "popularity",
    ProblemSort.TOTAL_SUBMISSIONS: "totalSubmissions",
}


@dataclass(frozen=True)
class ProblemQuery:
    """A list request, already resolved to problem-id sets for the caller-relative filters."""

    published_only: bool
    difficulties: tuple[Difficulty, ...] = ()
    tags: tuple[str, ...] = ()
    company: str | None = None
    search: str | None = None
    include_ids: frozenset[str] | None = None
    exclude_ids: frozenset[str] | None = None
    ids_any_of: tuple[dict[str, Any], ...] = ()


def to_document(p: Problem) -> Document:
    return {
        "_id": p.id,
        "slug": p.slug,
        "title": p.title,
        "titleKey": p.title.lower(),
        "description": p.description,
        "difficulty": p.difficulty.value,
        "difficultyRank": p.difficulty.rank,
        "tags": list(p.tags),
        "company": p.company,
        "constraints": p.constraints,
        "examples": [
            {"input": e.input, "output": e.output, "explanation": e.explanation} for e in p.examples
        ],
        "starterCode": p.starter_code,
        "timeLimitMs": p.time_limit_ms,
        "memoryLimitMb": p.memory_limit_mb,
        "isPublished": p.is_published,
        "createdAt": p.created_at,
        "updatedAt": p.updated_at,
        "testCaseCount": p.test_case_count,
        "hiddenTestCaseCount": p.hidden_test_case_count,
        "hints": list(p.hints),
        "optimalTime": p.optimal_time,
        "optimalSpace": p.optimal_space,
        "solutions": p.solutions,
        "deletedAt": p.deleted_at,
    }


def from_document(d: Document) -> Problem:
    return Problem(
        id=d["_id"],
        slug=d.get("slug"),
        title=d["title"],
        description=d["description"],
        difficulty=Difficulty(d["difficulty"]),
        tags=tuple(d.get("tags", ())),
        company=d.get("company"),
        constraints=d.get("constraints"),
        examples=tuple(Example(e["input"], e["output"], e.get("explanation")) for e in d.get("examples", ())),
        starter_code=dict(d.get("starterCode") or {}),
        time_limit_ms=d.get("timeLimitMs"),
        memory_limit_mb=d.get("memoryLimitMb"),
        is_published=bool(d["isPublished"]),
        created_at=d["createdAt"],
        updated_at=d["updatedAt"],
        test_case_count=int(d.get("testCaseCount", 0)),
        hidden_test_case_count=int(d.get("hiddenTestCaseCount", 0)),
        total_submissions=int(d.get("totalSubmissions", 0)),
        accepted_submissions=int(d.get("acceptedSubmissions", 0)),
        hints=tuple(d.get("hints", ())),
        optimal_time=d.get("optimalTime"),
        optimal_space=d.get("optimalSpace"),
        solutions=dict(d.get("solutions") or {}),
        deleted_at=d.get("deletedAt"),
    )


def _pack(text: str) -> str | bytes:
    data = text.encode()
    return zlib.compress(data, ZLIB_LEVEL) if len(data) >= COMPRESS_MIN_BYTES else text


def _unpack(value: str | bytes, codec: str | None) -> str:
    if isinstance(value, str):
        return value
    if codec != CODEC:
        raise ValueError(f"problem test stored with unknown codec {codec!r}")
    return zlib.decompress(value).decode()


def _case_document(problem_id: str, index: int, case: TestCase) -> Document:
    texts = {"input": _pack(case.input), "expectedOutput": _pack(case.expected_output)}
    packed = any(isinstance(v, bytes) for v in texts.values())
    return {
        "_id": f"{problem_id}:{index}",
        "problemId": problem_id,
        "index": index,
        **texts,
        **({"codec": CODEC} if packed else {}),
        "isHidden": case.is_hidden,
        "description": case.description,
        "timeoutMs": case.timeout_ms,
        "memoryMb": case.memory_mb,
    }


def case_documents(problem_id: str, tests: Iterable[TestCase]) -> list[Document]:
    """The stored form of a problem's cases (compresses large texts: CPU-bound, call off the loop)."""
    return [_case_document(problem_id, i, c) for i, c in enumerate(tests)]


def case_from_document(d: Document) -> TestCase:
    """The full case, whichever way it was stored."""
    return TestCase(
        input=_unpack(d["input"], d.get("codec")),
        expected_output=_unpack(d["expectedOutput"], d.get("codec")),
        is_hidden=d["isHidden"],
        description=d.get("description"),
        timeout_ms=d.get("timeoutMs"),
        memory_mb=d.get("memoryMb"),
    )


def _cases(docs: list[Document]) -> list[TestCase]:
    return [case_from_document(d) for d in docs]


def _filter(query: ProblemQuery) -> Document:
    clauses: list[Document] = [{"deletedAt": None}]
    if query.published_only:
        clauses.append({"isPublished": True})
    if query.difficulties:
        clauses.append({"difficulty": {"$in": [d.value for d in query.difficulties]}})
    if query.tags:
        clauses.append({"tags": {"$in": list(query.tags)}})
    if query.company:
        clauses.append({"company": query.company})
    if query.search:
        pattern = {"$regex": re.escape(query.search), "$options": "i"}
        clauses.append({"$or": [{"title": pattern}, {"description": pattern}]})
    if query.ids_any_of:
        clauses.append({"$or": list(query.ids_any_of)})
    return {"$and": clauses}


def _after(field: str, cursor: Cursor, descending: bool) -> Document:
    op = "$lt" if descending else "$gt"
    value: Any = cursor.value
    if field == "createdAt" and isinstance(value, int | float):
        value = cursor.moment
    return {"$or": [{field: {op: value}}, {field: value, "_id": {op: cursor.id}}]}


def cursor_value(problem: Document, sort: ProblemSort) -> str | int | float:
    value = problem[SORT_FIELDS[sort]]
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000)
    return value  # type: ignore[no-any-return]


class ProblemRepository:
    def __init__(self, mongo: Mongo) -> None:
        self._problems = mongo.db["problems"]
        self._tests = mongo.db["problem_tests"]
        self._attempts = mongo.db["problem_attempts"]
        self._rooms = mongo.db["rooms"]
        self._sessions = mongo.db["sessions"]

    async def get(self, problem_id: str, include_deleted: bool = False) -> Problem | None:
        query: Document = {"_id": problem_id} if include_deleted else {"_id": problem_id, "deletedAt": None}
        doc = await self._problems.find_one(query)
        return from_document(doc) if doc else None

    async def visible_ids(self, published_only: bool) -> list[str]:
        query: Document = {"deletedAt": None, **({"isPublished": True} if published_only else {})}
        return [d["_id"] async for d in self._problems.find(query, {"_id": 1})]

    async def ids_where(
        self, *, title: str | None = None, difficulty: str | None = None, published: bool | None = None
    ) -> list[str]:
        """Ids of live problems whose title contains `title` (any case), of a difficulty, (un)published."""
        query: Document = {"deletedAt": None}
        if title is not None:
            query["title"] = {"$regex": re.escape(title), "$options": "i"}
        if difficulty is not None:
            query["difficulty"] = difficulty
        if published is not None:
            query["isPublished"] = published
        return [d["_id"] async for d in self._problems.find(query, {"_id": 1})]

    async def get_many(self, ids: list[str]) -> dict[str, Problem]:
        return {d["_id"]: from_document(d) async for d in self._problems.find({"_id": {"$in": ids}})}

    async def title_taken(self, title: str, except_id: str | None = None) -> bool:
        query: Document = {"titleKey": title.strip().lower(), "deletedAt": None}
        if except_id:
            query["_id"] = {"$ne": except_id}
        return await self._problems.find_one(query, {"_id": 1}) is not None

    async def insert(self, problem: Problem, tests: tuple[TestCase, ...]) -> Problem:
        try:
            await self._problems.insert_one(
                {**to_document(problem), "totalSubmissions": 0, "acceptedSubmissions": 0, "popularity": 0.0}
            )
        except DuplicateKeyError as exc:
            raise Conflict(ErrorCode.PROBLEM_DUPLICATE_TITLE, "A problem with this title exists") from exc
        await self.replace_tests(problem.id, tests)
        return problem

    async def save(self, problem: Problem, tests: tuple[TestCase, ...] | None = None) -> Problem:
        """Overwrite the stored fields (counters are kept); replace test cases when given."""
        doc = to_document(problem)
        doc.pop("_id")
        try:
            await self._problems.update_one({"_id": problem.id}, {"$set": doc})
        except DuplicateKeyError as exc:
            raise Conflict(ErrorCode.PROBLEM_DUPLICATE_TITLE, "A problem with this title exists") from exc
        if tests is not None:
            await self.replace_tests(problem.id, tests)
        return problem

    async def replace_tests(self, problem_id: str, tests: tuple[TestCase, ...]) -> None:
        docs = await asyncio.to_thread(case_documents, problem_id, tests) if tests else []
        await self._tests.delete_many({"problemId": problem_id})
        if docs:
            await self._tests.insert_many(docs)

    async def tests(self, problem_id: str, include_hidden: bool) -> list[TestCase]:
        """Every case in full (the judge runs these); decompression happens off the event loop."""
        query: Document = {"problemId": problem_id}
        if not include_hidden:
            query["isHidden"] = False
        docs = [d async for d in self._tests.find(query).sort("index", ASCENDING)]
        if any("codec" in d for d in docs):
            return await asyncio.to_thread(_cases, docs)
        return _cases(docs)

    async def seed_state(self) -> dict[str, str]:
        """slug -> stored bank hash, for idempotent seeding."""
        cursor = self._problems.find({"slug": {"$ne": None}}, {"slug": 1, "bankHash": 1})
        return {d["slug"]: d.get("bankHash", "") async for d in cursor}

    async def mark_seeded(self, problem_id: str, bank_hash: str) -> None:
        await self._problems.update_one({"_id": problem_id}, {"$set": {"bankHash": bank_hash}})

    async def search(
        self, query: ProblemQuery, sort: ProblemSort, descending: bool, limit: int, after: Cursor | None
    ) -> list[Document]:
        filters = _filter(query)
        field = SORT_FIELDS[sort]
        if after is not None:
            filters = {"$and": [filters, _after(field, after, descending)]}
        direction = DESCENDING if descending else ASCENDING
        cursor = self._problems.find(filters).sort([(field, direction), ("_id", direction)]).limit(limit + 1)
        return [doc async for doc in cursor]

    async def tags(self) -> list[tuple[str, int]]:
        pipeline: list[Document] = [
            {"$match": {"deletedAt": None, "isPublished": True}},
            {"$unwind": "$tags"},
            {"$group": {"_id": "$tags", "count": {"$sum": 1}}},
            {"$sort": {"count": -1, "_id": 1}},
        ]
        return [(d["_id"], int(d["count"])) async for d in await self._problems.aggregate(pipeline)]

    async def soft_delete(self, problem_id: str, now: datetime) -> None:
        await self._problems.update_one(
            {"_id": problem_id}, {"$set": {"deletedAt": now, "updatedAt": now, "live": False}}
        )

    async def in_use(self, problem_id: str) -> bool:
        """A live room or an ongoing session uses the problem."""
        room = await self._rooms.find_one(
            {"problemId": problem_id, "status": {"$ne": "finished"}}, {"_id": 1}
        )
        if room:
            return True
        return (
            await self._sessions.find_one({"problemId": problem_id, "status": "ongoing"}, {"_id": 1})
            is not None
        )

    async def attempts(self, user_id: str, problem_ids: list[str] | None = None) -> dict[str, Document]:
        """problem id -> {solved, submissions} for the caller."""
        query: Document = {"userId": user_id}
        if problem_ids is not None:
            query["problemId"] = {"$in": problem_ids}
        return {d["problemId"]: d async for d in self._attempts.find(query)}

    async def record_submission(self, problem_id: str, user_id: str, accepted: bool, now: datetime) -> None:
        """Count one judged submission: problem counters, popularity, and the caller's attempt status."""
        doc = await self._problems.find_one_and_update(
            {"_id": problem_id},
            {
                "$inc": {"totalSubmissions": 1, "acceptedSubmissions": int(accepted)},
                "$set": {"updatedAt": now},
            },
            return_document=True,
        )
        if doc:
            rate = popularity(int(doc["totalSubmissions"]), int(doc["acceptedSubmissions"]))
            await self._problems.update_one({"_id": problem_id}, {"$set": {"popularity": rate}})
        await self._attempts.update_one(
            {"_id": f"{user_id}:{problem_id}"},
            {
                "$inc": {"submissions": 1},
                "$max": {"solved": accepted},
                "$set": {"userId": user_id, "problemId": problem_id, "lastSubmittedAt": now},
            },
            upsert=True,
        )
