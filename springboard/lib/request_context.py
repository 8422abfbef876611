"""The id of the request being served, for audit events and logs written deep inside services."""

from __future__ import annotations

from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
