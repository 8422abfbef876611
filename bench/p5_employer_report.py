"""P5 — the employer's outcome report over 100,000 programmes and 1,000,000 events on PostgreSQL.

One agency, one employer with 20 engagements of 5 cohorts each (4 engagements list the names of
people who consented, 5% of their people did); 100,000 candidates, each with an enrolment and
a programme; 40% placed with a confirmed outcome, 8% other outcomes; 1,000,000 events:
aftercare check-ins (4 per placement, most answered), status changes and activity entries.
Accounts, memberships, enrolments and programmes go in with `bulk_create`; the events and the
consents with COPY (the rollup's triggers see both).

Measured, in the same process and on the same database:

* ours: `outcomes.reporting.employer_outcome_report(contact)` (the page, the CSV, the PDF and the
  API all build on it), which reads each engagement's stored rollup (`outcomes.rollup`) and
  recomputes the engagements a write made stale:
  - with a write before each request: one random engagement of the employer gets a write the
    report counts (a programme's status, or a check-in's answer), untimed, then the report is
    timed — it recomputes that engagement. The headline (p95 ≤ 300 ms): an employer opens the
    report while the agency works on the programmes;
  - quiet: no writes between requests, every rollup current;
  - cold: once, right after the fixture is built, every engagement stale (what the report did
    on every request before the rollup);
* baseline: a naive per-programme loop (for each programme of the employer: its outcome, then
  its check-ins, then counting in Python), run once over all the programmes;
* the number of queries of ours, which must not depend on the number of programmes (also
  asserted by `tests/test_outcomes_definitions.py` and `tests/test_outcomes_rollup.py`);
* that the report from the rollups equals the one computed from the records after the writes.

The machine's load average is written into the notes: other work on the same cores makes every
figure slower than on a quiet machine.

Skipped, with a row saying so, when PostgreSQL is unreachable. The worker runs in its own
process (`python -m bench.p5_employer_report --worker URL`) so Django is configured once.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from unittest import mock

from bench.common import REPO, Row, percentile, row

ID = "P5"
PROGRAMMES = 100_000
EVENTS = 1_000_000
ENGAGEMENTS = 20
COHORTS = 5
RUNS = 40
NAMED_ENGAGEMENTS = 4  # of ENGAGEMENTS, reporting consented status
CONSENTING = 0.05  # of their people
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_BENCH_DB = os.environ.get("BENCH_P5_DB", "springboard_bench_p5")
BATCH = 5_000


# --- inside the worker process ---------------------------------------------------------------


def _copy(table: str, columns: list[str], rows: Any) -> int:
    from django.db import connection

    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(values)
                count += 1
    return count


def build(programmes: int, events: int, seed: int = 5) -> dict[str, Any]:
    """The fixture; returns the employer contact's membership id and what was made."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from springboard.accounts.models import User
    from springboard.employers.models import Cohort, Engagement, Enrolment
    from springboard.outcomes.models import CheckIn, Outcome
    from springboard.programmes.content import load_shipped_templates
    from springboard.programmes.models import (
        ActivityEntry,
        Programme,
        ProgrammeTemplate,
        ProgrammeTemplateVersion,
        StatusChange,
    )
    from springboard.tenancy.models import Agency, Employer, Membership
    from springboard.tenancy.roles import Role

    rng = random.Random(seed)
    now = timezone.now()
    load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
    version = ProgrammeTemplateVersion.objects.filter(template__agency=None).first()
    assert version is not None
    agency = Agency.objects.create(slug="bench-p5", name="Bench P5")
    employer = Employer.objects.create(agency=agency, name="Bench Industries")
    contact_user = User.objects.create_user("contact@bench.example", None)
    contact = Membership.objects.create(
        agency=agency, user=contact_user, role=Role.EMPLOYER_CONTACT, employer=employer
    )
    engagements = [
        Engagement.objects.create(
            agency=agency,
            employer=employer,
            name=f"Engagement {n:02d}",
            start_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=10 * n),
            reporting_level="consented_status" if n < NAMED_ENGAGEMENTS else "aggregate",
        )
        for n in range(ENGAGEMENTS)
    ]
    cohorts = [
        Cohort.objects.create(
            engagement=e, name=f"Cohort {n}", notice_date=e.start_date + datetime.timedelta(n)
        )
        for e in engagements
        for n in range(COHORTS)
    ]
    start = datetime.date(2025, 1, 6)
    placed: list[tuple[int, datetime.date]] = []
    programme_ids: list[int] = []
    named = {e.pk for e in engagements[:NAMED_ENGAGEMENTS]}
    consents: list[tuple[Any, ...]] = []
    unusable = make_password(None)  # no hashing: "!"-prefixed, never a login
    for offset in range(0, programmes, BATCH):
        size = min(BATCH, programmes - offset)
        users = User.objects.bulk_create(
            User(
                email=f"p{offset + i}@bench.example", password=unusable, full_name=f"P {offset + i}"
            )
            for i in range(size)
        )
        members = Membership.objects.bulk_create(
            Membership(agency=agency, user=u, role=Role.CANDIDATE, full_name=u.full_name)
            for u in users
        )
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(
                agency=agency,
                engagement=cohorts[(offset + i) % len(cohorts)].engagement,
                cohort=cohorts[(offset + i) % len(cohorts)] if (offset + i) % 10 else None,
                candidate=m,
            )
            for i, m in enumerate(members)
        )
        for member, enrolment in zip(members, enrolments, strict=True):
            if enrolment.engagement_id in named and rng.random() < CONSENTING:
                consents.append(
                    (
                        uuid.uuid4(),
                        agency.pk,
                        member.pk,
                        "employer_named_reporting",
                        enrolment.public_id,
                        "Bench Industries",
                        True,
                        now,
                    )
                )
        batch = []
        for i, (member, enrolment) in enumerate(zip(members, enrolments, strict=True)):
            roll = rng.random()
            status = (
                "aftercare"
                if roll < 0.4
                else "active"
                if roll < 0.85
                else "dropped_out"
                if roll < 0.93
                else "invited"
            )
            day = start + datetime.timedelta(days=(offset + i) % 300)
            batch.append(
                Programme(
                    agency=agency,
                    enrolment=enrolment,
                    candidate=member,
                    template_version=version,
                    start_date=day,
                    planned_end_date=day + datetime.timedelta(days=180),
                    status=status,
                )
            )
        made = Programme.objects.bulk_create(batch)
        outcomes = []
        for p in made:
            programme_ids.append(p.pk)
            if p.status == "aftercare":
                job_start = p.start_date + datetime.timedelta(days=rng.randint(20, 200))
                placed.append((p.pk, job_start))
                outcomes.append(
                    Outcome(
                        agency=agency,
                        programme=p,
                        kind="new_job" if rng.random() < 0.9 else "self_employed",
                        start_date=job_start,
                        employer_name="Elsewhere",
                        contract="permanent",
                        pay_compared=rng.choice(["lower", "same", "higher", ""]),
                        source="staff",
                        recorded_at=now,
                        confirmed_at=now,
                    )
                )
            elif p.status == "dropped_out":
                outcomes.append(
                    Outcome(
                        agency=agency,
                        programme=p,
                        kind="dropped_out",
                        start_date=p.start_date + datetime.timedelta(days=30),
                        source="staff",
                        recorded_at=now,
                        confirmed_at=now,
                    )
                )
        Outcome.objects.bulk_create(outcomes)
    # Events: check-ins of placements, then status changes and activity to reach EVENTS.
    checkins = []
    for pk, job_start in placed:
        for months in (1, 3, 6, 12):
            due = job_start + datetime.timedelta(days=30 * months)
            answered = rng.random() < 0.7
            checkins.append(
                (
                    uuid.uuid4(),
                    agency.pk,
                    pk,
                    months,
                    due,
                    due + datetime.timedelta(days=30),
                    now,
                    None,
                    now if answered else None,
                    (rng.random() < 0.85) if answered else None,
                    None,
                    rng.randint(1, 5) if answered else None,
                )
            )
    made_checkins = _copy(
        CheckIn._meta.db_table,
        [
            "public_id",
            "agency_id",
            "programme_id",
            "months",
            "due_date",
            "expires_on",
            "sent_at",
            "reminded_at",
            "answered_at",
            "in_work",
            "same_employer",
            "satisfaction",
        ],
        checkins,
    )
    remaining = events - made_checkins
    changes = remaining // 3
    made_changes = _copy(
        StatusChange._meta.db_table,
        ["programme_id", "from_status", "to_status", "reason", "created_at"],
        (
            (programme_ids[n % len(programme_ids)], "intake", "active", "", now)
            for n in range(changes)
        ),
    )
    made_activity = _copy(
        ActivityEntry._meta.db_table,
        ["public_id", "programme_id", "kind", "data", "created_at"],
        (
            (uuid.uuid4(), programme_ids[n % len(programme_ids)], "task_done", "{}", now)
            for n in range(remaining - changes)
        ),
    )
    from springboard.privacy.models.consents import Consent

    made_consents = _copy(
        Consent._meta.db_table,
        [
            "public_id",
            "agency_id",
            "membership_id",
            "purpose",
            "scope",
            "scope_label",
            "granted",
            "changed_at",
        ],
        consents,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "contact_id": contact.pk,
        "programmes": len(programme_ids),
        "events": made_checkins + made_changes + made_activity,
        "consents": made_consents,
    }


