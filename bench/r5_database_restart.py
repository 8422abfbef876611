"""R5 — PostgreSQL restarted under load: errors are clean, the app recovers by itself, no
acknowledged write is lost (docs/reliability.md).

The drill never touches the shared PostgreSQL: it creates a throwaway cluster (``initdb`` as
the ``postgres`` user into a temporary folder, its own port and socket folder), then starts
``springboard serve`` (2 workers, the default CONN_MAX_AGE of 60 s: kept connections, which a
restart breaks) and one ``springboard db_worker``. ``CLIENTS`` threads enrol candidates through
the web form (a write per request: one new person each) and read the engagement page, as an
agency admin would, for ``LOAD_SECONDS``; half-way, the cluster is restarted (``pg_ctl restart
-m fast``: the way an upgrade or a failover drops every connection).

Measured: answers during and after the restart (a clean error is a 503 with the translated
"briefly unavailable" page, never a 500 or a traceback), seconds from the restart until
requests succeed again, every enrolment acknowledged with a redirect present afterwards (lost
writes), the worker process still alive and running a task queued after the restart.
``--quick``: 20 s of load instead of 60.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import REPO, Row, row
from bench.reliability_common import (
    BIN,
    free_port,
    production_env,
    setup_django,
    start,
    stop,
    wait_for,
    worker_args,
)

ID = "R5"
CLIENTS = 3
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _pg_bin() -> Path | None:
    root = Path("/usr/lib/postgresql")
    versions = sorted(
        (p for p in root.glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    found = shutil.which("initdb")
    return versions[-1] if versions else (Path(found).parent if found else None)


class Cluster:
    """A throwaway PostgreSQL cluster on its own port, run as the ``postgres`` user when this
    process is root (PostgreSQL refuses to run as root)."""

    def __init__(self) -> None:
        pg_bin = _pg_bin()
        if pg_bin is None:
            raise RuntimeError("initdb not found (Debian: apt-get install postgresql)")
        self.bin = pg_bin
        self.folder = Path(tempfile.mkdtemp(prefix="springboard-r5-"))
        self.data = self.folder / "data"
        self.port = free_port(55432)
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root: the cluster's folder belongs to its user.
            shutil.chown(self.folder, "postgres", "postgres")

    def _as_postgres(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(map(_quote, command))]
        return subprocess.run(command, capture_output=True, text=True, check=True, timeout=300)

    def create(self) -> str:
        self._as_postgres(
            "initdb",
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-instructions",
        )
        self.pg_ctl("start")
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c max_connections=60 -c shared_buffers=32MB"
        )
        self._as_postgres(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-o",
            options,
            *extra,
            action,
        )

    def restart(self) -> None:
        self.pg_ctl("restart", "-m", "fast")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def _quote(value: str) -> str:
    import shlex

    return shlex.quote(value)


def drill(admin_url: str, load_seconds: float) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute('CREATE DATABASE "springboard_r5"')
    url = admin_url.rsplit("/", 1)[0] + "/springboard_r5"
    with tempfile.TemporaryDirectory() as static:
        return _drill(url, load_seconds, static)


def _drill(url: str, load_seconds: float, static: str) -> dict[str, Any]:
    setup_django(url, STATIC_ROOT=static)
    import requests

    from bench.r2_duplicate_submit import _answers, _world
    from springboard.employers.models import Enrolment

    world = _world()
    port = free_port(8500)
    base = f"http://127.0.0.1:{port}"
    env = production_env(url, STATIC_ROOT=static)
    slug = world["agency"].slug
    enrol_url = f"{base}/a/{slug}/engagements/{world['engagement'].public_id}/enrol/"
    read_url = f"{base}/a/{slug}/engagements/{world['engagement'].public_id}/"
    from django.db import connections

    connections.close_all()  # this process holds no connection across the restart
    log_folder = Path(tempfile.mkdtemp(prefix="springboard-r5-logs-"))
    app_log = (log_folder / "app.log").open("wb")
    worker_log = (log_folder / "worker.log").open("wb")
    server = start(["serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"], env, app_log)
    worker = start(worker_args("r5-worker"), env, worker_log)
    records: list[tuple[float, str, int, str]] = []
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop_at = [0.0]
    restart_window: dict[str, float] = {}
    try:
        if not wait_for(lambda: _answers(f"{base}/healthz"), timeout=180, every=0.5):
            raise RuntimeError("the app did not start")

        def client(number: int) -> None:
            http = requests.Session()
            http.cookies.set("sessionid", world["session"])
            token = None
            n = 0
            while time.monotonic() < stop_at[0]:
                try:
                    if token is None:
                        page = http.get(enrol_url, timeout=30)
                        found = _CSRF.search(page.text)
                        token = found.group(1) if page.status_code == 200 and found else None
                        kind, answer = "form", page
                    elif n % 2:
                        kind, answer = "read", http.get(read_url, timeout=30)
                    else:
                        email = f"c{number}-{n}@drill.example"
                        answer = http.post(
                            enrol_url,
                            data={
                                "csrfmiddlewaretoken": token,
                                "full_name": f"Client {number} person {n}",
                                "email": email,
                                "language": "en",
                            },
                            allow_redirects=False,
                            timeout=30,
                        )
                        kind = "write"
                        if answer.status_code == 302:
                            with lock:
                                acknowledged.append(email)
                    status, text = answer.status_code, answer.text
                except requests.RequestException as error:
                    kind, status, text = "error", 0, str(error)
                with lock:
                    records.append((time.monotonic(), kind, status, text[:20000]))
                n += 1
                time.sleep(0.05)

        stop_at[0] = time.monotonic() + load_seconds
        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        time.sleep(load_seconds / 2)
        restart_window["start"] = time.monotonic()
        CLUSTER.restart()
        restart_window["end"] = time.monotonic()
        for thread in threads:
            thread.join()
        worker_alive = worker.poll() is None
        ping = subprocess.run(
            [str(BIN / "springboard"), "ping-worker", "--timeout", "60"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        stop(server)
        stop(worker)
        app_log.close()
        worker_log.close()
    app_text = (log_folder / "app.log").read_text(errors="replace")
    shutil.rmtree(log_folder, ignore_errors=True)

    restarted = restart_window["start"]
    after = [r for r in records if r[0] >= restarted]
    statuses = Counter(f"{kind} {status}" for _, kind, status, _ in records)
    unclean = [
        (kind, status)
        for _, kind, status, text in records
        if status >= 500
        and (status != 503 or "Traceback" in text or "Briefly unavailable" not in text)
    ]
    refused = sum(1 for r in records if r[2] == 0)
    first_ok_after = next(
        (t for t, kind, status, _ in after if t >= restart_window["end"] and status in (200, 302)),
        None,
    )
    failures_after_recovery = [
        (kind, status)
        for t, kind, status, _ in records
        if first_ok_after is not None and t > first_ok_after + 2 and status not in (200, 302)
    ]
    stored = set(
        Enrolment.objects.filter(engagement=world["engagement"]).values_list(
            "candidate__user__email", flat=True
        )
    )
    lost = sorted(set(acknowledged) - stored)
    return {
        "requests": len(records),
        "statuses": dict(statuses),
        "unclean": len(unclean),
        "refused_connections": refused,
        "restart_seconds": restart_window["end"] - restart_window["start"],
        "recovered_seconds": (
            None if first_ok_after is None else first_ok_after - restart_window["start"]
        ),
        "failures_after_recovery": len(failures_after_recovery),
        "acknowledged_writes": len(acknowledged),
        "stored_writes": len(stored),
        "lost": len(lost),
        "worker_alive": worker_alive,
        "worker_ran_task_after_restart": ping.returncode == 0,
        "ping": (ping.stdout + ping.stderr).strip()[-300:],
        "app_log_tracebacks": app_text.count("Traceback (most recent call last)"),
    }


CLUSTER: Cluster


def run(data: Path | None, quick: bool = False) -> list[Row]:
    global CLUSTER
    try:
        CLUSTER = Cluster()
        admin_url = CLUSTER.create()
    except (RuntimeError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or str(error)
        return [row(ID, "drill ran", 0, at_least=1, note=f"no throwaway cluster: {detail}")]
    try:
        m = _drill_in_process(admin_url, 20 if quick else 60)
    finally:
        CLUSTER.destroy()
    recovered = m["recovered_seconds"]
    return [
        row(
            ID,
            "unclean answers (5xx other than the 503 page, or a traceback)",
            m["unclean"],
            at_most=0,
            note=(
                f"{CLIENTS} clients, {m['requests']} requests (enrol form posts and page reads) "
                f"against springboard serve (2 workers) + 1 worker; statuses {m['statuses']}; "
                f"throwaway cluster restarted with pg_ctl -m fast in {m['restart_seconds']:.1f} s"
            ),
        ),
        row(
            ID,
            "seconds from restart until requests succeed again",
            -1 if recovered is None else recovered,
            at_least=0,
            at_most=30,
            note=f"failed requests more than 2 s after recovery: {m['failures_after_recovery']}",
        ),
        row(
            ID,
            "acknowledged writes lost",
            m["lost"],
            at_most=0,
            note=(
                f"{m['acknowledged_writes']} enrolments acknowledged (302), "
                f"{m['stored_writes']} stored"
            ),
        ),
        row(
            ID,
            "writes stored but answered with an error (info)",
            m["stored_writes"] - m["acknowledged_writes"],
            note=(
                "a write that committed just before the restart while the session save after "
                "it failed (Django answers 400, session interrupted); sending the form again "
                "is harmless (R2: the enrolment is found, nothing is duplicated)"
            ),
        ),
        row(
            ID,
            "worker survived and ran a task queued after the restart (1 = yes)",
            1 if m["worker_alive"] and m["worker_ran_task_after_restart"] else 0,
            at_least=1,
            note=m["ping"],
        ),
        row(
            ID,
            "failed requests after recovery",
            m["failures_after_recovery"],
            at_most=0,
            note=(
                "tracebacks in the app's log (logged server-side, never shown): "
                f"{m['app_log_tracebacks']}"
            ),
        ),
    ]


def _drill_in_process(admin_url: str, load_seconds: float) -> dict[str, Any]:
    """Django is configured once per process: the drill runs in a child that restarts the
    cluster through this module's CLUSTER (its data folder and options)."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.r5_database_restart",
            "--drill",
            admin_url,
            str(load_seconds),
            str(CLUSTER.folder),
            str(CLUSTER.port),
            str(CLUSTER.bin),
        ],
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"},
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"R5 drill failed:\n{completed.stderr[-4000:]}")
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def _attached(folder: str, port: str, pg_bin: str) -> Cluster:
    cluster = Cluster.__new__(Cluster)
    cluster.bin = Path(pg_bin)
    cluster.folder = Path(folder)
    cluster.data = cluster.folder / "data"
    cluster.port = int(port)
    return cluster


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "--drill":
        CLUSTER = _attached(sys.argv[4], sys.argv[5], sys.argv[6])
        print(json.dumps(drill(sys.argv[2], float(sys.argv[3]))))
    else:
        from bench.run import main

        sys.exit(main([ID, *sys.argv[1:]]))
