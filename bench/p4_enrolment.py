"""P4 — enrol a generated 10,000-row layoff file on SQLite and on PostgreSQL.

Three writers, each run through the whole pipeline a browser import runs (upload: read the
file; check: map the columns; validate every row and store the preview; start; run: re-check
against the database, write in ONE transaction, queue the invitation e-mail tasks after
commit), on a fresh 10,000-row file into a new agency and engagement, in the same process and
on the same database. Only the writer differs (``services.write_rows`` is swapped):

* ours: ``springboard.employers.importing.writing.write_rows`` (a fixed number of bulk
  statements);
* baseline (the 20x target applies to it): a per-row ``save()`` loop, creating the same User,
  Membership, Enrolment and Invitation rows our writer creates, with the same look-ups done
  per row (does the account exist, does it have a still-valid invitation of this agency);
* ``bulk_create`` (information): the same look-ups in bulk, then ``bulk_create`` of model
  instances per table.

Every run is checked to have created 10,000 enrolments, memberships and invitations. Nothing is
scaled: all 10,000 rows are written by every writer. Ours runs three times (median reported);
each baseline once, first, on the emptier database, which favours it.

Password hashing: every configured hasher's ``encode`` and ``verify`` is wrapped by a counter
(:func:`count_hashing`) for the whole run; the row fails when anything was hashed.
``tests/test_bench_p4.py`` proves the counter sees a hashed password.

Each database runs in its own process (``python -m bench.p4_enrolment --worker URL``) so Django
is configured once per database.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.common import REPO, Row, row

ID = "P4"
ROWS = 10_000
OUR_RUNS = 3
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


@contextmanager
def count_hashing() -> Iterator[dict[str, int]]:
    """Count calls to the configured password hashers' ``encode`` and ``verify`` (what
    ``make_password`` and ``check_password`` use) while the block runs.

    The hasher instances are the ones ``django.contrib.auth.hashers`` caches and hands out, so
    every path that hashes goes through a wrapped method. Yields the live counts.
    """
    from django.contrib.auth import hashers

    counts = {"encode": 0, "verify": 0}
    patched = []
    for hasher in hashers.get_hashers():
        for name in ("encode", "verify"):
            original = getattr(hasher, name)

            def counting(*args: Any, _original: Any = original, _name: str = name) -> Any:
                counts[_name] += 1
                return _original(*args)

            setattr(hasher, name, counting)
            patched.append((hasher, name))
    try:
        yield counts
    finally:
        for hasher, name in patched:
            delattr(hasher, name)  # the class's method shows through again


# --- inside the worker process (Django configured for one database) -------------------------


def _world() -> tuple[Any, Any]:
    from springboard.accounts.models import User
    from springboard.employers.models import Engagement
    from springboard.tenancy.models import Agency, Employer, Membership
    from springboard.tenancy.roles import Role

    agency = Agency.objects.create(slug=f"bench-{time.time_ns()}", name="Bench agency")
    admin_user = User.objects.create_user(f"admin-{agency.slug}@bench.example", None)
    admin = Membership.objects.create(agency=agency, user=admin_user, role=Role.ADMIN)
    employer = Employer.objects.create(agency=agency, name="Bench employer")
    engagement = Engagement.objects.create(
        agency=agency, employer=employer, name="Layoff", start_date=date(2026, 3, 1)
    )
    return admin, engagement


def _pipeline(content: bytes, writer: Callable[..., Any] | None = None) -> dict[str, Any]:
    """Upload, check, validate, start and run an import of ``content``; ``writer`` replaces
    ``write_rows`` for the baselines. Returns the seconds of the whole pipeline."""
    from springboard.accounts.models import Invitation
    from springboard.employers import services
    from springboard.employers.models import Enrolment, EnrolmentImport
    from springboard.tenancy.models import Membership
    from springboard.tenancy.roles import Role

    admin, engagement = _world()
    # The writer as bound in the module that runs the import (an imported name).
    namespace = vars(sys.modules[services.enrolment_import_run.__module__])
    original = namespace["write_rows"]
    if writer is not None:
        namespace["write_rows"] = writer
    try:
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
        # With an immediate task backend (tests) the queued task has done a step already.
        checked = services.enrolment_import_validate(
            import_id=str(upload.public_id)
        ) or EnrolmentImport.objects.get(pk=upload.pk)
        if checked is None or checked.errors:
            raise RuntimeError(
                f"generated file did not validate: {checked.errors[:3] if checked else None}"
            )
        services.enrolment_import_start(upload=checked, actor=admin)
        done = services.enrolment_import_run(
            import_id=str(upload.public_id)
        ) or EnrolmentImport.objects.get(pk=upload.pk)
        seconds = time.perf_counter() - start
    finally:
        namespace["write_rows"] = original
    if done is None or done.summary.get("created") != ROWS:
        raise RuntimeError(f"import did not create {ROWS} rows: {done.summary if done else None}")
    agency = engagement.agency
    made = (
        Enrolment.objects.filter(engagement=engagement).count(),
        Membership.objects.filter(agency=agency, role=Role.CANDIDATE).count(),
        Invitation.objects.filter(agency=agency, revoked_at=None).count(),
    )
    if made != (ROWS, ROWS, ROWS):
        raise RuntimeError(f"expected {ROWS} enrolments, memberships, invitations; got {made}")
    return {"seconds": seconds, "summary": done.summary}


def _clean_row_fields() -> tuple[str, ...]:
    from springboard.employers.importing.writing import ENROLMENT_FIELDS

    return ENROLMENT_FIELDS


def save_loop_writer(*, engagement: Any, cohort: Any, rows: list[Any], actor: Any) -> Any:
    """Baseline: one ``save()`` per object, the look-ups per row (in the caller's transaction).

    Creates what our writer creates for people new to the platform: an account with an
    unusable password and no name, this agency's membership with the name and language from
    HR, the enrolment, and an invitation unless a still-valid one exists.
    """
    from django.conf import settings
    from django.utils import timezone

    from springboard.accounts.models import Invitation, User
    from springboard.employers.importing.writing import WriteSummary
    from springboard.employers.models import Enrolment
    from springboard.tenancy.models import Membership
    from springboard.tenancy.roles import Role

    agency = engagement.agency
    summary = WriteSummary()
    now = timezone.now()
    expires = now + timedelta(days=settings.CANDIDATE_INVITATION_VALID_DAYS)
    Invitation.objects.filter(
        agency=agency, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now
    ).update(revoked_at=now)
    fields = _clean_row_fields()
    for r in rows:
        user = User.objects.filter(email=r.email).first()
        if user is None:
            user = User(email=r.email, full_name="", language=r.language)
            user.set_unusable_password()
            user.save()
            membership = None
        else:
            membership = Membership.objects.filter(agency=agency, user=user).first()
        if membership is None:
            membership = Membership(
                agency=agency,
                user=user,
                role=Role.CANDIDATE,
                full_name=r.full_name,
                language=r.language,
            )
            membership.save()
        enrolment = Enrolment(
            agency=agency,
            engagement=engagement,
            cohort=cohort,
            candidate=membership,
            source_fingerprint=r.fingerprint,
            **{k: getattr(r, k) for k in fields},
        )
        enrolment.save()
        summary.created += 1
        if membership.joined_at is None:
            valid = Invitation.objects.filter(
                agency=agency, email=r.email, accepted_at=None, revoked_at=None
            ).exists()
            if not valid:
                invitation = Invitation(
                    agency=agency,
                    email=r.email,
                    full_name=r.full_name,
                    role=Role.CANDIDATE,
                    language=r.language,
                    invited_by=actor,
                    expires_at=expires,
                )
                invitation.save()
                summary.invitations.append(str(invitation.public_id))
    return summary


def bulk_create_writer(*, engagement: Any, cohort: Any, rows: list[Any], actor: Any) -> Any:
    """Information: the same look-ups in bulk, then ``bulk_create`` of model instances."""
    from django.conf import settings
    from django.utils import timezone

    from springboard.accounts.models import Invitation, User
    from springboard.employers.importing.writing import BATCH, WriteSummary
    from springboard.employers.models import Enrolment
    from springboard.tenancy.models import Membership
    from springboard.tenancy.roles import Role

    agency = engagement.agency
    summary = WriteSummary()
    now = timezone.now()
    expires = now + timedelta(days=settings.CANDIDATE_INVITATION_VALID_DAYS)
    Invitation.objects.filter(
        agency=agency, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now
    ).update(revoked_at=now)
    emails = [r.email for r in rows]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    new_users = []
    for r in rows:
        if r.email not in users:
            user = User(email=r.email, full_name="", language=r.language)
            user.set_unusable_password()
            new_users.append(user)
    for user in User.objects.bulk_create(new_users, batch_size=BATCH):
        users[user.email] = user
    if any(u.pk is None for u in users.values()):  # no RETURNING: fetch the new ids
        users = {u.email: u for u in User.objects.filter(email__in=emails)}
    memberships = {
        m.user_id: m for m in Membership.objects.filter(agency=agency, user__in=users.values())
    }
    new_memberships = [
        Membership(
            agency=agency,
            user=users[r.email],
            role=Role.CANDIDATE,
            full_name=r.full_name,
            language=r.language,
        )
        for r in rows
        if users[r.email].pk not in memberships
    ]
    Membership.objects.bulk_create(new_memberships, batch_size=BATCH)
    memberships = {
        m.user_id: m for m in Membership.objects.filter(agency=agency, user__in=users.values())
    }
    fields = _clean_row_fields()
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                agency=agency,
                engagement=engagement,
                cohort=cohort,
                candidate=memberships[users[r.email].pk],
                source_fingerprint=r.fingerprint,
                **{k: getattr(r, k) for k in fields},
            )
            for r in rows
        ],
        batch_size=BATCH,
    )
    summary.created = len(rows)
    valid = set(
        Invitation.objects.filter(
            agency=agency, email__in=emails, accepted_at=None, revoked_at=None
        ).values_list("email", flat=True)
    )
    invitations = [
        Invitation(
            agency=agency,
            email=r.email,
            full_name=r.full_name,
            role=Role.CANDIDATE,
            language=r.language,
            invited_by=actor,
            expires_at=expires,
        )
        for r in rows
        if memberships[users[r.email].pk].joined_at is None and r.email not in valid
    ]
    Invitation.objects.bulk_create(invitations, batch_size=BATCH)
    summary.invitations = [str(i.public_id) for i in invitations]
    return summary


def worker(database_url: str) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = database_url
    # Production settings: DEBUG would record every query in memory.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "k" * 40)
    # Production refuses the localhost defaults of these; the benchmark sends no e-mail.
    os.environ.setdefault("SITE_URL", "https://springboard.example")
    os.environ.setdefault("DEFAULT_FROM_EMAIL", "Springboard <no-reply@springboard.example>")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["EMAIL"] = "console"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    files = iter(generate_csv(ROWS, offset=ROWS * (1 + i)) for i in range(2 + OUR_RUNS))
    with count_hashing() as hashed:
        # The baselines run first, on the emptier database, which favours them.
        save_loop = _pipeline(next(files), save_loop_writer)
        bulk = _pipeline(next(files), bulk_create_writer)
        ours = [_pipeline(next(files)) for _ in range(OUR_RUNS)]
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path__endswith="send_invitation_emails").count()
    return {
        "seconds": statistics.median(r["seconds"] for r in ours),
        "runs": [r["seconds"] for r in ours],
        "summary": ours[0]["summary"],
        "queued_tasks_per_import": queued / (2 + OUR_RUNS),
        "save_loop_seconds": save_loop["seconds"],
        "bulk_create_seconds": bulk["seconds"],
        "hashed": dict(hashed),
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
    hashed = measured["hashed"]["encode"] + measured["hashed"]["verify"]
    runs = ", ".join(f"{s:.2f}" for s in measured["runs"])
    note = (
        f"{ROWS} rows, whole pipeline (read, validate, write in one transaction, queue "
        f"{measured['queued_tasks_per_import']:g} invitation tasks per import); ours median of "
        f"{len(measured['runs'])} runs ({runs} s); baseline: per-row save() loop in one "
        f"transaction on all {ROWS} rows"
    )
    return [
        row(
            ID,
            f"enrol {ROWS} rows on {label} (s) vs per-row save() loop",
            measured["seconds"],
            baseline=measured["save_loop_seconds"],
            at_most=limit,
            ratio_at_least=20,
            higher_is_better=False,
            note=note,
        ),
        row(
            ID,
            f"enrol {ROWS} rows on {label} (s) vs bulk_create",
            measured["seconds"],
            baseline=measured["bulk_create_seconds"],
            higher_is_better=False,
            note="bulk_create of model instances in one transaction, same look-ups in bulk",
        ),
        row(
            ID,
            f"password hasher calls on {label} (all three writers)",
            hashed,
            at_most=0,
            note=f"encode {measured['hashed']['encode']}, verify {measured['hashed']['verify']}",
        ),
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
