"""Problems and bookmarks API against the real database: filters, sorts, search, pagination, admin
checks, drafts, hidden-case redaction, duplicate titles, PROBLEM_IN_USE, bookmarks."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from engine.identity import UserRole
from gateway.services import Services
from tests.support import Account, register, unique

pytestmark = pytest.mark.anyio


async def _admin(client: httpx.AsyncClient, services: Services) -> Account:
    account = await register(client)
    await services.users.set_role(account.id, UserRole.ADMIN, services.now())
    return account


def _body(title: str, tag: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": title,
        "description": f"Find things in {title}.",
        "difficulty": "easy",
        "isPublished": True,
        "company": "Acme",
        "constraints": "1 <= n <= 10",
        "tags": [tag, "arrays"],
        "examples": [{"input": "1\n", "output": "1\n", "explanation": "identity"}],
        "starterCode": {"python": "print(input())"},
        "timeLimit": 2000,
        "memoryLimit": 256,
        "testCases": [
            {"input": "1", "expectedOutput": "1"},
            {"input": "2", "expectedOutput": "2", "isHidden": True, "description": "secret"},
        ],
    }
    body.update(changes)
    return body


async def _create(
    client: httpx.AsyncClient, admin: Account, title: str, tag: str, **changes: Any
) -> dict[str, Any]:
    response = await client.post("/api/problems", headers=admin.headers, json=_body(title, tag, **changes))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def _list(client: httpx.AsyncClient, who: Account, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/problems", headers=who.headers, params=params)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _titles(page: dict[str, Any]) -> list[str]:
    return [p["title"] for p in page["data"]]


async def test_create_returns_detail_with_hidden_cases_and_audits(
    client: httpx.AsyncClient, services: Services
) -> None:
    admin = await _admin(client, services)
    created = await _create(client, admin, unique("Title "), unique("t"))
    assert [c["isHidden"] for c in created["testCases"]] == [False, True]
    assert created["testCaseCount"] == 2
    assert created["hiddenTestCaseCount"] == 1
    entries = await services.audit.for_target("problem", created["id"])
    assert entries[0].action == "admin.problem.create"
    assert entries[0].metadata == {
        "title": created["title"],
        "difficulty": "easy",
        "isPublished": True,
        "testCaseCount": 2,
        "hiddenTestCaseCount": 1,
    }


async def test_non_admin_gets_403_on_admin_routes(client: httpx.AsyncClient, services: Services) -> None:
    admin = await _admin(client, services)
    user = await register(client)
    created = await _create(client, admin, unique("Title "), unique("t"))
    pid = created["id"]
    for method, path, body in (
        ("POST", "/api/problems", _body("x", "y")),
        ("PATCH", f"/api/problems/{pid}", {"title": "new"}),
        ("PATCH", f"/api/problems/{pid}/publish-status", {"isPublished": False}),
        ("DELETE", f"/api/problems/{pid}", None),
    ):
        response = await client.request(method, path, headers=user.headers, json=body)
        assert response.status_code == 403, (method, path)
        assert response.json()["code"] == "FORBIDDEN"
    hidden = await client.get(f"/api/problems/{pid}", headers=user.headers, params={"includeHidden": "true"})
    assert hidden.status_code == 403


async def test_hidden_cases_redacted_for_non_admins(client: httpx.AsyncClient, services: Services) -> None:
    admin = await _admin(client, services)
    user = await register(client)
    created = await _create(client, admin, unique("Title "), unique("t"))
    seen = (await client.get(f"/api/problems/{created['id']}", headers=user.headers)).json()
    assert [c["input"] for c in seen["testCases"]] == ["1"]
    assert "secret" not in str(seen)
    admin_default = (await client.get(f"/api/problems/{created['id']}", headers=admin.headers)).json()
    assert len(admin_default["testCases"]) == 1
    admin_all = await client.get(
        f"/api/problems/{created['id']}", headers=admin.headers, params={"includeHidden": "true"}
    )
    assert [c["input"] for c in admin_all.json()["testCases"]] == ["1", "2"]


async def test_drafts_hidden_from_non_admins(client: httpx.AsyncClient, services: Services) -> None:
    admin = await _admin(client, services)
    user = await register(client)
    tag = unique("t")
    draft = await _create(client, admin, unique("Draft "), tag, isPublished=False)
    assert (await client.get(f"/api/problems/{draft['id']}", headers=user.headers)).status_code == 404
    assert _titles(await _list(client, user, tags=tag)) == []
    assert _titles(await _list(client, user, tags=tag, includeDrafts="true")) == []
    assert _titles(await _list(client, admin, tags=tag)) == []
    admin_page = await _list(client, admin, tags=tag, includeDrafts="true")
    assert _titles(admin_page) == [draft["title"]]
    assert admin_page["data"][0]["testCaseCount"] == 2
    published = await client.patch(
        f"/api/problems/{draft['id']}/publish-status", headers=admin.headers, json={"isPublished": True}
    )
    assert published.status_code == 200
    assert _titles(await _list(client, user, tags=tag)) == [draft["title"]]
    actions = [e.action for e in await services.audit.for_target("problem", draft["id"])]
    assert actions == ["admin.problem.create", "admin.problem.publish"]


async def test_duplicate_titles_rejected_on_create_and_update(
    client: httpx.AsyncClient, services: Services
) -> None:
    admin = await _admin(client, services)
    tag = unique("t")
    first = await _create(client, admin, unique("Same "), tag)
    again = await client.post("/api/problems", headers=admin.headers, json=_body(first["title"].upper(), tag))
    assert again.status_code == 409
    assert again.json()["code"] == "PROBLEM_DUPLICATE_TITLE"
    second = await _create(client, admin, unique("Other "), tag)
    clash = await client.patch(
        f"/api/problems/{second['id']}", headers=admin.headers, json={"title": first["title"]}
    )
    assert clash.status_code == 409
    assert clash.json()["code"] == "PROBLEM_DUPLICATE_TITLE"


async def test_update_replaces_cases_tags_and_audits_changed_fields(
    client: httpx.AsyncClient, services: Services
) -> None:
    admin = await _admin(client, services)
    created = await _create(client, admin, unique("Edit "), unique("t"))
    new_tag = unique("n")
    response = await client.patch(
        f"/api/problems/{created['id']}",
        headers=admin.headers,
        json={
            "difficulty": "hard",
            "tags": [new_tag],
            "company": None,
            "testCases": [{"input": "9", "expectedOutput": "9", "isHidden": True}],
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["difficulty"], body["tags"], body["company"]) == ("hard", [new_tag], None)
    assert [c["input"] for c in body["testCases"]] == ["9"]
    assert body["hiddenTestCaseCount"] == 1
    entry = (await services.audit.for_target("problem", created["id"]))[-1]
    assert entry.action == "admin.problem.update"
    assert entry.metadata is not None
    assert entry.metadata["changedFields"] == ["company", "difficulty", "tags", "testCases"]
    nulled = await client.patch(f"/api/problems/{created['id']}", headers=admin.headers, json={"title": None})
    assert nulled.status_code == 400
    assert "title" in nulled.json()["details"]


async def test_filters_difficulty_tags_company_search(client: httpx.AsyncClient, services: Services) -> None:
    admin = await _admin(client, services)
    tag = unique("t")
    company = unique("Co")
    await _create(client, admin, f"Alpha {tag}", tag, difficulty="easy", company=company)
    await _create(
        client, admin, f"Beta {tag}", tag, difficulty="medium", description="A needle hides in this haystack."
    )
    await _create(client, admin, f"Gamma {tag}", tag, difficulty="hard", tags=[tag, "graphs"])
    by_diff = await _list(client, admin, tags=tag, difficulty="easy,hard", sortBy="title", sortOrder="asc")
    assert _titles(by_diff) == [f"Alpha {tag}", f"Gamma {tag}"]
    repeated = await client.get(
        "/api/problems",
        headers=admin.headers,
        params=[
            ("tags", tag),
            ("difficulty", "easy"),
            ("difficulty", "medium"),
            ("sortBy", "title"),
            ("sortOrder", "asc"),
        ],
    )
    assert _titles(repeated.json()) == [f"Alpha {tag}", f"Beta {tag}"]
    assert _titles(await _list(client, admin, company=company)) == [f"Alpha {tag}"]
    assert _titles(await _list(client, admin, tags=tag, search="NEEDLE")) == [f"Beta {tag}"]
    assert _titles(await _list(client, admin, tags=tag, search="gamma")) == [f"Gamma {tag}"]
    assert _titles(await _list(client, admin, tags=tag, search="a.*")) == []
    assert _titles(await _list(client, admin, tags=f"{tag},nonexistent-tag", difficulty="hard")) == [
        f"Gamma {tag}"
    ]
    bad = await client.get("/api/problems", headers=admin.headers, params={"difficulty": "extreme"})
    assert bad.status_code == 400
    assert "difficulty" in bad.json()["details"]


async def test_sorts_and_cursor_pagination(client: httpx.AsyncClient, services: Services) -> None:
    admin = await _admin(client, services)
    tag = unique("t")
    names = [f"{letter} {tag}" for letter in "DBEAC"]
    levels = ["hard", "easy", "medium", "easy", "hard"]
    for name, level in zip(names, levels, strict=True):
        await _create(client, admin, name, tag, difficulty=level)
    assert _titles(await _list(client, admin, tags=tag, sortBy="title", sortOrder="asc")) == sorted(names)
    assert (
        _titles(await _list(client, admin, tags=tag, sortBy="title", sortOrder="desc")) == sorted(names)[::-1]
    )
    assert _titles(await _list(client, admin, tags=tag, sortBy="createdAt", sortOrder="asc")) == names
    by_level = [
        p["difficulty"]
        for p in (await _list(client, admin, tags=tag, sortBy="difficulty", sortOrder="asc"))["data"]
    ]
    assert by_level == ["easy", "easy", "medium", "hard", "hard"]
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"tags": tag, "sortBy": "title", "sortOrder": "asc", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = await _list(client, admin, **params)
        seen += _titles(page)
        assert len(page["data"]) <= 2
        if not page["pagination"]["hasMore"]:
            assert page["pagination"]["nextCursor"] is None
            break
        cursor = page["pagination"]["nextCursor"]
    assert seen == sorted(names)
    for sort in ("createdAt", "difficulty", "popularity", "totalSubmissions"):
        first = await _list(client, admin, tags=tag, sortBy=sort, limit=3)
        rest = await _list(
            client, admin, tags=tag, sortBy=sort, limit=3, cursor=first["pagination"]["nextCursor"]
        )
        assert sorted(_titles(first) + _titles(rest)) == sorted(names), sort
    invalid = await client.get("/api/problems", headers=admin.headers, params={"cursor": "garbage!"})
    assert invalid.status_code == 400
    assert invalid.json()["details"] == {"cursor": "Invalid cursor"}


async def test_status_acceptance_and_popularity_from_real_submissions(
    client: httpx.AsyncClient, services: Services
) -> None:
    admin = await _admin(client, services)
    user = await register(client)
    tag = unique("t")
    solved = await _create(client, admin, f"Solved {tag}", tag)
    tried = await _create(client, admin, f"Tried {tag}", tag)
    todo = await _create(client, admin, f"Todo {tag}", tag)
    now = services.now()
    await services.problems.record_submission(solved["id"], user.id, False, now)
    await services.problems.record_submission(solved["id"], user.id, True, now)
    await services.problems.record_submission(tried["id"], user.id, False, now)
    await services.problems.record_submission(tried["id"], admin.id, True, now)
    assert _titles(await _list(client, user, tags=tag, status="solved")) == [solved["title"]]
    assert _titles(await _list(client, user, tags=tag, status="attempted")) == [tried["title"]]
    assert _titles(await _list(client, user, tags=tag, status="todo")) == [todo["title"]]
    both = await _list(client, user, tags=tag, status="solved,todo", sortBy="title", sortOrder="asc")
    assert _titles(both) == [solved["title"], todo["title"]]
    page = await _list(client, user, tags=tag, sortBy="popularity", sortOrder="desc")
    assert _titles(page)[-1] == todo["title"]
    rows = {p["title"]: p for p in page["data"]}
    assert rows[solved["title"]]["acceptanceRate"] == 50.0
    assert rows[solved["title"]]["attemptStatus"] == "solved"
    assert rows[tried["title"]]["attemptStatus"] == "attempted"
    assert rows[todo["title"]]["acceptanceRate"] is None
    assert rows[todo["title"]]["attemptStatus"] is None
    detail = (await client.get(f"/api/problems/{solved['id']}", headers=user.headers)).json()
    assert (detail["userAttempts"], detail["totalSubmissions"]) == (2, 2)
    by_total = await _list(client, user, tags=tag, sortBy="totalSubmissions", sortOrder="desc")
    assert _titles(by_total)[2] == todo["title"]


async def test_tags_with_counts(client: httpx.AsyncClient, services: Services) -> None:
    admin = await _admin(client, services)
    tag = unique("t")
    await _create(client, admin, unique("A "), tag)
    await _create(client, admin, unique("B "), tag)
    await _create(client, admin, unique("C "), tag, isPublished=False)
    tags = (await client.get("/api/problems/tags", headers=admin.headers)).json()["data"]
    mine = next(t for t in tags if t["slug"] == tag)
    assert mine["count"] == 2
    assert mine["name"] == tag.capitalize()
    counts = [t["count"] for t in tags]
    assert counts == sorted(counts, reverse=True)


async def test_delete_soft_and_problem_in_use(client: httpx.AsyncClient, services: Services) -> None:
    admin = await _admin(client, services)
    tag = unique("t")
    used = await _create(client, admin, unique("Used "), tag)
    room_id = str(uuid.uuid4())
    await services.mongo.db["rooms"].insert_one({"_id": room_id, "problemId": used["id"], "status": "coding"})
    busy = await client.delete(f"/api/problems/{used['id']}", headers=admin.headers)
    assert busy.status_code == 409
    assert busy.json()["code"] == "PROBLEM_IN_USE"
    await services.mongo.db["rooms"].update_one({"_id": room_id}, {"$set": {"status": "finished"}})
    await services.mongo.db["sessions"].insert_one(
        {"_id": str(uuid.uuid4()), "problemId": used["id"], "status": "ongoing"}
    )
    assert (await client.delete(f"/api/problems/{used['id']}", headers=admin.headers)).status_code == 409
    free = await _create(client, admin, unique("Free "), tag)
    assert (await client.delete(f"/api/problems/{free['id']}", headers=admin.headers)).status_code == 204
    assert (await client.get(f"/api/problems/{free['id']}", headers=admin.headers)).status_code == 404
    assert (await client.delete(f"/api/problems/{free['id']}", headers=admin.headers)).status_code == 404
    assert _titles(await _list(client, admin, tags=tag, includeDrafts="true")) == [used["title"]]
    recreated = await client.post("/api/problems", headers=admin.headers, json=_body(free["title"], tag))
    assert recreated.status_code == 201
    actions = [e.action for e in await services.audit.for_target("problem", free["id"])]
    assert actions[-1] == "admin.problem.delete"


async def test_bookmarks_idempotent_listed_and_flagged(client: httpx.AsyncClient, services: Services) -> None:
    admin = await _admin(client, services)
    user = await register(client)
    tag = unique("t")
    first = await _create(client, admin, unique("First "), tag)
    second = await _create(client, admin, unique("Second "), tag)
    draft = await _create(client, admin, unique("Draft "), tag, isPublished=False)
    for pid in (first["id"], second["id"], second["id"]):
        assert (await client.put(f"/api/users/me/bookmarks/{pid}", headers=user.headers)).status_code == 204
    missing = await client.put(f"/api/users/me/bookmarks/{draft['id']}", headers=user.headers)
    assert missing.status_code == 404
    assert missing.json()["code"] == "PROBLEM_NOT_FOUND"
    assert (
        await client.put(f"/api/users/me/bookmarks/{uuid.uuid4()}", headers=user.headers)
    ).status_code == 404
    page = (await client.get("/api/users/me/bookmarks", headers=user.headers, params={"limit": 1})).json()
    assert _titles(page) == [second["title"]]
    assert page["data"][0]["isBookmarked"] is True
    rest = (
        await client.get(
            "/api/users/me/bookmarks",
            headers=user.headers,
            params={"cursor": page["pagination"]["nextCursor"]},
        )
    ).json()
    assert _titles(rest) == [first["title"]]
    listed = await _list(client, user, tags=tag, sortBy="title", sortOrder="asc")
    assert {p["title"]: p["isBookmarked"] for p in listed["data"]} == {
        first["title"]: True,
        second["title"]: True,
    }
    for _ in range(2):
        assert (
            await client.delete(f"/api/users/me/bookmarks/{first['id']}", headers=user.headers)
        ).status_code == 204
    assert _titles((await client.get("/api/users/me/bookmarks", headers=user.headers)).json()) == [
        second["title"]
    ]
    await client.patch(
        f"/api/problems/{second['id']}/publish-status", headers=admin.headers, json={"isPublished": False}
    )
    assert _titles((await client.get("/api/users/me/bookmarks", headers=user.headers)).json()) == []
