"""The bare site's one URL."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"Hello from a bare Django view.\n", content_type="text/plain")


urlpatterns = [path("", hello, name="hello")]
