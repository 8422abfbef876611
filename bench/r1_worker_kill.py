"""R1 — a task worker killed with SIGKILL in the middle of a task: the task runs again and its
effects happen once (docs/reliability.md).

On a database of its own, an enrolment import of a generated layoff file (bench/p4's
generator) is uploaded, checked and started, which queues its import task. A real worker
(``springboard db_worker``, lease 2 s) claims the task; as soon as PostgreSQL shows the worker's
write transaction open (``pg_stat_activity.backend_xid``: rows are being written), the worker
gets SIGKILL. Then:

* the task is still RUNNING, the import still "importing", nothing of it in the database
  (the database rolled the killed transaction back);
* a second worker starts, finds the first one's lease expired, queues the task again, runs it
  and then the invitation e-mail tasks the import queues;
* counted: enrolments, candidate memberships, invitations, "import finished" audit events,
  invitation e-mail tasks and e-mails printed by the console e-mail backend (one per address).

A lost effect is an expected row or e-mail missing; a duplicated one is a row or e-mail more
than once. Both must be 0. ``--quick``: 1,000 rows instead of 4,000.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import REPO, Row, row
from bench.reliability_common import (
    drop_database,
    fresh_database,
    postgres_unavailable,
    production_env,
    setup_django,
    start,
    stop,
    wait_for,
    worker_args,
)

ID = "R1"
DB_NAME = "springboard_drill_r1"
LEASE_SECONDS = "2"


def _prepare(rows: int) -> tuple[Any, str]:
    """An import of ``rows`` rows, checked and started: its import task is in the queue."""
    from bench.p4_enrolment import _world, generate_csv
    from springboard.employers import services
    from springboard.employers.models import EnrolmentImport

    admin, engagement = _world()
    upload = services.enrolment_import_upload(
        engagement=engagement,
        cohort=None,
        actor=admin,
        file_name="layoff.csv",
        content=generate_csv(rows),
        default_language="en",
    )
    mapping = {k: v for k, v in upload.mapping.items() if not k.startswith("_")}
    services.enrolment_import_check(upload=upload, actor=admin, mapping=mapping)
    # The check queued a validation task; validate here so the worker starts on the import.
    services.enrolment_import_validate(import_id=str(upload.public_id))
    checked = EnrolmentImport.objects.get(pk=upload.pk)
    if checked.errors:
        raise RuntimeError(f"generated file did not validate: {checked.errors[:3]}")
    services.enrolment_import_start(upload=checked, actor=admin)
    return engagement, str(upload.public_id)


def _writing(database: str, task_id: str) -> bool:
    """Is the task claimed, and another session inside a transaction that has written rows
    for a while (the import's; a lease renewal or a claim commits at once)?"""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL "
            "AND now() - xact_start > interval '100 milliseconds' "
            "AND EXISTS (SELECT 1 FROM django_tasks_database_dbtaskresult "
            "            WHERE id = %s::uuid AND status = 'RUNNING')",
            [database, task_id],
        )
        return bool(cursor.fetchone()[0])


