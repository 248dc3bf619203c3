"""AI interviewer shapes (reference §4.4.4): the interview, hint and code-analysis bodies and their 202
answers, each poll as the union of `pending`, `failed` and `ready`, the `AiMessage` history page, and
our review and weakness shapes.

Written from the reference's facts; our additions are extra keys (`messageId`, `level`,
`hintsRemaining`, `error`, `usage`, `kind`, ...), never renamed reference keys. Optional reference keys
are left out when empty rather than sent as null.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from gateway.schemas.common import ApiModel, Pagination, StrictBody, UtcDatetime, optional_key
from gateway.schemas.rooms import Language

HintLevelName = Literal["subtle", "moderate", "direct"]
HintPhaseName = Literal["initial", "follow_up"]
QuestionTypeName = Literal[
    "complexity",
    "bug_risk",
    "edge_case",
    "optimization",
    "data_structure_choice",
    "correctness",
    "readability",
    "other",
]
ReasonName = Literal[
    "session_joined", "stage_changed", "user_idle", "hint_used", "code_ran", "code_submitted", "manual_nudge"
]
Seconds = Annotated[int, Field(ge=0, le=86_400)]


# --- requests ---
class HintRequest(StrictBody):
    code: Annotated[str, Field(min_length=1, max_length=64 * 1024)]
    language: Language
    hintLevel: HintLevelName
    followUpToHintId: str | None = Field(default=None, pattern=r"^[0-9a-fA-F-]{36}$")
    reflectionResponse: Annotated[str, Field(max_length=2000)] | None = None
    noReply: bool | None = None

    @model_validator(mode="after")
    def _follow_up_rules(self) -> HintRequest:
        reflected = bool(self.reflectionResponse and self.reflectionResponse.strip())
        if self.followUpToHintId is None and (reflected or self.noReply):
            raise ValueError("reflectionResponse and noReply need followUpToHintId")
        if self.followUpToHintId is not None and not (reflected or self.noReply):
            raise ValueError("a follow-up needs reflectionResponse or noReply")
        return self


class ConversationTurn(StrictBody):
    role: Literal["user", "assistant"]
    content: Annotated[str, Field(max_length=4000)]


class CodeContextBody(StrictBody):
    language: Language
    file: Annotated[str, Field(min_length=1, max_length=120)]
    codeSnippet: Annotated[str, Field(min_length=1, max_length=4000)]
    startLine: Annotated[int, Field(ge=1)]
    endLine: Annotated[int, Field(ge=1)]
    startColumn: Annotated[int, Field(ge=1)] | None = None
    endColumn: Annotated[int, Field(ge=1)] | None = None
    cursorLine: Annotated[int, Field(ge=1)] | None = None
    cursorColumn: Annotated[int, Field(ge=1)] | None = None
    questionType: QuestionTypeName | None = None
    reason: Annotated[str, Field(min_length=1, max_length=160)] | None = None

    @model_validator(mode="after")
    def _range(self) -> CodeContextBody:
        if self.endLine < self.startLine:
            raise ValueError("endLine must be >= startLine")
        return self


class InteractionSignals(StrictBody):
    reason: ReasonName
    roomStatus: Literal["waiting", "warmup", "coding", "wrapup", "finished"]
    elapsedSeconds: Seconds
    secondsSinceLastUserMessage: Seconds | None = None
    secondsSinceLastAssistantMessage: Seconds | None = None
    secondsSinceLastEditorActivity: Seconds | None = None
    recentEditorChanges: Annotated[int, Field(ge=0, le=10_000)] | None = None
    hintCount: Annotated[int, Field(ge=0, le=200)] | None = None


class InterviewRequest(StrictBody):
    """The reference body. `conversationHistory` is accepted (its client sends it) but the server's own
    stored conversation is what the interviewer reads: a client cannot rewrite what was said."""

    trigger: Literal["user_message", "proactive"] = "user_message"
    userMessage: Annotated[str, Field(max_length=2000)] | None = None
    conversationHistory: Annotated[list[ConversationTurn], Field(max_length=40)]
    currentCode: Annotated[str, Field(max_length=16_000)] | None = None
    codeContext: CodeContextBody
    latestExecutionSummary: dict[str, Any] | None = None
    codeAnalysisContext: dict[str, Any] | None = None
    interactionSignals: InteractionSignals | None = None
    responseLanguage: Literal["en", "zh"] | None = None

    @model_validator(mode="after")
    def _message(self) -> InterviewRequest:
        if self.trigger == "user_message" and not (self.userMessage and self.userMessage.strip()):
            raise ValueError("userMessage is required for a user_message trigger")
        return self


class CodeAnalysisRequest(StrictBody):
    code: Annotated[str, Field(min_length=1, max_length=16_000)]
    language: Language


class ReviewRequest(StrictBody):
    """Both optional: without `code` the room's current document is reviewed."""

    code: Annotated[str, Field(min_length=1, max_length=64 * 1024)] | None = None
    language: Language | None = None


