"""Running the site: the demo's port and compressed static files (U4), production's refusal of
the localhost defaults, and one log line per refused request."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from whitenoise.middleware import WhiteNoiseMiddleware

from tests.factories import World
from tests.test_security_headers import ROOT, _production_env

U4_LIMIT_BYTES = 150 * 1000


def _settings_of(env: dict[str, str], *names: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps([getattr(s, n, None) for n in {list(names)!r}]))"
    )
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def _demo_env(**extra: str) -> dict[str, str]:
    env = _production_env()
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DEFAULT_FROM_EMAIL"):
        env.pop(name, None)
    env.update(SPRINGBOARD_DEMO="1", DEBUG="1", **extra)
    return env


def _demo_settings() -> list[Any]:
    result = _settings_of(
        _demo_env(PORT="8123"),
        "SITE_URL",
        "STORAGES",
        "WHITENOISE_USE_FINDERS",
        "WHITENOISE_AUTOREFRESH",
    )
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def demo_settings() -> list[Any]:
    return _demo_settings()


def test_demo_links_follow_the_port(demo_settings: list[Any]) -> None:
    assert demo_settings[0] == "http://127.0.0.1:8123"


@pytest.mark.parametrize(
    ("missing", "local_value"),
    [
        ("SITE_URL", "http://localhost:8000"),
        ("DEFAULT_FROM_EMAIL", "Springboard <no-reply@localhost>"),
    ],
)
def test_production_refuses_the_localhost_defaults(missing: str, local_value: str) -> None:
    env = _production_env()
    env[missing] = local_value
    result = _settings_of(env, "SITE_URL")
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr
    env.pop(missing)
    result = _settings_of(env, "SITE_URL")
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_a_refused_request_logs_one_line(
    world: World, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(world.a.coach.user)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(
            reverse("tenancy:members", kwargs={"agency_slug": world.a.agency.slug})
        )
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    formatted = logging.Formatter("%(levelname)s %(name)s %(message)s").format(records[0])
    assert "\n" not in formatted
    assert "Forbidden" in formatted
    assert "/members/" in formatted


@pytest.mark.django_db
def test_u4_login_page_is_light_with_compression(
    demo_settings: list[Any], tmp_path: Path, client: Client
) -> None:
    """U4: the login page with its JS and CSS, as the demo serves them to a browser that
    accepts gzip/br, is at most 150 KB."""
    _site_url, storages, use_finders, autorefresh = demo_settings
    assert use_finders is False
    assert autorefresh is False
    with override_settings(
        STORAGES=storages,
        STATIC_ROOT=tmp_path,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        serve = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
        html = client.get(reverse("account_login")).content
        assets = re.findall(rb'<(?:link rel="stylesheet" href|script src)="([^"]+)"', html)
        assert len(assets) >= 4, assets
        sizes: dict[str, int] = {"login page (HTML)": len(html)}
        for url in assets:
            request = RequestFactory().get(url.decode(), HTTP_ACCEPT_ENCODING="gzip, br")
            response = serve(request)
            assert response.status_code == 200, url
            assert response.headers.get("Content-Encoding") in {"gzip", "br"}, url
            sizes[url.decode()] = int(response.headers["Content-Length"])
            response.close()
    total = sum(sizes.values())
    assert total <= U4_LIMIT_BYTES, sizes