def drill(url: str, rows: int) -> dict[str, Any]:
    setup_django(url)
    from django.db import connection
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from springboard.accounts.models import Invitation
    from springboard.employers.models import Enrolment, EnrolmentImport, ImportStatus
    from springboard.privacy.models import AuditEvent
    from springboard.tenancy.models import Membership
    from springboard.tenancy.roles import Role

    engagement, import_id = _prepare(rows)
    agency = engagement.agency
    task = DBTaskResult.objects.get(task_path__endswith="run_enrolment_import")
    env = production_env(url, TASK_WORKER_LEASE_SECONDS=LEASE_SECONDS)
    database = connection.settings_dict["NAME"]
    task_id = str(task.id)

    with tempfile.TemporaryDirectory() as folder:
        first_log = Path(folder) / "worker1.log"
        second_log = Path(folder) / "worker2.log"
        with first_log.open("wb") as log:
            first = start(worker_args("r1-first"), env, log)
            mid_write = wait_for(lambda: _writing(database, task_id), timeout=180, every=0.02)
            os.kill(first.pid, signal.SIGKILL)
            first.wait(10)
            killed_at = time.monotonic()
        task.refresh_from_db()
        upload = EnrolmentImport.objects.get(public_id=import_id)
        after_kill = {
            "killed_mid_write": mid_write,
            "task_status": task.status,
            "import_status": upload.status,
            "enrolments": Enrolment.objects.filter(engagement=engagement).count(),
        }
        with second_log.open("wb") as log:
            second = start(worker_args("r1-second"), env, log)

            def done() -> bool:
                task.refresh_from_db()
                return (
                    task.status == TaskResultStatus.SUCCESSFUL
                    and not DBTaskResult.objects.exclude(
                        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
                    ).exists()
                )

            finished = wait_for(done, timeout=600, every=0.2)
            recovered_seconds = time.monotonic() - killed_at
            stop(second)
        output = first_log.read_text(errors="replace") + second_log.read_text(errors="replace")

    upload = EnrolmentImport.objects.get(public_id=import_id)
    task.refresh_from_db()
    addresses = re.findall(r"^To: (\S+@layoff\.example)$", output, flags=re.MULTILINE)
    counts = {
        "enrolments": Enrolment.objects.filter(engagement=engagement).count(),
        "candidate memberships": Membership.objects.filter(
            agency=agency, role=Role.CANDIDATE
        ).count(),
        "invitations": Invitation.objects.filter(agency=agency).count(),
        "invitations e-mailed": Invitation.objects.filter(
            agency=agency, emailed_at__isnull=False
        ).count(),
        "invitation e-mails sent": len(addresses),
        "distinct addresses e-mailed": len(set(addresses)),
        "import finished audit events": AuditEvent.objects.filter(
            action="enrolment_import.finish"
        ).count(),
    }
    expected = {key: rows for key in counts} | {"import finished audit events": 1}
    lost = sum(max(0, expected[k] - v) for k, v in counts.items())
    duplicated = sum(max(0, v - expected[k]) for k, v in counts.items())
    duplicated += len(addresses) - len(set(addresses))
    failed_tasks = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count()
    return {
        "rows": rows,
        "after_kill": after_kill,
        "finished": finished,
        "import_status": upload.status,
        "import_done": upload.status == ImportStatus.DONE,
        "task_status": task.status,
        "task_workers": task.worker_ids,
        "failed_tasks": failed_tasks,
        "recovered_seconds": recovered_seconds,
        "counts": counts,
        "expected": expected,
        "lost": lost,
        "duplicated": duplicated,
    }


def measure(rows: int) -> dict[str, Any]:
    url = fresh_database(DB_NAME)
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "bench.r1_worker_kill", "--drill", url, str(rows)],
            cwd=REPO,
            env={k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"},
            capture_output=True,
            text=True,
            check=False,
            timeout=1200,
        )
    finally:
        drop_database(DB_NAME)
    if completed.returncode != 0:
        raise RuntimeError(f"R1 drill failed:\n{completed.stderr[-4000:]}")
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def run(data: Path | None, quick: bool = False) -> list[Row]:
    why = postgres_unavailable()
    if why:
        return [row(ID, "drill ran", 0, at_least=1, note=why)]
    m = measure(1000 if quick else 4000)
    killed = m["after_kill"]
    sane = (
        killed["killed_mid_write"]
        and killed["task_status"] == "RUNNING"
        and killed["enrolments"] == 0
        and m["finished"]
        and m["import_done"]
        and m["task_status"] == "SUCCESSFUL"
        and len(m["task_workers"]) == 2
        and m["failed_tasks"] == 0
    )
    counts = ", ".join(f"{k} {v}" for k, v in m["counts"].items())
    return [
        row(
            ID,
            "lost effects after SIGKILL mid-task",
            m["lost"],
            at_most=0,
            note=f"{m['rows']}-row enrolment import killed mid-write; {counts}",
        ),
        row(ID, "duplicated effects after SIGKILL mid-task", m["duplicated"], at_most=0),
        row(
            ID,
            "task killed mid-write, re-run by another worker, import done (1 = yes)",
            1 if sane else 0,
            at_least=1,
            note=(
                f"after the kill: task {killed['task_status']}, import {killed['import_status']}, "
                f"{killed['enrolments']} enrolments; then task {m['task_status']} on workers "
                f"{m['task_workers']}, import {m['import_status']}, "
                f"{m['failed_tasks']} failed tasks"
            ),
        ),
        row(
            ID,
            "seconds from SIGKILL to import and e-mails done",
            m["recovered_seconds"],
            note=f"lease {LEASE_SECONDS} s (production default 60 s) + re-run + e-mails",
        ),
    ]


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--drill":
        print(json.dumps(drill(sys.argv[2], int(sys.argv[3]))))
    else:
        from bench.run import main

        sys.exit(main([ID, *sys.argv[1:]]))