# --- 202 answers ---
class AiJobAccepted(ApiModel):
    jobId: str


class HintAccepted(ApiModel):
    jobId: str
    hintId: str
    phase: HintPhaseName


# --- polls ---
class AiJobError(ApiModel):
    code: str
    message: str


class AiJobPending(ApiModel):
    status: Literal["pending"]
    jobId: str


class AiJobFailed(ApiModel):
    status: Literal["failed"]
    jobId: str
    error: AiJobError | None = optional_key("Why the job failed (ours)")


class CodeAnnotation(ApiModel):
    line: int
    comment: str


class InterviewSilent(ApiModel):
    status: Literal["ready"]
    jobId: str
    shouldRespond: Literal[False]


class InterviewReply(ApiModel):
    status: Literal["ready"]
    jobId: str
    shouldRespond: Literal[True]
    message: str
    followUpQuestion: str | None = optional_key()
    codeContext: dict[str, Any] | None = optional_key("The server-verified code context")
    codeAnnotations: list[CodeAnnotation] | None = optional_key()
    audioUrl: str | None = optional_key()
    messageId: str | None = optional_key()
    questionType: QuestionTypeName | None = optional_key()


class HintReady(ApiModel):
    status: Literal["ready"]
    jobId: str
    hintId: str
    phase: HintPhaseName
    hint: str
    suggestedApproach: str | None = optional_key()
    reflectionPrompt: str | None = optional_key()
    level: HintLevelName
    hintsRemaining: int
    messageId: str | None = optional_key()


class FocusAreas(ApiModel):
    complexity: str
    edgeCases: str
    readability: str


class CodeAnalysisReady(ApiModel):
    status: Literal["ready"]
    jobId: str
    summary: str
    focusAreas: FocusAreas
    followUpQuestions: list[str]


class ReviewDimension(ApiModel):
    score: Annotated[int, Field(ge=0, le=100)]
    comment: str


class ReviewAnnotation(ApiModel):
    line: int
    severity: Literal["info", "warning", "error"]
    comment: str


class CodeReviewReady(ApiModel):
    status: Literal["ready"]
    jobId: str
    overallScore: Annotated[int, Field(ge=0, le=100)]
    summary: str
    dimensions: dict[str, ReviewDimension]
    annotations: list[ReviewAnnotation]
    suggestions: list[str]
    language: str


InterviewPoll = InterviewReply | InterviewSilent | AiJobPending | AiJobFailed
HintPoll = HintReady | AiJobPending | AiJobFailed
CodeAnalysisPoll = CodeAnalysisReady | AiJobPending | AiJobFailed
CodeReviewPoll = CodeReviewReady | AiJobPending | AiJobFailed


# --- history and weaknesses ---
class AiMessage(ApiModel):
    id: str
    roomId: str
    sessionId: str | None
    userId: str | None
    role: Literal["user", "assistant"]
    content: str
    followUpType: str | None
    difficulty: str | None = None
    audioKey: str | None = None
    createdAt: UtcDatetime
    kind: str
    jobId: str | None = None
    seq: int


class AiMessagePage(ApiModel):
    data: list[AiMessage]
    pagination: Pagination


class WeaknessSession(ApiModel):
    sessionId: str
    problemName: str | None
    reportedAt: UtcDatetime
    score: int | None


class RoomWeaknessEntry(ApiModel):
    """The reference's `WeaknessEntry` (§3.17) for one room (the name `WeaknessEntry` is taken by
    `GET /users/me/weaknesses`)."""

    id: str
    category: str
    description: str
    frequency: int
    trend: Literal["improving", "stable", "worsening"]
    lastSeenAt: UtcDatetime
    sessions: list[WeaknessSession]


class WeaknessList(ApiModel):
    data: list[RoomWeaknessEntry]
