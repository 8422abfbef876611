"""R7 — a one-hour soak compressed to ten minutes: memory flat, no growing queue, no connection
leak (docs/reliability.md).

On a database of its own: ``springboard serve`` (2 workers; gunicorn's ``--max-requests``
recycling stays on, as in production) and one ``springboard db_worker``. ``CLIENTS`` threads
run a steady mixed load as an agency admin: enrol a candidate through the web form (each
enrolment queues an invitation e-mail task for the worker), read the engagement page, read the
programmes caseload, and call the API (employers list); a short pause between requests keeps
the machine (shared with other work) usable.

Every ``SAMPLE_SECONDS`` the drill records the resident memory (RSS) of every process of the
set (gunicorn master and workers, the task worker), the task queue (tasks ready to run) and
the open database connections of this database. The run is cut in thirds (the first is the
warm-up): memory is flat when the median of the summed RSS over the last third is within 10 %
of the median over the second third; the queue does not grow when the median queue length over
the last third is at most the second third's plus 5, and the queue is empty at the end once the
load stops; connections do not leak when the most open in the last third is at most the most in
the second third. ``--quick``: 1 minute instead of 10.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import statistics
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
    drop_database,
    free_port,
    fresh_database,
    postgres_unavailable,
    production_env,
    setup_django,
    start,
    stop,
    wait_for,
    worker_args,
)

ID = "R7"
DB_NAME = "springboard_drill_r7"
CLIENTS = 3
SAMPLE_SECONDS = 2.0
PAUSE_SECONDS = 0.1
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _rss(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in bytes."""
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += process.memory_info().rss
    return total


def drill(url: str, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as static:
        return _drill(url, seconds, static)


def _drill(url: str, seconds: float, static: str) -> dict[str, Any]:
    setup_django(url, STATIC_ROOT=static)
    import requests
    from django.db import connection
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from bench.r2_duplicate_submit import _answers, _world

    world = _world()
    port = free_port(8600)
    base = f"http://127.0.0.1:{port}"
    env = production_env(url, STATIC_ROOT=static)
    slug = world["agency"].slug
    pages = [
        f"{base}/a/{slug}/engagements/{world['engagement'].public_id}/",
        f"{base}/a/{slug}/programmes/",
    ]
    enrol_url = f"{base}/a/{slug}/engagements/{world['engagement'].public_id}/enrol/"
    database = connection.settings_dict["NAME"]
    with tempfile.TemporaryDirectory() as logs:
        app_log = (Path(logs) / "app.log").open("wb")
        worker_log = (Path(logs) / "worker.log").open("wb")
        server = start(["serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"], env, app_log)
        worker = start(worker_args("r7-worker"), env, worker_log)
        statuses: Counter[str] = Counter()
        lock = threading.Lock()
        samples: list[dict[str, float]] = []
        try:
            if not wait_for(lambda: _answers(f"{base}/healthz"), timeout=180, every=0.5):
                raise RuntimeError("the app did not start")
            stop_at = time.monotonic() + seconds

            def client(number: int) -> None:
                http = requests.Session()
                http.cookies.set("sessionid", world["session"])
                page = http.get(enrol_url, timeout=60)
                token = _CSRF.search(page.text)
                n = 0
                while time.monotonic() < stop_at:
                    kind = ("write", "page", "page2", "api")[n % 4]
                    try:
                        if kind == "write" and token:
                            answer = http.post(
                                enrol_url,
                                data={
                                    "csrfmiddlewaretoken": token.group(1),
                                    "full_name": f"Soak {number} {n}",
                                    "email": f"soak{number}-{n}@drill.example",
                                    "language": "en",
                                },
                                allow_redirects=False,
                                timeout=60,
                            )
                        elif kind == "api":
                            answer = http.get(f"{base}/api/v1/a/{slug}/employers", timeout=60)
                        else:
                            answer = http.get(pages[kind == "page2"], timeout=60)
                        status = answer.status_code
                    except requests.RequestException:
                        status = 0
                    with lock:
                        statuses[f"{kind} {status}"] += 1
                    n += 1
                    time.sleep(PAUSE_SECONDS)

            threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            while time.monotonic() < stop_at:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                        "AND pid <> pg_backend_pid()",
                        [database],
                    )
                    connections_open = cursor.fetchone()[0]
                samples.append(
                    {
                        "t": time.monotonic() - started,
                        "app_rss": _rss(server.pid),
                        "worker_rss": _rss(worker.pid),
                        "queue": DBTaskResult.objects.filter(status=TaskResultStatus.READY).count(),
                        "connections": connections_open,
                    }
                )
                time.sleep(SAMPLE_SECONDS)
            for thread in threads:
                thread.join()
            drained = wait_for(
                lambda: not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists(),
                timeout=120,
                every=0.5,
            )
            failed_tasks = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count()
        finally:
            stop(server)
            stop(worker)
            app_log.close()
            worker_log.close()
    return {
        "seconds": seconds,
        "samples": samples,
        "statuses": dict(statuses),
        "queue_drained": drained,
        "failed_tasks": failed_tasks,
    }


