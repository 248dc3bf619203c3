"""Domain objects -> response models (profile mapping shared by auth and users routes)."""

from __future__ import annotations

from engine.identity import User
from engine.rules import AVATAR_DOWNLOAD_URL_TTL_S
from engine.stats import streak_days
from gateway.blobs import signed_url
from gateway.schemas.users import PublicProfile, UserProfile, UserStats
from gateway.services import Services

MISSING_USER_NAME = "deleted-user"


def shown_name(user: User | None) -> str:
    """How a user is named to others: display name, else username; a missing account is named so."""
    return (user.display_name or user.username) if user else MISSING_USER_NAME


def avatar_url(services: Services, user: User) -> str | None:
    if not user.avatar_key:
        return None
    if user.avatar_key.startswith(("http://", "https://")):
        return user.avatar_key
    url, _ = signed_url(services, "GET", user.avatar_key, AVATAR_DOWNLOAD_URL_TTL_S, services.now())
    return url


async def user_stats(services: Services, user: User) -> UserStats:
    facts = await services.history.finished_sessions(user.id)
    solved = {f.problem_id for f in facts if f.solved and f.problem_id}
    days = {f.finished_at.date() for f in facts}
    return UserStats(
        totalSessions=len(facts),
        totalProblems=len(solved),
        streakDays=streak_days(days, services.now().date()),
    )


async def user_profile(services: Services, user: User) -> UserProfile:
    return UserProfile(
        id=user.id,
        email=user.email,
        username=user.username,
        displayName=user.display_name,
        role=user.role.value,
        avatarUrl=avatar_url(services, user),
        bio=user.bio,
        stats=await user_stats(services, user),
        createdAt=user.created_at,
        updatedAt=user.updated_at,
    )


def public_profile(services: Services, user: User) -> PublicProfile:
    return PublicProfile(
        id=user.id,
        username=user.username,
        displayName=user.display_name,
        avatarUrl=avatar_url(services, user),
        bio=user.bio,
        createdAt=user.created_at,
    )