def naive_report(contact: Any) -> None:
    """The per-programme loop a first version would write: one programme at a time."""
    from springboard.outcomes.models import CheckIn, Outcome
    from springboard.programmes.models import Programme

    counts: dict[tuple[int, int | None, str], int] = {}
    programmes = Programme.objects.filter(
        agency_id=contact.agency_id, enrolment__engagement__employer_id=contact.employer_id
    ).select_related("enrolment")
    for programme in programmes:
        outcome = Outcome.objects.filter(programme=programme).first()
        kind = outcome.kind if outcome and outcome.confirmed_at else "none"
        key = (programme.enrolment.engagement_id, programme.enrolment.cohort_id, kind)
        counts[key] = counts.get(key, 0) + 1
        for checkin in CheckIn.objects.filter(programme=programme, answered_at__isnull=False):
            answer = (programme.enrolment.engagement_id, checkin.months, str(checkin.in_work))
            counts[answer] = counts.get(answer, 0) + 1


def worker(database_url: str, programmes: int, events: int) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "k" * 40)
    os.environ.setdefault("SITE_URL", "https://springboard.example")
    os.environ.setdefault("DEFAULT_FROM_EMAIL", "Springboard <no-reply@springboard.example>")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["EMAIL"] = "console"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from springboard.outcomes import reporting, rollup
    from springboard.outcomes.models import CheckIn
    from springboard.outcomes.reporting import employer_outcome_report
    from springboard.programmes.models import Programme
    from springboard.tenancy.models import Membership

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    made = build(programmes, events)
    build_seconds = time.perf_counter() - started
    contact = Membership.objects.select_related("agency", "employer").get(pk=made["contact_id"])
    load = [os.getloadavg()[0]]

    # Cold: the fixture's writes left every engagement's rollup stale.
    t0 = time.perf_counter()
    employer_outcome_report(contact)
    cold = time.perf_counter() - t0
    with CaptureQueriesContext(connection) as queries:
        employer_outcome_report(contact)
    quiet_queries = len(queries)

    quiet = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        employer_outcome_report(contact)
        quiet.append(time.perf_counter() - t0)
    load.append(os.getloadavg()[0])

    rng = random.Random(55)
    by_engagement: dict[int, list[int]] = {}
    for pk, engagement_id in Programme.objects.filter(agency_id=contact.agency_id).values_list(
        "pk", "enrolment__engagement_id"
    ):
        by_engagement.setdefault(engagement_id, []).append(pk)
    placements = dict(
        CheckIn.objects.filter(agency_id=contact.agency_id, months=6).values_list(
            "programme_id", "pk"
        )
    )

    def write(n: int) -> None:
        """A write the report counts, to one random engagement (not timed)."""
        engagement_id = rng.choice(list(by_engagement))
        programme_id = rng.choice(by_engagement[engagement_id])
        checkin_id = placements.get(programme_id)
        if n % 2 and checkin_id is not None:
            CheckIn.objects.filter(pk=checkin_id).update(
                answered_at=timezone.now(),
                in_work=rng.random() < 0.8,
                satisfaction=rng.randint(1, 5),
            )
        else:
            status = Programme.objects.get(pk=programme_id).status
            Programme.objects.filter(pk=programme_id).update(
                status="closed" if status != "closed" else "dropped_out"
            )

    written = []
    for n in range(RUNS):
        write(n)
        t0 = time.perf_counter()
        employer_outcome_report(contact)
        written.append(time.perf_counter() - t0)
    load.append(os.getloadavg()[0])
    write(0)
    with CaptureQueriesContext(connection) as queries:
        employer_outcome_report(contact)
    written_queries = len(queries)
    # Exact: after all these writes, the report from the rollups equals the one computed from
    # the records (recomputing everything in the same process).
    write(1)
    from_rollup = employer_outcome_report(contact)
    with mock.patch.object(reporting, "report_counts", rollup.compute):
        direct = employer_outcome_report(contact)
    exact = from_rollup == direct

    t0 = time.perf_counter()
    naive_report(contact)
    naive = time.perf_counter() - t0
    load.append(os.getloadavg()[0])
    return {
        **made,
        "build_seconds": build_seconds,
        "cold_seconds": cold,
        "quiet": quiet,
        "written": written,
        "quiet_queries": quiet_queries,
        "written_queries": written_queries,
        "engagements": len(from_rollup),
        "exact": exact,
        "naive_seconds": naive,
        "load": load,
    }


