"""The production runner: `springboard serve` (gunicorn) and the static files it serves."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import CommandError, call_command
from django.http import HttpResponse
from django.templatetags.static import static
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from whitenoise.middleware import WhiteNoiseMiddleware

from springboard.core.log import RequestIdFilter
from springboard.core.management.commands.serve import SpringboardServer, available_cpus
from tests.factories import World
from tests.test_security_headers import ROOT, _production_env

SOURCE_STATIC = ROOT / "springboard" / "static"


def _print_config(*args: str) -> dict[str, Any]:
    from io import StringIO

    out = StringIO()
    call_command("serve", "--print-config", *args, stdout=out)
    return dict(json.loads(out.getvalue()))


def test_serve_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = _print_config()
    assert config["workers"] == 2 * available_cpus() + 1
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["timeout"] == 30
    assert config["graceful_timeout"] == 30
    assert config["accesslog"] == "-"
    assert config["max_requests"] == 1000
    assert config["max_requests_jitter"] == 100
    assert config["control_socket_disable"] is True
    assert config["wsgi_app"] == "config.wsgi:application"


def test_serve_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert _print_config()["workers"] == 3
    config = _print_config(
        "--bind=127.0.0.1:9001",
        "--bind=unix:/run/springboard.sock",
        "--workers=2",
        "--threads=4",
        "--max-requests=0",
        "--no-access-log",
    )
    assert config["bind"] == ["127.0.0.1:9001", "unix:/run/springboard.sock"]
    assert config["workers"] == 2
    assert config["threads"] == 4
    assert config["max_requests"] == config["max_requests_jitter"] == 0
    assert config["accesslog"] is None


def test_serve_refuses_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "many")
    with pytest.raises(CommandError, match="WEB_CONCURRENCY: must be a whole number"):
        _print_config()
    monkeypatch.delenv("WEB_CONCURRENCY")
    with pytest.raises(CommandError, match="must be 1 or more"):
        _print_config("--workers=0")


def test_every_option_is_a_gunicorn_setting() -> None:
    """gunicorn itself accepts and validates what the command builds (an unknown or invalid
    setting makes it exit)."""
    config = _print_config("--workers=2", "--bind=127.0.0.1:9002")
    server = SpringboardServer(config)
    assert server.cfg.workers == 2
    assert server.cfg.address == [("127.0.0.1", 9002)]
    assert server.cfg.control_socket_disable is True
    assert server.cfg.max_requests_jitter == 100


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_logs_and_stops_gracefully(tmp_path: Path) -> None:
    """A real server: it answers, its access log carries the request id the app sends back,
    and SIGTERM stops it with exit status 0."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                *(sys.executable, "-m", "springboard.cli", "serve", f"--bind=127.0.0.1:{port}"),
                *("--workers=1", "--skip-checks"),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        response = None
        deadline = time.monotonic() + 120  # a loaded shared machine starts slowly
        while response is None and time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
            except OSError:
                time.sleep(0.3)
        assert response is not None, log.read_text()
        assert response.status == 200
        request_id = response.headers["X-Request-ID"]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=90) == 0, log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = log.read_text()
    assert re.search(rf'"GET /healthz HTTP/1.1" 200 \d+ \d+ms rid={request_id}', text), text
    assert "Shutting down: Master" in text


def test_production_stores_static_files_compressed_under_hashed_names() -> None:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.STORAGES['staticfiles']['BACKEND'], str(s.STATIC_ROOT)]))"
    )
    env = {**_production_env(), "STATIC_ROOT": "/srv/springboard/static"}
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    backend, root = json.loads(result.stdout.strip().splitlines()[-1])
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert root == "/srv/springboard/static"


@pytest.mark.django_db  # closing a response sends request_finished, which checks connections
def test_collected_files_are_served_hashed_compressed_and_immutable(tmp_path: Path) -> None:
    manifest_storage = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(
        STORAGES=manifest_storage,
        STATIC_ROOT=tmp_path,
        STATICFILES_DIRS=[SOURCE_STATIC],  # the project's own files are enough, and quick
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
        DEBUG=False,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        manifest = json.loads((tmp_path / "staticfiles.json").read_text())
        hashed = manifest["paths"]["springboard/app.css"]
        assert re.fullmatch(r"springboard/app\.[0-9a-f]{12}\.css", hashed)
        assert static("springboard/app.css") == f"/static/{hashed}"
        assert (tmp_path / f"{hashed}.gz").is_file()
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            staticfiles_storage.url("springboard/no-such-file.css")

        serve = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
        request = RequestFactory().get(f"/static/{hashed}", HTTP_ACCEPT_ENCODING="gzip")
        response = serve(request)
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "gzip"
        assert "immutable" in response.headers["Cache-Control"]
        response.close()
        # The unhashed name still answers (old pages in caches), but is not cached for long.
        plain = serve(RequestFactory().get("/static/springboard/app.css"))
        assert plain.status_code == 200
        assert "immutable" not in plain.headers["Cache-Control"]
        plain.close()


def test_app_log_lines_carry_the_request_id(world: World, client: Client) -> None:
    """The app's log format (settings.LOGGING) names the request, with the id the proxy sent."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    config: dict[str, Any] = settings.LOGGING
    handler.setFormatter(logging.Formatter(config["formatters"]["plain"]["format"]))
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.force_login(world.a.coach.user)
        url = reverse("tenancy:members", kwargs={"agency_slug": world.a.agency.slug})
        response = client.get(url, HTTP_X_REQUEST_ID="proxy-id-12345")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 403
    assert response.headers["X-Request-ID"] == "proxy-id-12345"
    assert "rid=proxy-id-12345 Forbidden" in stream.getvalue()
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "outside", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"  # type: ignore[attr-defined]
