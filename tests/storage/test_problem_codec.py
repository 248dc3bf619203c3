"""The stored form of problem test cases: large texts are zlib-compressed BSON binary and read back
exactly; small texts and documents written before compression existed stay plain strings."""

from __future__ import annotations

import pytest

from engine.problems.model import TestCase as Case
from storage.problems import CODEC, COMPRESS_MIN_BYTES, case_documents, case_from_document

LARGE = "".join(f"{i * 7919 % 1000003} " for i in range(200_000)) + "\n  é ✓ trailing  \n\n"


def test_large_text_is_compressed_and_round_trips_exactly() -> None:
    case = Case(input=LARGE, expected_output="42\n", is_hidden=True, description="big", timeout_ms=5)
    [doc] = case_documents("p", [case])
    assert doc["codec"] == CODEC
    assert isinstance(doc["input"], bytes)
    assert len(doc["input"]) < len(LARGE.encode()) / 2
    assert doc["expectedOutput"] == "42\n"
    assert case_from_document(doc) == case


def test_small_cases_stay_plain_strings() -> None:
    small = Case(input="x" * (COMPRESS_MIN_BYTES - 1), expected_output="y", is_hidden=False)
    [doc] = case_documents("p", [small])
    assert "codec" not in doc
    assert doc["input"] == small.input
    assert case_from_document(doc) == small


def test_documents_written_before_compression_still_load() -> None:
    old = {
        "_id": "p:0",
        "problemId": "p",
        "index": 0,
        "input": LARGE,
        "expectedOutput": "1",
        "isHidden": True,
    }
    assert case_from_document(old) == Case(input=LARGE, expected_output="1", is_hidden=True)


def test_an_unknown_codec_is_refused_rather_than_misread() -> None:
    [doc] = case_documents("p", [Case(input=LARGE, expected_output="1", is_hidden=True)])
    with pytest.raises(ValueError, match="codec"):
        case_from_document({**doc, "codec": "lz4"})
