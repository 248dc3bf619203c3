"""Run and submit request bodies and their 202 answers."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from gateway.schemas.common import ApiModel, StrictBody
from gateway.schemas.rooms import Language

Code = Annotated[str, Field(min_length=1, max_length=64 * 1024)]


class RunRequest(StrictBody):
    language: Language
    code: Code
    stdin: Annotated[str, Field(max_length=64 * 1024)] | None = None
    timeoutMs: Annotated[int, Field(ge=100, le=10_000)] | None = None
    memoryMb: Annotated[int, Field(ge=16, le=512)] | None = None


class SubmitRequest(StrictBody):
    language: Language
    code: Code


class RunAccepted(ApiModel):
    jobId: str
    staticAnalysisJobId: str | None = None


class SubmitAccepted(ApiModel):
    submissionId: str
    staticAnalysisJobId: str | None = None
