"""Headers on every response, and production settings that pass `check --deploy`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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
    # Production refuses to start with the localhost defaults of these two.
    "SITE_URL": "https://springboard.example",
    "DEFAULT_FROM_EMAIL": "Springboard <no-reply@springboard.example>",
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
        ("home:agency", True),
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
    html = client.get(reverse("home:agency", kwargs={"agency_slug": world.a.agency.slug})).text
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


# --- Cache-Control: nothing private is stored by a browser or a proxy ---------------------------


def _assert_not_stored(response: Any) -> None:
    directives = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, response.headers.get("Cache-Control")
    assert "public" not in directives


@pytest.mark.parametrize(
    "url_name",
    [
        "home",
        "agencies:list",
        "home:agency",
        "tenancy:members",
        "privacy:audit",
        "employers:employer_list",
        "programmes:caseload",
        "account_email",
    ],
)
def test_pages_of_a_signed_in_person_are_not_stored(
    world: World, client: Client, url_name: str
) -> None:
    client.force_login(world.a.admin.user)
    tenant_apps = {"home", "tenancy", "privacy", "employers", "programmes"}
    needs_agency = ":" in url_name and url_name.split(":")[0] in tenant_apps
    kwargs = {"agency_slug": world.a.agency.slug} if needs_agency else None
    _assert_not_stored(client.get(reverse(url_name, kwargs=kwargs)))


def test_errors_redirects_and_public_pages_are_not_stored(world: World, client: Client) -> None:
    _assert_not_stored(client.get(reverse("account_login")))  # carries a CSRF token
    _assert_not_stored(client.get("/healthz"))
    client.force_login(world.a.coach.user)
    _assert_not_stored(client.get("/a/no-such-agency/"))  # 404
    _assert_not_stored(
        client.get(reverse("tenancy:members", kwargs={"agency_slug": world.a.agency.slug}))
    )  # 403
    _assert_not_stored(client.get(reverse("home")))  # 302


def test_api_responses_are_not_stored(world: World, client: Client) -> None:
    slug = world.a.agency.slug
    _assert_not_stored(client.get(f"/api/v1/a/{slug}/employers"))  # 401
    client.force_login(world.a.admin.user)
    for url in (
        f"/api/v1/a/{slug}/employers",
        f"/api/v1/a/{world.b.agency.slug}/employers",  # 404
        f"/api/v1/a/{slug}/employers?q=%00",  # 422
        "/api/v1/openapi.json",
    ):
        response = client.get(url)
        assert response["Content-Type"].startswith("application/json"), url
        _assert_not_stored(response)


def test_downloads_of_private_data_are_not_stored(world: World, client: Client) -> None:
    from tests.matrix_employers import _objects

    objects = _objects(world.a)
    slug = world.a.agency.slug
    client.force_login(world.a.admin.user)

    errors_csv = client.get(
        reverse(
            "employers:import_errors",
            kwargs={"agency_slug": slug, "public_id": objects["import"].public_id},
        )
    )
    assert errors_csv["Content-Type"].startswith("text/csv")
    _assert_not_stored(errors_csv)

    one_invitation = client.post(
        reverse(
            "employers:enrolment_invitation",
            kwargs={"agency_slug": slug, "public_id": objects["enrolment"].public_id},
        )
    )
    assert one_invitation["Content-Type"] == "application/pdf"
    _assert_not_stored(one_invitation)

    cohort_sheet = client.get(
        reverse(
            "employers:cohort_invitation_sheet",
            kwargs={"agency_slug": slug, "public_id": objects["cohort"].public_id},
        )
    )
    assert cohort_sheet["Content-Type"] == "application/pdf"
    _assert_not_stored(cohort_sheet)


def test_static_files_stay_cacheable() -> None:
    from django.conf import settings
    from django.test import override_settings

    order = settings.MIDDLEWARE
    # Static files are answered by WhiteNoise before the no-store middleware runs.
    assert order.index("whitenoise.middleware.WhiteNoiseMiddleware") < order.index(
        "springboard.core.middleware.NoStoreMiddleware"
    )
    with override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True):
        response = Client().get("/static/springboard/app.js")
    assert response.status_code == 200
    cache_control = response.headers.get("Cache-Control", "")
    assert "max-age=" in cache_control
    assert "no-store" not in cache_control
    assert "private" not in cache_control


# --- htmx gets no nonce and runs no script from swapped HTML ----------------------------------


def test_htmx_config_has_no_nonce_and_evaluates_no_scripts(world: World, client: Client) -> None:
    import re

    client.force_login(world.a.admin.user)
    response = client.get(reverse("home:agency", kwargs={"agency_slug": world.a.agency.slug}))
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert nonce
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", response.text)
    assert meta, "base.html configures htmx with a meta tag"
    config = json.loads(meta.group(1))
    assert config["allowScriptTags"] is False  # no <script> in swapped HTML runs
    assert config["allowEval"] is False  # no hx-on / js: / trigger filters evaluated
    assert config["includeIndicatorStyles"] is False  # no inline style injected
    assert not [key for key in config if "nonce" in key.lower()]
    assert nonce.group(1) not in meta.group(0)
    assert config["historyCacheSize"] == 0  # no copies of private pages in localStorage
