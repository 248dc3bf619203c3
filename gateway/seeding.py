"""Loading the shipped problem bank into the database, idempotently.

A problem is identified by its slug (its id is derived from it). Every seed generates/verifies the
bank's tests (`storage.bank.scan_bank`: sha256 against tests.sha256, so no edit goes unnoticed) and
compares each problem's cheap digest with the stored one: an unchanged problem is neither parsed nor
written; a new or edited one is parsed and stored, a few concurrently (an edit updates it in place:
counters, creation time and admin decisions are kept).
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

from engine.errors import Conflict
from engine.problems.bank import BankEntry, BankError
from engine.problems.model import Problem
from gateway.services import Services
from storage.bank import BANK_DIR, BankScan, read_entry, scan_bank

log = logging.getLogger(__name__)
Outcome = Literal["created", "updated", "unchanged", "failed"]


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        return (
            f"problem bank: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed"
        )

    def add(self, slug: str, outcome: Outcome, reason: str = "") -> None:
        if outcome == "failed":
            self.failed[slug] = reason
            return
        {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}[outcome].append(slug)


async def seed_bank(services: Services, root: Path = BANK_DIR) -> SeedReport:
    scan = await asyncio.to_thread(scan_bank, root)
    stored = await services.problems.seed_state()
    now, limit = services.now(), asyncio.Semaphore(os.cpu_count() or 1)
    try:
        async with asyncio.TaskGroup() as group:  # one failing write cancels the others
            tasks = [group.create_task(_seed_one(services, item, stored, now, limit)) for item in scan.scans]
    except ExceptionGroup as failure:
        raise failure.exceptions[0] from None
    report = SeedReport(failed={f.slug: "; ".join(f.problems) for f in scan.failures})
    for item, task in zip(scan.scans, tasks, strict=True):
        report.add(item.slug, *task.result())
    for slug, why in report.failed.items():
        log.warning("bank problem not loaded", extra={"slug": slug, "reason": why})
    return report


async def _seed_one(
    services: Services, item: BankScan, stored: dict[str, str], now: datetime, limit: asyncio.Semaphore
) -> tuple[Outcome, str]:
    """Parse and store one new or edited problem (a few at a time: compressing overlaps inserting)."""
    if stored.get(item.slug) == item.digest:
        return "unchanged", ""
    async with limit:
        entry = await asyncio.to_thread(read_entry, item.folder, now)
        if isinstance(entry, BankError):
            return "failed", "; ".join(entry.problems)
        try:
            outcome = await _store(services, entry, exists=item.slug in stored)
        except Conflict as exc:
            return "failed", exc.message
        await services.problems.mark_seeded(entry.problem.id, item.digest)
    return outcome, ""


async def _store(services: Services, entry: BankEntry, exists: bool) -> Outcome:
    if not exists:
        await services.problems.insert(entry.problem, entry.tests)
        return "created"
    await services.problems.save(await _keep_admin_state(services, entry.problem), entry.tests)
    return "updated"


async def _keep_admin_state(services: Services, problem: Problem) -> Problem:
    """Admin decisions (publish state, deletion) and the creation time survive a bank edit."""
    current = await services.problems.get(problem.id, include_deleted=True)
    if current is None:
        return problem
    return replace(
        problem,
        created_at=current.created_at,
        is_published=current.is_published,
        deleted_at=current.deleted_at,
    )
