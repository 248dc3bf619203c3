"""The AI interviewer's pure core, shared by every provider.

`state` and `machine` are the interview as a state machine (stage, hint ladder, what was discussed, rate
windows): signals in (a message, a run result, a phase change, silence), a planned move out. `coach`,
`hints`, `review` and `analysis` are the offline provider's deterministic writers; `prompt` assembles
the text an LLM provider sends; `guardrails` is applied to every provider's output. Nothing here does
I/O or reads a clock: times come in as arguments.
"""
