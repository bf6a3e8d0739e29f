"""Errors that FastAPI or pydantic raise outside the facade's own checks still come out as OperationOutcome."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI
from pydantic import BaseModel

from fhir_facade.handlers import register_exception_handlers


class _Strict(BaseModel):
    count: int


def _app() -> FastAPI:
    app = FastAPI()
    register_exception_handlers(app)

    @app.get("/typed")
    async def typed(count: int) -> dict[str, int]:
        return {"count": count}

    @app.get("/pydantic")
    async def pydantic_inside() -> dict[str, int]:
        return {"count": _Strict.model_validate({"count": "many"}).count}

    @app.get("/crash")
    async def crash() -> None:
        raise RuntimeError("a bug")

    return app


def test_validation_and_unexpected_errors_become_operation_outcomes() -> None:
    async def scenario() -> dict[str, httpx.Response]:
        transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://facade.test") as client:
            paths = ("/typed?count=x", "/pydantic", "/crash", "/nowhere")
            return {path: await client.get(path) for path in paths}

    responses = asyncio.run(scenario())
    expected = {"/typed?count=x": 400, "/pydantic": 400, "/crash": 500, "/nowhere": 404}
    for path, status in expected.items():
        response = responses[path]
        assert response.status_code == status, path
        assert response.headers["content-type"].startswith("application/fhir+json")
        assert response.json()["resourceType"] == "OperationOutcome"
    assert "a bug" not in responses["/crash"].text
    assert responses["/pydantic"].json()["issue"][0]["expression"] == ["count"]
