"""OpenAPI document: the seed's schema names as components, our 400 envelope instead of FastAPI's 422."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from engine.identity import UserRole
from engine.problems.model import LANGUAGES, Difficulty
from engine.room import RoomMode, RoomRole, RoomStatus
from gateway.schemas.common import ErrorResponse, Pagination

EXTRA_COMPONENTS = (ErrorResponse, Pagination)
ENUM_COMPONENTS: dict[str, tuple[str, ...]] = {
    "RoomStatus": tuple(s.value for s in RoomStatus),
    "RoomRole": tuple(r.value for r in RoomRole),
    "RoomMode": tuple(m.value for m in RoomMode),
    "SupportedLanguage": LANGUAGES,
    "Difficulty": tuple(d.value for d in Difficulty),
    "UserRole": tuple(r.value for r in UserRole),
}


def install(app: FastAPI) -> None:
    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, routes=app.routes, description="SynCode Control Plane API"
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in EXTRA_COMPONENTS:
            components.setdefault(
                model.__name__, model.model_json_schema(ref_template="#/components/schemas/{model}")
            )
        for name, values in ENUM_COMPONENTS.items():
            components.setdefault(name, {"title": name, "type": "string", "enum": list(values)})
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                operation.get("responses", {}).pop("422", None)
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = build  # type: ignore[method-assign]
