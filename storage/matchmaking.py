"""Matchmaking in MongoDB: the queue (`match_tickets`), open proposals (`match_proposals`), recent matches
(`match_results`), skill ratings (`user_skills`), and the reads a matching cycle needs (open public
rooms, the published catalogue, a user's solved problems and finished-session evidence).

Invariant: `apply` writes a batch of changes in the order upsert proposals, upsert tickets, upsert
results, delete tickets, delete proposals, delete results — so a crash between two writes leaves a user
in two places (which `Matchmaker.load` resolves), never in none. Every write is idempotent (keyed by id).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DeleteOne, ReplaceOne

from engine.matchmaking import (
    Catalogue,
    CatalogueProblem,
    Changes,
    Matched,
    OpenRoom,
    Plan,
    PlanKind,
    Preferences,
    Proposal,
    ProposalState,
    Seat,
    SessionEvidence,
    Skill,
    Ticket,
)
from engine.matchmaking.proposals import Lease
from engine.problems.model import Difficulty
from engine.room.roles import RoomRole
from storage.client import Document, Mongo
from storage.rooms import LIVE

OPEN_ROOMS_MAX = 100
"""Candidates of the "existing rooms first" step per cycle, oldest first (the reference's bound)."""
EVIDENCE_SESSIONS_MAX = 50


def _prefs_doc(p: Preferences) -> Document:
    return {
        "languages": list(p.languages),
        "difficulties": [d.value for d in p.difficulties],
        "problemIds": list(p.problem_ids),
        "topics": list(p.topics),
        "roles": [r.value for r in p.roles],
    }


def prefs_from_doc(d: Document) -> Preferences:
    return Preferences(
        languages=tuple(d.get("languages", ())),
        difficulties=tuple(Difficulty(v) for v in d.get("difficulties", ())),
        problem_ids=tuple(d.get("problemIds", ())),
        topics=tuple(d.get("topics", ())),
        roles=tuple(RoomRole(v) for v in d.get("roles", ())),
    )


def ticket_doc(t: Ticket) -> Document:
    return {
        "_id": t.ticket_id,
        "userId": t.user_id,
        "seq": t.seq,
        "enteredAt": t.entered_at,
        "expiresAt": t.expires_at,
        "preferences": _prefs_doc(t.preferences),
        "skill": {"mu": t.skill.mu, "sigma": t.skill.sigma},
        "solved": sorted(t.solved),
        "requireConfirmation": t.require_confirmation,
        "avoid": sorted(t.avoid),
        "triedRooms": sorted(t.tried_rooms),
    }


def ticket_from_doc(d: Document) -> Ticket:
    return Ticket(
        ticket_id=d["_id"],
        user_id=d["userId"],
        seq=int(d["seq"]),
        entered_at=d["enteredAt"],
        expires_at=d["expiresAt"],
        preferences=prefs_from_doc(d["preferences"]),
        skill=Skill(mu=float(d["skill"]["mu"]), sigma=float(d["skill"]["sigma"])),
        solved=frozenset(d.get("solved", ())),
        require_confirmation=bool(d.get("requireConfirmation", False)),
        avoid=frozenset(d.get("avoid", ())),
        tried_rooms=frozenset(d.get("triedRooms", ())),
    )


def _plan_doc(p: Plan) -> Document:
    return {
        "kind": p.kind.value,
        "language": p.language,
        "problemId": p.problem_id,
        "difficulty": p.difficulty.value if p.difficulty else None,
        "roomId": p.room_id,
        "roomCode": p.room_code,
        "hostId": p.host_id,
    }


def _plan_from_doc(d: Document) -> Plan:
    return Plan(
        kind=PlanKind(d["kind"]),
        language=d.get("language"),
        problem_id=d.get("problemId"),
        difficulty=Difficulty(d["difficulty"]) if d.get("difficulty") else None,
        room_id=d.get("roomId"),
        room_code=d.get("roomCode"),
        host_id=d.get("hostId"),
    )


def proposal_doc(p: Proposal) -> Document:
    return {
        "_id": p.match_id,
        "seats": [
            {"ticket": ticket_doc(s.ticket), "role": s.role.value, "accepted": s.accepted} for s in p.seats
        ],
        "plan": _plan_doc(p.plan),
        "createdAt": p.created_at,
        "deadline": p.deadline,
        "state": p.state.value,
        "lease": {"token": p.lease.token, "until": p.lease.until} if p.lease else None,
    }


def proposal_from_doc(d: Document) -> Proposal:
    lease = d.get("lease")
    return Proposal(
        match_id=d["_id"],
        seats=tuple(
            Seat(ticket=ticket_from_doc(s["ticket"]), role=RoomRole(s["role"]), accepted=bool(s["accepted"]))
            for s in d["seats"]
        ),
        plan=_plan_from_doc(d["plan"]),
        created_at=d["createdAt"],
        deadline=d["deadline"],
        state=ProposalState(d["state"]),
        lease=Lease(token=lease["token"], until=lease["until"]) if lease else None,
    )


def result_doc(r: Matched) -> Document:
    return {
        "_id": r.user_id,
        "requestId": r.request_id,
        "matchId": r.match_id,
        "roomId": r.room_id,
        "matchedWith": r.matched_with,
        "role": r.role.value,
        "ticket": ticket_doc(r.ticket),
        "matchedAt": r.matched_at,
        "expiresAt": r.expires_at,
    }


def result_from_doc(d: Document) -> Matched:
    return Matched(
        user_id=d["_id"],
        request_id=d["requestId"],
        match_id=d["matchId"],
        room_id=d["roomId"],
        matched_with=d.get("matchedWith"),
        role=RoomRole(d["role"]),
        ticket=ticket_from_doc(d["ticket"]),
        matched_at=d["matchedAt"],
        expires_at=d["expiresAt"],
    )


def _split(values: dict[str, Any]) -> tuple[list[Any], list[str]]:
    return [v for v in values.values() if v is not None], [k for k, v in values.items() if v is None]


class MatchStore:
    """The queue's persistence and the lookups of a matching cycle."""

    def __init__(self, mongo: Mongo) -> None:
        db = mongo.db
        self._tickets, self._proposals, self._results = (
            db["match_tickets"],
            db["match_proposals"],
            db["match_results"],
        )
        self._rooms, self._problems, self._attempts = db["rooms"], db["problems"], db["problem_attempts"]

    async def load(self) -> tuple[list[Ticket], list[Proposal], list[Matched]]:
        tickets = [ticket_from_doc(d) async for d in self._tickets.find().sort("seq", ASCENDING)]
        proposals = [proposal_from_doc(d) async for d in self._proposals.find()]
        results = [result_from_doc(d) async for d in self._results.find()]
        return tickets, proposals, results

    async def apply(self, changes: Changes) -> None:
        """Persist one batch in the crash-safe order (see the module docstring)."""
        tickets, gone_tickets = _split(changes.tickets)
        proposals, gone_proposals = _split(changes.proposals)
        results, gone_results = _split(changes.results)
        await self._replace(self._proposals, [proposal_doc(p) for p in proposals])
        await self._replace(self._tickets, [ticket_doc(t) for t in tickets])
        await self._replace(self._results, [result_doc(r) for r in results])
        for collection, ids in (
            (self._tickets, gone_tickets),
            (self._proposals, gone_proposals),
            (self._results, gone_results),
        ):
            if ids:
                await collection.bulk_write([DeleteOne({"_id": i}) for i in ids], ordered=True)

    @staticmethod
    async def _replace(collection: Any, docs: list[Document]) -> None:
        if docs:
            await collection.bulk_write(
                [ReplaceOne({"_id": d["_id"]}, d, upsert=True) for d in docs], ordered=True
            )

    async def catalogue(self) -> Catalogue:
        """Published live problems, most recently updated first; the version hashes what decides
        whether a pair has a problem (ids, difficulties, tags), not the order."""
        query = {"isPublished": True, "deletedAt": None}
        fields = {"difficulty": 1, "tags": 1, "updatedAt": 1}
        cursor = self._problems.find(query, fields).sort([("updatedAt", -1), ("_id", 1)])
        problems = tuple(
            [
                CatalogueProblem(
                    d["_id"], Difficulty(d["difficulty"]), frozenset(d.get("tags", ())), d["updatedAt"]
                )
                async for d in cursor
            ]
        )
        digest = hashlib.sha256()
        for p in sorted(problems, key=lambda p: p.id):
            digest.update(f"{p.id}|{p.difficulty.value}|{','.join(sorted(p.tags))};".encode())
        return Catalogue(problems=problems, version=digest.hexdigest())

    async def solved(self, user_id: str) -> frozenset[str]:
        cursor = self._attempts.find({"userId": user_id, "solved": True}, {"problemId": 1})
        return frozenset([d["problemId"] async for d in cursor])

    async def open_rooms(self, catalogue: Catalogue) -> list[OpenRoom]:
        """Public waiting peer rooms with an active participant and a free slot, on no problem or a
        published one, oldest first."""
        query = {
            "isPrivate": False,
            "status": "waiting",
            "mode": "peer",
            "openSeats": {"$gt": 0},
            "activeParticipantIds.0": {"$exists": True},
            **LIVE,
        }
        cursor = (
            self._rooms.find(query).sort([("createdAt", ASCENDING), ("_id", ASCENDING)]).limit(OPEN_ROOMS_MAX)
        )
        known = catalogue.by_id
        return [room for room in [_open_room(d, known) async for d in cursor] if room is not None]


def _open_room(d: Document, known: dict[str, CatalogueProblem]) -> OpenRoom | None:
    problem_id = d.get("problemId")
    problem = known.get(problem_id) if problem_id else None
    if problem_id and problem is None:
        return None
    active = [p for p in d.get("participants", ()) if p.get("isActive")]
    taken = {p.get("role") for p in active}
    free = frozenset(r for r in (RoomRole.INTERVIEWER, RoomRole.CANDIDATE) if r.value not in taken)
    return OpenRoom(
        room_id=d["_id"],
        code=d["code"],
        host_id=d["hostId"],
        language=d.get("language"),
        problem_id=problem_id,
        difficulty=problem.difficulty if problem else None,
        tags=problem.tags if problem else frozenset(),
        member_ids=frozenset(p["userId"] for p in d.get("participants", ())),
        free_roles=free,
        open_seats=int(d.get("openSeats", 0)),
        created_at=d["createdAt"],
    )


@dataclass(frozen=True)
class StoredSkill:
    skill: Skill
    rated_through: datetime | None


class SkillStore:
    """Skill ratings (`user_skills`) and the evidence of a user's finished sessions."""

    def __init__(self, mongo: Mongo) -> None:
        db = mongo.db
        self._skills, self._sessions = db["user_skills"], db["sessions"]
        self._submissions, self._feedback, self._problems = (
            db["submissions"],
            db["peer_feedback"],
            db["problems"],
        )

    async def get(self, user_id: str) -> StoredSkill:
        doc = await self._skills.find_one({"_id": user_id})
        if doc is None:
            return StoredSkill(Skill(), None)
        return StoredSkill(Skill(float(doc["mu"]), float(doc["sigma"])), doc.get("ratedThrough"))

    async def save(self, user_id: str, skill: Skill, rated_through: datetime, sessions: int) -> None:
        """Idempotent: rating the same sessions again writes the same values."""
        await self._skills.update_one(
            {"_id": user_id},
            {
                "$set": {"mu": skill.mu, "sigma": skill.sigma, "ratedThrough": rated_through},
                "$inc": {"sessions": sessions},
            },
            upsert=True,
        )

    async def evidence(self, user_id: str, after: datetime | None) -> list[SessionEvidence]:
        """The user's finished sessions after `after` (oldest first, bounded) and what each says."""
        query: Document = {"participantIds": user_id, "status": "finished"}
        if after is not None:
            query["finishedAt"] = {"$gt": after}
        cursor = self._sessions.find(query).sort("finishedAt", ASCENDING).limit(EVIDENCE_SESSIONS_MAX)
        sessions = [d async for d in cursor]
        if not sessions:
            return []
        ratios = await self._pass_ratios(user_id, sessions)
        peers = await self._peer_ratings(user_id, [s["_id"] for s in sessions])
        difficulties = await self._difficulties([s.get("problemId") for s in sessions])
        return [
            SessionEvidence(
                session_id=s["_id"],
                finished_at=s["finishedAt"],
                difficulty=difficulties.get(s.get("problemId") or ""),
                solved=user_id in s.get("solvedBy", ()),
                best_pass_ratio=ratios.get(s["_id"]),
                peer_overall=peers.get(s["_id"]),
            )
            for s in sessions
        ]

    async def _pass_ratios(self, user_id: str, sessions: Iterable[Document]) -> dict[str, float]:
        """Best passed/total of the user's judged submissions within each session's time."""
        best: dict[str, float] = {}
        for s in sessions:
            window = {"$gte": s["startedAt"], "$lte": s["finishedAt"]}
            query = {"roomId": s["roomId"], "userId": user_id, "createdAt": window, "status": "completed"}
            async for sub in self._submissions.find(query, {"result": 1}):
                result = sub.get("result") or {}
                total = int(result.get("total") or 0)
                if total:
                    best[s["_id"]] = max(best.get(s["_id"], 0.0), int(result.get("passed") or 0) / total)
        return best

    async def _peer_ratings(self, user_id: str, session_ids: list[str]) -> dict[str, float]:
        sums: dict[str, list[int]] = {}
        query = {"sessionId": {"$in": session_ids}, "candidateId": user_id}
        async for doc in self._feedback.find(query, {"sessionId": 1, "ratings.overall": 1}):
            sums.setdefault(doc["sessionId"], []).append(int(doc["ratings"]["overall"]))
        return {sid: sum(v) / len(v) for sid, v in sums.items()}

    async def _difficulties(self, problem_ids: list[str | None]) -> dict[str, Difficulty]:
        ids = [p for p in problem_ids if p]
        cursor = self._problems.find({"_id": {"$in": ids}}, {"difficulty": 1})
        return {d["_id"]: Difficulty(d["difficulty"]) async for d in cursor}
