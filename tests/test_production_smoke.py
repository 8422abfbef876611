"""deploy/smoke.sh against the PostgreSQL server of the suite's PostgreSQL pass.

It starts the production set (two `springboard serve`, two `springboard db_worker`) on a fresh
database and checks it end to end; here it must also step over a busy port and leave nothing
behind (database, processes), so that it can run again.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess

import psycopg
import pytest

from tests.test_security_headers import ROOT

# Minutes on a busy shared machine (migrating a fresh database dominates); about one when idle.
SMOKE_TIMEOUT_SECONDS = 900


def _postgres_admin_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("deploy/smoke.sh runs in the PostgreSQL pass (DATABASE_URL=postgres://...)")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(admin_url, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        pytest.skip(f"PostgreSQL is not reachable: {error}")
    return admin_url


def _busy_port() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


def test_smoke_script_passes_and_leaves_nothing_behind() -> None:
    admin_url = _postgres_admin_url()
    database = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "DATABASE_URL"}}
    with _busy_port() as busy:
        port = busy.getsockname()[1]
        env.update(PG_URL=admin_url, SMOKE_DB_PREFIX=f"{database}_smoke", SMOKE_BASE_PORT=str(port))
        result = subprocess.run(  # noqa: S603 - fixed arguments
            ["bash", str(ROOT / "deploy" / "smoke.sh")],  # noqa: S607 - bash from PATH
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=SMOKE_TIMEOUT_SECONDS,
            check=False,
        )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert f"port {port} is busy: skipped" in output
    for check in ("/healthz", "/readyz", "login page", "gzip-compressed", "queued task was run"):
        assert check in output, output
    assert output.count("/readyz: database, migrations and task queue ok") == 2
    assert "stopped cleanly on SIGTERM" in output
    dropped = re.search(r"dropped database (\S+)", output)
    assert dropped, output
    with psycopg.connect(admin_url) as connection:
        left = connection.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s", [dropped.group(1)]
        ).fetchone()
    assert left == (0,)
    ports = re.search(r"started app processes on ports (\d+) (\d+)", output)
    assert ports, output
    for used in ports.groups():
        with socket.socket() as probe:
            # As a server binds: a port whose old connections linger in TIME_WAIT is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", int(used)))  # free again: every server stopped
