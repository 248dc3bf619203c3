"""Reading what the candidate wrote: what kind of turn it is and which ideas it names.

Invariant: the candidate's text is only ever classified and compared here, never executed or followed;
an instruction inside it ("ignore previous instructions") is recognised as such and nothing more.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from enum import StrEnum


class MessageKind(StrEnum):
    INJECTION = "injection"
    SOLUTION_REQUEST = "solution-request"
    STUCK = "stuck"
    GIBBERISH = "gibberish"
    DONE = "done"
    COMPLEXITY = "complexity"
    APPROACH = "approach"
    QUESTION = "question"
    GREETING = "greeting"
    OFF_TOPIC = "off-topic"
    OTHER = "other"


WORD = re.compile(r"[a-z0-9']+")
_INJECTION = re.compile(
    r"ignore (all |any |the |your )*(previous|prior|above|earlier|system)"
    r"|disregard (all |any |the |your )*(previous|prior|above|instructions|rules)"
    r"|system prompt|developer mode|jailbreak|you are now|pretend (to be|you are)|act as (a|an|the) "
    r"|new instructions|override (the |your )?(rules|instructions)|reveal (the |your )?(prompt|instructions)"
    r"|print (out )?(the |a )?(full|whole|complete|entire|reference) (solution|answer|code)"
)
_SOLUTION = re.compile(
    r"(give|show|tell|write|send|paste|type) (me )?(the |a |your )?(full |whole |complete |working |entire )?"
    r"(solution|answer|code)|just solve it|solve it for me|what is the answer|do it for me"
)
_STUCK = re.compile(
    r"\b(i don'?t know|idk|no idea|i'?m stuck|stuck|help me|what'?s wrong|i give up|not sure how|"
    r"no clue|confused|lost)\b"
)
_DONE = re.compile(
    r"\b(i'?m done|i am done|i think that'?s it|that'?s it|finished|ready to submit|all done)\b"
)
_COMPLEXITY = re.compile(
    r"\bo\s*\([^)]{1,20}\)|\b(linear|quadratic|logarithmic|n log n|nlogn|constant (time|space)|big o)\b"
)
_GREETING = re.compile(r"^(hi|hello|hey|good (morning|afternoon|evening)|yo)\b")
_QUESTION_START = re.compile(
    r"^(can|could|what|how|is|are|do|does|should|will|may|would|which|when|where|why|am)\b"
)

TECHNIQUES: dict[str, tuple[str, ...]] = {
    "hashing": ("hash", "dict", "dictionary", "map", "set", "count", "counter", "frequency", "table"),
    "sorting": ("sort", "sorted", "sorting", "order"),
    "two-pointers": ("two pointer", "two pointers", "pointers", "left and right", "both ends"),
    "sliding-window": ("window", "sliding"),
    "binary-search": ("binary search", "bisect", "halve", "midpoint"),
    "dynamic-programming": ("dp", "dynamic programming", "memo", "memoize", "memoization", "subproblem"),
    "greedy": ("greedy", "locally", "always take", "best choice"),
    "graphs": ("bfs", "dfs", "graph", "breadth", "depth first", "neighbors", "neighbours", "edges"),
    "heap": ("heap", "priority queue", "heapq"),
    "stack": ("stack", "push", "pop"),
    "recursion": ("recursion", "recursive", "recurse", "backtrack", "backtracking"),
    "brute-force": ("brute force", "brute-force", "nested loop", "nested loops", "every pair", "all pairs"),
    "prefix-sums": ("prefix", "running sum", "cumulative"),
    "bit-manipulation": ("xor", "bitmask", "bit mask", "bits", "bitwise"),
}

_STOP_TEXT = """a about after again all also am an and any are as at be because been before but by can
    could did do does doing each else every for from get give go going gonna got had has have how i i'd
    i'll i'm i've if in into is it it's its just keep know let let's like make maybe me might more most
    my need no not now of off ok okay on once one only or other our out over per put really right same
    see should so some still such sure take than thanks thank that that's the their them then there
    these they thing things think this through to too try trying up us use using very want was way we
    well were what what's when where which while who why will with without would yeah yes yet you your
    hi hello hey"""
_TECH_TEXT = """array arrays element elements first second last index indices length size count counts zero
    negative positive duplicate duplicates line lines letter letters word words character characters
    string strings number numbers integer integers value values largest smallest max min sum pair pairs
    problem approach solution idea plan test tests testing example examples edge edges case cases
    complexity space memory time fast slow faster better worse both true false null none node nodes tree
    trees graph path input output print read return loop loops code function variable list empty check
    run submit bug error wrong answer correct constraint constraints order result left right start end
    done next new big small large linear"""
STOP = frozenset(_STOP_TEXT.split())
TECH = frozenset(_TECH_TEXT.split())


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _gibberish(tokens: Sequence[str], vocabulary: frozenset[str]) -> bool:
    letters = [t for t in tokens if t.replace("'", "").isalpha()]
    if not letters:
        return not tokens or all(not t.isdigit() for t in tokens)
    known = sum(1 for t in letters if t in STOP or t in TECH or t in vocabulary or _technique_word(t))
    mashed = sum(
        1 for t in letters if len(t) > 2 and (not re.search(r"[aeiouy]", t) or re.search(r"(.)\1\1", t))
    )
    return known / len(letters) < 0.3 or mashed / len(letters) > 0.5


def _technique_word(token: str) -> bool:
    return any(token in phrase.split() for phrases in TECHNIQUES.values() for phrase in phrases)


def classify(text: str, vocabulary: frozenset[str] = frozenset()) -> MessageKind:
    """The kind of one candidate turn; `vocabulary` is the problem's words (for off-topic/gibberish)."""
    lowered = " ".join(text.lower().split())
    tokens = words(lowered)
    ordered: tuple[tuple[re.Pattern[str], MessageKind], ...] = (
        (_INJECTION, MessageKind.INJECTION),
        (_SOLUTION, MessageKind.SOLUTION_REQUEST),
    )
    for pattern, kind in ordered:
        if pattern.search(lowered):
            return kind
    if _STUCK.search(lowered):
        return MessageKind.STUCK
    if _COMPLEXITY.search(lowered):
        return MessageKind.COMPLEXITY
    if _gibberish(tokens, vocabulary):
        return MessageKind.GIBBERISH
    return _substance(lowered, tokens, vocabulary)


