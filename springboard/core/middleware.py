from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from springboard.lib.request_context import current_request_id

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (or keep a sane one set by the proxy) and echo it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class CspNonceEverywhereMiddleware:
    """Make the CSP header carry a nonce on every response, not only on pages that used one.

    Django only adds the nonce when something read it; reading it here means JSON, redirects
    and error pages get the same policy shape as full pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        nonce = getattr(request, "_csp_nonce", None)
        if nonce is not None:
            str(nonce)
        return response


class NoStoreMiddleware:
    """Browsers and proxies keep no copy of anything Django answers.

    Every response that reaches Django is private (pages, API JSON, CSV and PDF downloads with live
    invitation links, even the log-in page with its CSRF token), so each gets
    `Cache-Control: no-store, private` (with Django's other never-cache directives), whatever the
    view set. It sits below WhiteNoise, which answers static files before this runs: those keep
    their long, public cache lifetimes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


NUL = "\x00"
NUL_REFUSED = _("Text must not contain the NUL character (U+0000). Remove it and try again.")
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def _nul_in_json(document: Any) -> tuple[str | int, ...] | None:
    """Where a string (key or value) holding a NUL is, or None; iterative, so a deeply nested
    document cannot exhaust the stack."""
    pending: list[tuple[tuple[str | int, ...], Any]] = [((), document)]
    while pending:
        location, value = pending.pop()
        if isinstance(value, str):
            if NUL in value:
                return location
        elif isinstance(value, dict):
            for key, item in value.items():
                if NUL in key:
                    return (*location, key)
                pending.append(((*location, key), item))
        elif isinstance(value, list):
            pending.extend(((*location, index), item) for index, item in enumerate(value))
    return None


def _announced_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def nul_location(request: HttpRequest) -> tuple[str | int, ...] | None:
    """Where the request carries a NUL character in input our code reads, or None.

    Query parameters, form fields and the strings (keys and values) of a JSON body are looked at;
    a body that is not valid JSON is left to the view, which refuses it as it always did. Django
    drops non-printable characters from uploaded files' names itself.
    """
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            return ("query", key)
    content_type = request.content_type or ""
    if request.method == "POST" and content_type in _FORM_TYPES:
        for key, values in request.POST.lists():
            if NUL in key or any(NUL in value for value in values):
                return ("form", key)
    elif content_type == "application/json" or content_type.endswith("+json"):
        if _announced_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            # Reading it here would raise Django's HTML 400; the few views that accept larger
            # bodies read them with their own limit and refuse NUL themselves.
            return None
        try:
            document = json.loads(request.body)
        except (ValueError, RecursionError):
            return None
        found = _nul_in_json(document)
        if found is not None:
            return ("body", *found)
    return None


class RejectNulMiddleware:
    """Refuse NUL (U+0000) in any input, once, before a view or the database sees it.

    PostgreSQL text cannot hold NUL, so a NUL that reaches a query or a row is a 500; nobody types
    one on purpose. A page answers 400 with a message saying what to do; an API call answers 422 in
    the shape of the API's other validation errors (`detail`: a list naming where the input was
    refused); a NUL in the path names nothing, so it is the ordinary 404.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path_info:
            raise Http404
        location = nul_location(request)
        if location is None:
            return self.get_response(request)
        message = str(NUL_REFUSED)
        if request.path_info.startswith("/api/"):
            error = {"type": "nul_character", "loc": list(location), "msg": message}
            return JsonResponse({"detail": [error]}, status=422)
        return render(request, "core/bad_input.html", {"message": message}, status=400)