# --- in the runner process ---------------------------------------------------------------------


def _postgres_url() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
            connection.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    except Exception as error:
        print(f"P5: PostgreSQL unavailable ({error}); skipped")
        return None
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_BENCH_DB}"


def _run_worker(database_url: str, programmes: int, events: int) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.p5_employer_report",
            "--worker",
            database_url,
            "--programmes",
            str(programmes),
            "--events",
            str(events),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=5400,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"P5 worker failed:\n{completed.stderr[-4000:]}")
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def run(data: Path | None, quick: bool = False) -> list[Row]:
    programmes, events = (10_000, 100_000) if quick else (PROGRAMMES, EVENTS)
    url = _postgres_url()
    if url is None:
        return [
            row(
                ID,
                "employer report p95 on PostgreSQL (ms)",
                0,
                note="skipped: PostgreSQL unreachable",
            )
        ]
    try:
        measured = _run_worker(url, programmes, events)
    finally:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
    naive = measured["naive_seconds"] * 1000
    load = "/".join(f"{x:.1f}" for x in measured["load"])
    setting = (
        f"{measured['programmes']} programmes, {measured['events']} events, "
        f"{measured['engagements']} engagements x {COHORTS} cohorts, {measured['consents']} "
        f"consents; {RUNS} runs; baseline: the per-programme loop run once over all "
        f"{measured['programmes']} programmes in the same run ({measured['naive_seconds']:.0f} s); "
        f"load average {load} on {os.cpu_count()} cores (shared: figures are pessimistic)"
    )
    exact = "equal" if measured["exact"] else "DIFFERENT"
    return [
        row(
            ID,
            "employer report p95 on PostgreSQL (ms), a write before each request, vs "
            "per-programme loop",
            percentile(measured["written"], 95) * 1000,
            baseline=naive,
            at_most=300,
            higher_is_better=False,
            note=f"headline; each request follows a write to one random engagement, which it "
            f"recomputes; median {percentile(measured['written'], 50) * 1000:.0f} ms; "
            f"{setting}; fixture built in {measured['build_seconds']:.0f} s",
        ),
        row(
            ID,
            "employer report p95 on PostgreSQL (ms), no writes between requests",
            percentile(measured["quiet"], 95) * 1000,
            baseline=naive,
            at_most=300,
            higher_is_better=False,
            note=f"every rollup current; median {percentile(measured['quiet'], 50) * 1000:.0f} ms",
        ),
        row(
            ID,
            "employer report, cold (ms): every engagement stale, once",
            measured["cold_seconds"] * 1000,
            baseline=naive,
            higher_is_better=False,
            note="the first request after the fixture's writes: recomputes all 20 engagements "
            "(what every request cost before the rollup); no target",
        ),
        row(
            ID,
            "employer report queries with a stale engagement (constant in programmes)",
            measured["written_queries"],
            at_most=20,
            higher_is_better=False,
            note=f"CaptureQueriesContext; {measured['quiet_queries']} with every rollup "
            "current; tests assert neither grows with the programmes",
        ),
        row(
            ID,
            "report from the rollups equals the report computed from the records (1 = yes)",
            1 if measured["exact"] else 0,
            at_least=1,
            note=f"after {RUNS + 2} writes, compared in the same process: {exact}",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", metavar="DATABASE_URL", required=True)
    parser.add_argument("--programmes", type=int, default=PROGRAMMES)
    parser.add_argument("--events", type=int, default=EVENTS)
    args = parser.parse_args()
    print(json.dumps(worker(args.worker, args.programmes, args.events)))


if __name__ == "__main__":
    main()
