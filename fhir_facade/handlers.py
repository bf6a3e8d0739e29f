"""Exception handlers that make every error an OperationOutcome, whatever raised it."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from bots.errors import BotError
from fhir_facade.bot_errors import from_bot_error
from fhir_facade.formats import fhir_response
from fhir_facade.outcomes import FhirError, IssueCode
from fhir_facade.validation import validation_issues

logger = logging.getLogger(__name__)


def _route_of(request: Request) -> str:
    """The route template (`/fhir/{source}/{resource_type}/{logical_id}`): a request path carries patient ids."""
    route = request.scope.get("route")
    return str(getattr(route, "path", "(no route)"))


async def _fhir_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, FhirError)
    return fhir_response(error.outcome(), error.status, error.headers)


async def _bot_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, BotError)
    logger.warning("bot error on %s %s: %s", request.method, _route_of(request), error)
    return await _fhir_error(request, from_bot_error(error))


async def _request_validation(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    details = [".".join(str(part) for part in detail.get("loc", ())) for detail in error.errors()]
    fhir_error = FhirError(400, IssueCode.INVALID, f"invalid request: {', '.join(details) or 'malformed'}")
    return await _fhir_error(request, fhir_error)


async def _pydantic_validation(request: Request, error: Exception) -> Response:
    assert isinstance(error, ValidationError)
    issues = validation_issues(error)
    first = issues[0] if issues else None
    fhir_error = FhirError(
        400,
        first.code if first else IssueCode.INVALID,
        first.diagnostics if first else "invalid content",
        first.expression if first else None,
        extra_issues=issues[1:],
    )
    return await _fhir_error(request, fhir_error)


async def _http_exception(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    code = {404: IssueCode.NOT_FOUND, 405: IssueCode.NOT_SUPPORTED}.get(error.status_code, IssueCode.PROCESSING)
    return await _fhir_error(
        request, FhirError(error.status_code, code, str(error.detail), headers=error.headers or {})
    )


async def _unexpected(request: Request, error: Exception) -> Response:
    logger.exception("unexpected error on %s %s", request.method, _route_of(request))
    return await _fhir_error(request, FhirError(500, IssueCode.EXCEPTION, "internal error; see the server log"))


def register_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(FhirError, _fhir_error)
    app.add_exception_handler(BotError, _bot_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(ValidationError, _pydantic_validation)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(Exception, _unexpected)
