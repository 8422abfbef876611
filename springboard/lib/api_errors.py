"""The error responses of every API operation, in one place for all apps' routers."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    """Every refusal but a malformed request: 400 (a domain rule; `field` names the input to
    blame when one is), 401 (no session), 403 (missing capability or CSRF token), 404 (missing,
    out of scope or another agency's). A 409 carries more (see programmes' ConflictOut)."""

    detail: str
    field: str | None = None


class ValidationErrorOut(Schema):
    """422: the request does not match this schema (ninja's list of pydantic errors)."""

    detail: list[dict[str, Any]]


# What every operation can answer besides success; writes add 400 (a domain rule refused it).
ERRORS: dict[int, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, **ERRORS}
