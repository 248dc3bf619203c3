"""Loading the shipped problem bank into the database, idempotently.

A problem is identified by its slug (its id is derived from it). Unchanged problems are skipped; an
edited bank file updates its problem in place (counters and creation time are kept).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from engine.errors import Conflict
from gateway.services import Services
from storage.bank import BANK_DIR, content_hash, load_bank

log = logging.getLogger(__name__)


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


async def seed_bank(services: Services, root: Path = BANK_DIR) -> SeedReport:
    bank = await asyncio.to_thread(load_bank, services.now(), root)
    report = SeedReport(failed={f.slug: "; ".join(f.problems) for f in bank.failures})
    stored = await services.problems.seed_state()
    for entry in bank.entries:
        slug = entry.problem.slug or entry.problem.id
        digest = content_hash(entry)
        try:
            if slug not in stored:
                await services.problems.insert(entry.problem, entry.tests)
                report.created.append(slug)
            elif stored[slug] != digest:
                current = await services.problems.get(entry.problem.id, include_deleted=True)
                kept = entry.problem
                if current is not None:  # admin decisions (publish state, deletion) survive a bank edit
                    kept = replace(
                        kept,
                        created_at=current.created_at,
                        is_published=current.is_published,
                        deleted_at=current.deleted_at,
                    )
                await services.problems.save(kept, entry.tests)
                report.updated.append(slug)
            else:
                report.unchanged.append(slug)
                continue
        except Conflict as exc:
            report.failed[slug] = exc.message
            continue
        await services.problems.mark_seeded(entry.problem.id, digest)
    for slug, reason in report.failed.items():
        log.warning("bank problem not loaded", extra={"slug": slug, "reason": reason})
    return report
