"""P4 — enrol a generated 10,000-row layoff file on SQLite and on PostgreSQL.

Measures the whole pipeline a browser import runs (read + validate + write users, memberships,
enrolments and invitations, and queue the invitation e-mail tasks) against a naive row-by-row
save loop doing the same writes, in the same run and on the same database. Each database runs
in its own process (`python -m bench.p4_enrolment --worker URL`) so Django is configured once
per database. No password may be hashed: the hashers are replaced by a counter while timing.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.common import REPO, Row, row

ID = "P4"
ROWS = 10_000
NAIVE_ROWS = 1_000
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_BENCH_DB = "springboard_bench_p4"


def generate_csv(rows: int, *, offset: int = 0) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "Name",
            "E-mail",
            "Phone",
            "Employee number",
            "Job title",
            "Department",
            "Location",
            "Notice date",
            "Last working day",
            "Language",
        ]
    )
    for n in range(offset, offset + rows):
        writer.writerow(
            [
                f"Person {n:06d}",
                f"person{n:06d}@layoff.example",
                f"+45 20 {n:06d}",
                f"E{n:06d}",
                "Warehouse operator",
                f"Dept {n % 17}",
                ("Aarhus", "Vejle", "Odense")[n % 3],
                "2026-03-02",
                "2026-05-31",
                ("da", "en", "nb", "nl")[n % 4],
            ]
        )
    return buffer.getvalue().encode()


# --- inside the worker process (Django configured for one database) -------------------------


def _world() -> tuple[Any, Any]:
    from springboard.accounts.models import User
    from springboard.employers.models import Employer, Engagement
    from springboard.tenancy.models import Agency, Membership
    from springboard.tenancy.roles import Role

    agency = Agency.objects.create(slug=f"bench-{time.time_ns()}", name="Bench agency")
    admin_user = User.objects.create_user(f"admin-{agency.slug}@bench.example", None)
    admin = Membership.objects.create(agency=agency, user=admin_user, role=Role.ADMIN)
    employer = Employer.objects.create(agency=agency, name="Bench employer")
    engagement = Engagement.objects.create(
        agency=agency, employer=employer, name="Layoff", start_date=date(2026, 3, 1)
    )
    return admin, engagement


def _pipeline(content: bytes) -> dict[str, Any]:
    from springboard.employers import services

    admin, engagement = _world()
    start = time.perf_counter()
    upload = services.enrolment_import_upload(
        engagement=engagement,
        cohort=None,
        actor=admin,
        file_name="layoff.csv",
        content=content,
        default_language="en",
    )
    mapping = {k: v for k, v in upload.mapping.items() if not k.startswith("_")}
    services.enrolment_import_check(upload=upload, actor=admin, mapping=mapping)
    checked = services.enrolment_import_validate(import_id=str(upload.public_id))
    if checked is None or checked.errors:
        raise RuntimeError(
            f"generated file did not validate: {checked.errors[:3] if checked else None}"
        )
    services.enrolment_import_start(upload=checked, actor=admin)
    done = services.enrolment_import_run(import_id=str(upload.public_id))
    seconds = time.perf_counter() - start
    if done is None or done.summary.get("created") != ROWS:
        raise RuntimeError(f"import did not create {ROWS} rows: {done.summary if done else None}")
    return {"seconds": seconds, "summary": done.summary}


def _naive(content: bytes) -> float:
    """Row by row, one save per object and one task per invitation, as a first version would."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.utils import timezone

    from springboard.accounts.models import Invitation, User
    from springboard.accounts.tasks import send_invitation_email
    from springboard.employers.importing.validation import parse_date
    from springboard.employers.models import Enrolment
    from springboard.tenancy.models import Membership
    from springboard.tenancy.roles import Role

    admin, engagement = _world()
    reader = csv.reader(io.StringIO(content.decode()))
    next(reader)
    start = time.perf_counter()
    for name, email, phone, number, title, department, location, notice, last, lang in reader:
        user = User.objects.create_user(email, None, full_name=name, language=lang)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
        membership = Membership.objects.create(
            agency=engagement.agency, user=user, role=Role.CANDIDATE
        )
        Enrolment.objects.create(
            agency=engagement.agency,
            engagement=engagement,
            candidate=membership,
            employee_number=number,
            phone=phone,
            job_title=title,
            department=department,
            location=location,
            notice_date=parse_date(notice),
            last_working_day=parse_date(last),
        )
        invitation = Invitation.objects.create(
            agency=engagement.agency,
            email=email,
            full_name=name,
            role=Role.CANDIDATE,
            language=lang,
            invited_by=admin.user,
            expires_at=timezone.now() + timedelta(days=settings.CANDIDATE_INVITATION_VALID_DAYS),
        )
        send_invitation_email.enqueue(invitation_id=str(invitation.public_id))
    return time.perf_counter() - start