def _thirds(values: list[float]) -> tuple[list[float], list[float]]:
    third = max(1, len(values) // 3)
    return values[third : 2 * third], values[2 * third :]


def run(data: Path | None, quick: bool = False) -> list[Row]:
    why = postgres_unavailable()
    if why:
        return [row(ID, "drill ran", 0, at_least=1, note=why)]
    seconds = 60 if quick else 600
    url = fresh_database(DB_NAME)
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "bench.r7_soak", "--drill", url, str(seconds)],
            cwd=REPO,
            env={k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"},
            capture_output=True,
            text=True,
            check=False,
            timeout=seconds + 1200,
        )
    finally:
        drop_database(DB_NAME)
    if completed.returncode != 0:
        raise RuntimeError(f"R7 drill failed:\n{completed.stderr[-4000:]}")
    m = json.loads(completed.stdout.strip().splitlines()[-1])
    samples = m["samples"]
    total = [s["app_rss"] + s["worker_rss"] for s in samples]
    middle, last = _thirds(total)
    growth = statistics.median(last) / statistics.median(middle) - 1
    queue_middle, queue_last = _thirds([s["queue"] for s in samples])
    conn_middle, conn_last = _thirds([s["connections"] for s in samples])
    requests_made = sum(m["statuses"].values())
    errors = sum(v for k, v in m["statuses"].items() if not k.endswith((" 200", " 302")))
    mib = 1024 * 1024
    return [
        row(
            ID,
            "memory growth, last third vs second third (median summed RSS, %)",
            100 * growth,
            at_most=10,
            note=(
                f"{seconds / 60:g} min, {CLIENTS} clients, {requests_made} requests "
                f"({m['statuses']}); {len(samples)} samples every {SAMPLE_SECONDS:g} s; "
                f"RSS app {samples[0]['app_rss'] / mib:.0f} -> {samples[-1]['app_rss'] / mib:.0f} "
                f"MiB, worker {samples[0]['worker_rss'] / mib:.0f} -> "
                f"{samples[-1]['worker_rss'] / mib:.0f} MiB"
            ),
        ),
        row(
            ID,
            "task queue growth, median last third minus second third",
            statistics.median(queue_last) - statistics.median(queue_middle),
            at_most=5,
            note=(
                f"max queue {max(s['queue'] for s in samples)}; drained after the load: "
                f"{m['queue_drained']}; failed tasks {m['failed_tasks']}"
            ),
        ),
        row(
            ID,
            "database connections, most in last third minus most in second third",
            max(conn_last) - max(conn_middle),
            at_most=0,
            note=f"max {max(s['connections'] for s in samples)} connections open",
        ),
        row(ID, "failed requests during the soak", errors, at_most=0),
    ]


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--drill":
        print(json.dumps(drill(sys.argv[2], float(sys.argv[3]))))
    else:
        from bench.run import main

        sys.exit(main([ID, *sys.argv[1:]]))