def _substance(lowered: str, tokens: list[str], vocabulary: frozenset[str]) -> MessageKind:
    if _DONE.search(lowered) and len(tokens) <= 12:
        return MessageKind.DONE
    if techniques(lowered):
        return MessageKind.APPROACH
    if lowered.endswith("?") or _QUESTION_START.match(lowered):
        return MessageKind.QUESTION if _on_topic(tokens, vocabulary) else MessageKind.OFF_TOPIC
    if _GREETING.match(lowered) and len(tokens) <= 6:
        return MessageKind.GREETING
    return MessageKind.OTHER if _on_topic(tokens, vocabulary) else MessageKind.OFF_TOPIC


def _on_topic(tokens: Sequence[str], vocabulary: frozenset[str]) -> bool:
    content = [t for t in tokens if len(t) > 2 and t not in STOP]
    return not content or any(t in vocabulary or t in TECH or _technique_word(t) for t in content)


def techniques(text: str) -> tuple[str, ...]:
    """The technique families the text names, in a stable order."""
    lowered = f" {' '.join(words(text))} "
    return tuple(
        name for name, phrases in TECHNIQUES.items() if any(f" {phrase} " in lowered for phrase in phrases)
    )


def vocabulary(*texts: str) -> frozenset[str]:
    """Content words (longer than two letters) of the problem's texts."""
    return frozenset(w for text in texts for w in words(text) if len(w) > 2)


def overlap(a: Iterable[str], b: Iterable[str]) -> int:
    return len({w for w in a if len(w) > 3} & {w for w in b if len(w) > 3})


def pick(seed: str, options: Sequence[str]) -> str:
    """A deterministic choice among phrasings (same seed, same choice; different turns vary)."""
    return options[zlib.crc32(seed.encode()) % len(options)]
