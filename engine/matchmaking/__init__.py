"""Matchmaking: preferences, tickets, skill, compatibility, the matching cycle and the Matchmaker state.

Pure and deterministic: callers pass `now`, ids and randomness in; the package does no I/O.
"""

from engine.matchmaking.matchmaker import Matchmaker
from engine.matchmaking.pairing import Catalogue, CatalogueProblem, Chooser, OpenRoom, PairPlan
from engine.matchmaking.preferences import Preferences, normalise, shared_languages
from engine.matchmaking.proposals import (
    LEASE_S,
    MATCHED_TTL_S,
    PROPOSAL_TTL_S,
    Matched,
    Plan,
    PlanKind,
    Proposal,
    ProposalState,
    Seat,
    Work,
)
from engine.matchmaking.skill import Band, SessionEvidence, Skill, band, fold
from engine.matchmaking.status import Changes, Idle, Proposed, Searching, Status
from engine.matchmaking.tickets import TICKET_TTL_S, Ticket

__all__ = [
    "LEASE_S",
    "MATCHED_TTL_S",
    "PROPOSAL_TTL_S",
    "TICKET_TTL_S",
    "Band",
    "Catalogue",
    "CatalogueProblem",
    "Changes",
    "Chooser",
    "Idle",
    "Matched",
    "Matchmaker",
    "OpenRoom",
    "PairPlan",
    "Plan",
    "PlanKind",
    "Preferences",
    "Proposal",
    "ProposalState",
    "Proposed",
    "Searching",
    "Seat",
    "SessionEvidence",
    "Skill",
    "Status",
    "Ticket",
    "Work",
    "band",
    "fold",
    "normalise",
    "shared_languages",
]
