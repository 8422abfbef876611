"""Headers on every response, and production settings that pass `check --deploy`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import World

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "SECRET_KEY": "production-like-secret-" + "k" * 50,
    "ALLOWED_HOSTS": "springboard.example",
    "DEBUG": "0",
    "DATABASE_URL": "sqlite:////tmp/springboard-deploy-check.sqlite3",
}


def _production_env() -> dict[str, str]:
    test_only = {"PYTEST_VERSION", "SPRINGBOARD_DEMO", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="config.settings")
    return env


def test_check_deploy_is_silent_with_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "springboard.cli", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_are_secure() -> None:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SECURE, s.DEBUG]))"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == [True, True, True, True, True, False]


def test_missing_secret_key_stops_production_start() -> None:
    env = _production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "-m", "springboard.cli", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("url_name", "signed_in"),
    [
        ("account_login", False),
        ("healthz", False),
        ("home", True),
        ("tenancy:home", True),
        ("tenancy:members", True),
    ],
)
def test_every_response_has_csp_with_a_nonce(
    world: World, client: Client, url_name: str, signed_in: bool
) -> None:
    if signed_in:
        client.force_login(world.a.admin.user)
    kwargs = {"agency_slug": world.a.agency.slug} if ":" in url_name else None
    response = client.get(reverse(url_name, kwargs=kwargs))
    _assert_headers(response)


def test_error_pages_carry_the_headers(world: World, client: Client) -> None:
    client.force_login(world.a.coach.user)
    _assert_headers(client.get("/a/no-such-agency/"))
    _assert_headers(
        client.get(reverse("tenancy:members", kwargs={"agency_slug": world.a.agency.slug}))
    )


def _assert_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    csp = headers["Content-Security-Policy"]
    assert "'nonce-" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Request-ID"]


def test_pages_have_no_inline_script_without_nonce(world: World, client: Client) -> None:
    import re

    client.force_login(world.a.admin.user)
    html = client.get(reverse("tenancy:home", kwargs={"agency_slug": world.a.agency.slug})).text
    nonce = re.search(r"'nonce-([^']+)'", client.get("/healthz").headers["Content-Security-Policy"])
    assert nonce
    for tag in re.findall(r"<script[^>]*>", html):
        assert "nonce=" in tag, tag


def test_api_errors_from_middleware_are_json(world: World, client: Client) -> None:
    client.force_login(world.a.admin.user)
    other = client.get(f"/api/v1/a/{world.b.agency.slug}/employers")
    assert other.status_code == 404
    assert other.json() == {"detail": "Not Found"}
    _assert_headers(other)
