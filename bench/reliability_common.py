"""Shared by the reliability drills (bench/r<N>_*.py, docs/reliability.md): a throwaway
PostgreSQL database, production-like settings for the processes a drill starts, and those
processes' start and stop.

The drills run on a database of their own (``springboard_drill_<id>``) on the PostgreSQL in
``BENCH_PG_ADMIN_URL`` (default ``postgres://postgres@127.0.0.1:5432/postgres``); R5, which
restarts its server, starts a cluster of its own instead (bench/r5_database_restart.py).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from bench.common import REPO

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BIN = Path(sys.executable).parent


def database_url(name: str, admin_url: str = PG_ADMIN_URL) -> str:
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def fresh_database(name: str, admin_url: str = PG_ADMIN_URL) -> str:
    """Drop and create database ``name``; its URL."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return database_url(name, admin_url)


def drop_database(name: str, admin_url: str = PG_ADMIN_URL) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_unavailable(admin_url: str = PG_ADMIN_URL) -> str | None:
    """Why PostgreSQL cannot be used, or None when it answers."""
    try:
        import psycopg

        with psycopg.connect(admin_url, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except Exception as error:
        return f"PostgreSQL at {admin_url} unavailable: {error}"
    return None


def production_env(url: str, **extra: str) -> dict[str, str]:
    """The environment of a production process (as deploy/smoke.sh sets it) on ``url``."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "SPRINGBOARD_DEMO"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or "drill-only-" + "k" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL="https://springboard.example",
        DEFAULT_FROM_EMAIL="Springboard <no-reply@springboard.example>",
        EMAIL="console",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def setup_django(url: str, **extra: str) -> None:
    """Configure Django in this process for ``url`` with production settings and migrate.
    ``STATIC_ROOT=folder`` in ``extra`` also collects the static files there (app servers
    started by the drill need the manifest)."""
    os.environ.update(production_env(url, **extra))
    os.environ.pop("PYTEST_VERSION", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if "STATIC_ROOT" in extra:
        call_command("collectstatic", interactive=False, verbosity=0)


def start(args: list[str], env: dict[str, str], log: IO[Any]) -> subprocess.Popen[bytes]:
    """Start ``springboard <args>`` in its own process group, output to ``log``."""
    return subprocess.Popen(
        [str(BIN / "springboard"), *args],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes], *, timeout: float = 30) -> int | None:
    """SIGTERM, then SIGKILL after ``timeout``; the exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    return process.returncode


def wait_for(check: Callable[[], bool], *, timeout: float, every: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return check()


def free_port(start_at: int = 8300) -> int:
    for port in range(start_at, start_at + 500):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {start_at}-{start_at + 499}")


def worker_args(worker_id: str) -> list[str]:
    return ["db_worker", "--worker-id", worker_id, "--interval", "0.1", "--no-startup-delay"]
