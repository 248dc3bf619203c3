"""Static analysis over the problem bank: per-language time of a whole analysis (every tool in the
sandbox plus the duplication scan), printed as a Markdown table, and every analysis that had a failed
tool or reported an error (bank code compiles and is accepted, so there should be none).

Usage (as root, like the runner): .venv/bin/python scripts/bench_analysis.py [--problems N | --all]

Each problem contributes its starter code in all eight languages and its reference solutions (python
and C++). Analyses run one at a time; timings include whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from actors.analysis import analyse
from engine.analysis.model import Severity, ToolStatus
from storage.bank import BANK_DIR, load_problem, problem_dirs

NOW = datetime.now(UTC)


async def main(count: int | None) -> int:
    folders = problem_dirs(BANK_DIR)[:count]
    times: dict[str, list[float]] = defaultdict(list)
    findings: dict[str, int] = defaultdict(int)
    trouble = []
    for folder in folders:
        problem = load_problem(folder, NOW).problem
        sources = [(f"starter {lang}", lang, code) for lang, code in problem.starter_code.items()]
        sources += [(f"solution {lang}", lang, code) for lang, code in problem.solutions.items()]
        for name, language, code in sources:
            started = time.perf_counter()
            report = await analyse(language, code)
            times[language].append(time.perf_counter() - started)
            findings[language] += len(report.diagnostics)
            failed = [r.tool for r in report.tool_results if r.status is not ToolStatus.COMPLETED]
            errors = [
                f"{d.tool} {d.rule} line {d.line}" for d in report.diagnostics if d.severity is Severity.ERROR
            ]
            if failed or errors:
                trouble.append(f"{folder.name} {name}: failed {failed}, errors {errors}")
    print(f"{len(folders)} problems; load average {os.getloadavg()[0]:.1f}\n")
    print("| language | analyses | median s | max s | diagnostics |")
    print("|---|---|---|---|---|")
    for language, spent in sorted(times.items()):
        median, worst = statistics.median(spent), max(spent)
        print(f"| {language} | {len(spent)} | {median:.2f} | {worst:.2f} | {findings[language]} |")
    print("\n" + ("\n".join(trouble) if trouble else "every tool completed; no errors reported"))
    return 1 if trouble else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--problems", type=int, default=5)
    group.add_argument("--all", action="store_true")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(None if args.all else args.problems)))