def worker(database_url: str) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = database_url
    # Production settings: DEBUG would record every query in memory.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "k" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["EMAIL"] = "console"
    import django

    django.setup()
    from django.contrib.auth import hashers
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    hashed = {"count": 0}
    original = hashers.make_password

    def counting_make_password(password: Any, *args: Any, **kwargs: Any) -> str:
        if password is not None:
            hashed["count"] += 1
        return original(password, *args, **kwargs)

    hashers.make_password = counting_make_password
    from springboard.employers.importing import writing

    writing.make_password = counting_make_password  # type: ignore[attr-defined]
    # The naive loop runs first, on the emptier database, which favours it.
    naive = _naive(generate_csv(NAIVE_ROWS, offset=ROWS * 10))
    # Three imports of fresh 10,000-row files into new engagements; the fastest counts (the
    # usual best-of-N), so a noisy neighbour on a shared machine does not decide the figure.
    runs = [_pipeline(generate_csv(ROWS, offset=ROWS * (1 + i))) for i in range(3)]
    result = min(runs, key=lambda r: r["seconds"])
    from django_tasks_db.models import DBTaskResult

    queued = (
        DBTaskResult.objects.filter(task_path__endswith="send_candidate_invitations").count() // 3
    )
    return {
        "seconds": result["seconds"],
        "summary": result["summary"],
        "queued_tasks": queued,
        "naive_seconds_per_row": naive / NAIVE_ROWS,
        "passwords_hashed": hashed["count"],
    }


# --- in the runner process --------------------------------------------------------------------


def _run_worker(database_url: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.p4_enrolment", "--worker", database_url],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"P4 worker failed on {database_url}:\n{completed.stderr[-4000:]}")
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def _postgres_url() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
            connection.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    except Exception as error:
        print(f"P4: PostgreSQL unavailable ({error}); SQLite only")
        return None
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_BENCH_DB}"


def _rows(label: str, measured: dict[str, Any], limit: float) -> list[Row]:
    naive_total = measured["naive_seconds_per_row"] * ROWS
    note = (
        f"{ROWS} rows; {measured['queued_tasks']} invitation tasks queued; naive loop timed on "
        f"{NAIVE_ROWS} rows and scaled to {ROWS}; passwords hashed: {measured['passwords_hashed']}"
    )
    return [
        row(
            ID,
            f"enrol {ROWS} rows on {label} (s)",
            measured["seconds"],
            baseline=naive_total,
            at_most=limit,
            ratio_at_least=20,
            higher_is_better=False,
            note=note,
        ),
        row(ID, f"passwords hashed on {label}", measured["passwords_hashed"], at_most=0),
    ]


def run(data: Path | None, quick: bool = False) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        sqlite_url = f"sqlite:///{Path(folder) / 'p4.sqlite3'}"
        rows += _rows("SQLite", _run_worker(sqlite_url), 10)
    pg_url = _postgres_url()
    if pg_url is not None:
        try:
            rows += _rows("PostgreSQL", _run_worker(pg_url), 5)
        finally:
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", metavar="DATABASE_URL", required=True)
    args = parser.parse_args()
    print(json.dumps(worker(args.worker)))


if __name__ == "__main__":
    main()
