"""R4 — a failure in the middle of a multi-step write leaves nothing half-written
(docs/reliability.md).

Three multi-step writes, each failed on purpose at every one of its steps in turn (the step
runs, then raises, so what it wrote is in the open transaction when the failure comes):

* an enrolment import (write_rows' steps: accounts, candidate memberships, enrolments, names,
  invitations; then the import's own audit record), followed by a retry without the failure
  (resumable: the import is marked failed and retryable) and a re-run of the same file (changes
  nothing);
* creating a programme from a template (the programme, its coaches, its activity entry, its
  audit record);
* erasing a person (after the first, the middle and the last group of their rows, then the
  audit record).

Before each failed attempt every table is read in full (every column of every row, files and
task rows excluded); after it, the database must be identical, except the import's own row
recording that it failed. ``half_written`` counts attempts that changed anything else.
The figures go to bench/results/R4.json; tests/test_drills.py runs the same scenarios.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from bench.common import REPO, Row, row
from bench.reliability_common import (
    drop_database,
    fresh_database,
    postgres_unavailable,
    setup_django,
)

ID = "R4"
DB_NAME = "springboard_drill_r4"
# Tables a failed attempt may touch without it being a half-written business change: the
# import's own row (it records the failure) and the task queue (tests: immediate backend).
IGNORED = {"employers.enrolmentimport", "django_tasks_db.dbtaskresult", "core.workerlease"}


class InjectedFailure(Exception):
    """Raised by a step on purpose."""


def snapshot() -> dict[str, list[str]]:
    """Every row of every table (as text), by model."""
    from django.apps import apps

    tables: dict[str, list[str]] = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in IGNORED or model._meta.proxy or not model._meta.managed:
            continue
        rows = model._base_manager.order_by("pk").values_list()
        tables[label] = [repr(values) for values in rows]
    return tables


def changed_tables(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


@contextmanager
def failing_after(module: ModuleType, name: str, *, call: int = 1) -> Iterator[None]:
    """``module.name`` runs as before, then raises on its ``call``-th call."""
    original = getattr(module, name)
    calls = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        result = original(*args, **kwargs)
        calls += 1
        if calls == call:
            raise InjectedFailure(f"injected after {name}")
        return result

    setattr(module, name, wrapper)
    try:
        yield
    finally:
        setattr(module, name, original)


def _attempt(label: str, step: str, act: Callable[[], Any]) -> dict[str, Any]:
    before = snapshot()
    try:
        act()
        raised = False
    except InjectedFailure:
        raised = True
    changed = changed_tables(before, snapshot())
    return {"operation": label, "step": step, "raised": raised, "changed": changed}


def _uploader(upload: Any) -> Any:
    from springboard.tenancy.models import Membership

    return Membership.objects.get(user=upload.uploaded_by, agency=upload.engagement.agency)


def enrolment_scenarios(rows: int = 8) -> list[dict[str, Any]]:
    from bench.r1_worker_kill import _prepare
    from springboard.employers.importing import writing
    from springboard.employers.models import Enrolment, EnrolmentImport, ImportStatus
    from springboard.employers.services import (
        enrolment_import_run,
        enrolment_import_start,
        enrolment_import_upload,
        import_steps,
    )

    steps: list[tuple[ModuleType, str]] = [
        (writing, "accounts_ensure"),
        (writing, "candidate_memberships_ensure"),
        (writing, "insert_rows"),
        (writing, "unjoined_names_refresh"),
        (writing, "candidate_invitations_ensure"),
        (import_steps, "audit_record"),
    ]
    results = []
    for module, name in steps:
        engagement, import_id = _prepare(rows)

        def run(module: ModuleType = module, name: str = name, import_id: str = import_id) -> Any:
            with failing_after(module, name):
                done = enrolment_import_run(import_id=import_id)
            # The import catches every failure and marks itself failed: re-raise for _attempt.
            if done is not None and done.status == ImportStatus.FAILED:
                raise InjectedFailure(done.failure)
            return done

        result = _attempt("enrolment import", name, run)
        upload = EnrolmentImport.objects.get(public_id=import_id)
        result["marked_failed"] = upload.status == ImportStatus.FAILED
        # Resumable: a retry (as the page's "try again") finishes the same import.
        enrolment_import_start(upload=upload, actor=_uploader(upload))
        enrolment_import_run(import_id=import_id)
        upload.refresh_from_db()
        created = Enrolment.objects.filter(engagement=engagement).count()
        result["resumed"] = upload.status == ImportStatus.DONE and created == rows
        results.append(result)
    # Re-running the same file: nothing changes.
    from bench.p4_enrolment import generate_csv

    upload = EnrolmentImport.objects.filter(engagement=engagement).latest("pk")
    admin = _uploader(upload)
    before = Enrolment.objects.filter(engagement=engagement).count()
    again = enrolment_import_upload(
        engagement=engagement,
        cohort=None,
        actor=admin,
        file_name="layoff.csv",
        content=generate_csv(rows),
        default_language="en",
    )
    from springboard.employers.services import enrolment_import_check, enrolment_import_validate

    mapping = {k: v for k, v in again.mapping.items() if not k.startswith("_")}
    enrolment_import_check(upload=again, actor=admin, mapping=mapping)
    enrolment_import_validate(import_id=str(again.public_id))
    again.refresh_from_db()
    enrolment_import_start(upload=again, actor=admin)
    enrolment_import_run(import_id=str(again.public_id))
    again.refresh_from_db()
    results.append(
        {
            "operation": "enrolment import",
            "step": "same file imported again",
            "raised": True,
            "changed": []
            if Enrolment.objects.filter(engagement=engagement).count() == before
            and again.summary.get("created") == 0
            else ["employers.enrolment"],
            "marked_failed": True,
            "resumed": again.status == ImportStatus.DONE,
        }
    )
    return results


def _programme_world() -> tuple[Any, Any, Any, Any]:
    from bench.p4_enrolment import _world
    from springboard.accounts.models import User
    from springboard.employers.models import Enrolment
    from springboard.programmes.content import load_shipped_templates
    from springboard.programmes.models import ProgrammeTemplate, ProgrammeTemplateVersion
    from springboard.tenancy.models import Membership
    from springboard.tenancy.roles import Role

    load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
    admin, engagement = _world()
    agency = engagement.agency
    coach = Membership.objects.create(
        agency=agency,
        user=User.objects.create_user(f"coach-{agency.slug}@drill.example", None),
        role=Role.COACH,
    )
    candidate = Membership.objects.create(
        agency=agency,
        user=User.objects.create_user(f"candidate-{agency.slug}@drill.example", None),
        role=Role.CANDIDATE,
    )
    enrolment = Enrolment.objects.create(agency=agency, engagement=engagement, candidate=candidate)
    version = (
        ProgrammeTemplateVersion.objects.filter(template__agency=None)
        .order_by("template__key", "-number")
        .first()
    )
    assert version is not None
    return admin, coach, enrolment, version


def programme_scenarios() -> list[dict[str, Any]]:
    from django.utils import timezone

    from springboard.programmes.models import Programme
    from springboard.programmes.services import lifecycle

    results = []
    for name in ("log_activity", "audit_record"):
        admin, coach, enrolment, version = _programme_world()

        def create(
            name: str = name,
            admin: Any = admin,
            coach: Any = coach,
            enrolment: Any = enrolment,
            version: Any = version,
        ) -> Any:
            with failing_after(lifecycle, name):
                return lifecycle.programme_create(
                    enrolment=enrolment,
                    actor=admin,
                    template_version=version,
                    coaches=[coach],
                    start_date=timezone.localdate(),
                )

        result = _attempt("programme from a template", name, create)
        lifecycle.programme_create(
            enrolment=enrolment,
            actor=admin,
            template_version=version,
            coaches=[coach],
            start_date=timezone.localdate(),
        )
        result["marked_failed"] = True
        result["resumed"] = Programme.objects.filter(enrolment=enrolment).count() == 1
        results.append(result)
    return results


def _groups_erased(person: Any) -> int:
    """How many groups of rows (declarations) an erasure of ``person`` walks through."""
    from springboard.privacy.erasure import engine

    calls = 0
    original = engine._rows

    def counting(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        return original(*args)

    setattr(engine, "_rows", counting)  # noqa: B010 - a patched function, counted
    try:
        engine.erase_rows(person, dry_run=True)
    finally:
        setattr(engine, "_rows", original)  # noqa: B010
    return calls


def erasure_scenarios() -> list[dict[str, Any]]:
    from springboard.privacy.erasure import engine, services
    from springboard.tenancy.models import Membership

    results = []
    declared = 0
    for plan in range(4):
        admin, _coach, enrolment, version = _programme_world()
        from django.utils import timezone

        from springboard.programmes.services import lifecycle

        lifecycle.programme_create(
            enrolment=enrolment,
            actor=admin,
            template_version=version,
            coaches=[_coach],
            start_date=timezone.localdate(),
        )
        person = enrolment.candidate
        if not declared:
            declared = _groups_erased(person)
        module, name, call = [
            (engine, "_rows", 1),
            (engine, "_rows", max(2, declared // 2)),
            (engine, "_rows", declared),
            (services, "audit_record", 1),
        ][plan]

        def erase(
            module: ModuleType = module,
            name: str = name,
            call: int = call,
            person: Any = person,
            admin: Any = admin,
        ) -> Any:
            with failing_after(module, name, call=call):
                return services.erase_person(person, actor=admin.user)

        step = f"{name} (call {call} of {declared})" if name == "_rows" else name
        result = _attempt("erasure of a person", step, erase)
        services.erase_person(Membership.objects.get(pk=person.pk), actor=admin.user)
        result["marked_failed"] = True
        result["resumed"] = Membership.objects.get(pk=person.pk).is_active is False
        results.append(result)
    return results


def all_scenarios(rows: int = 8) -> list[dict[str, Any]]:
    return [*enrolment_scenarios(rows), *programme_scenarios(), *erasure_scenarios()]


def drill(url: str) -> list[dict[str, Any]]:
    setup_django(url)
    return all_scenarios(50)


def run(data: Path | None, quick: bool = False) -> list[Row]:
    why = postgres_unavailable()
    if why:
        return [row(ID, "drill ran", 0, at_least=1, note=why)]
    url = fresh_database(DB_NAME)
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "bench.r4_partial_writes", "--drill", url],
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
        raise RuntimeError(f"R4 drill failed:\n{completed.stderr[-4000:]}")
    results = json.loads(completed.stdout.strip().splitlines()[-1])
    half = [r for r in results if r["changed"]]
    not_raised = [r for r in results if not r["raised"]]
    unresumed = [r for r in results if not r["resumed"] or not r["marked_failed"]]
    describe = "; ".join(f"{r['operation']}: {r['step']}" for r in results)
    return [
        row(
            ID,
            "half-written multi-step writes after an injected failure",
            len(half),
            at_most=0,
            note=(
                f"{len(results)} failures injected on PostgreSQL ({describe}); changed: "
                + ("; ".join(f"{r['step']} -> {r['changed']}" for r in half) or "none")
            ),
        ),
        row(ID, "injected failures that did not reach the caller", len(not_raised), at_most=0),
        row(
            ID,
            "operations not finished by a retry after the failure",
            len(unresumed),
            at_most=0,
            note="enrolment import: marked failed, then 'try again' imports every row once",
        ),
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--drill":
        print(json.dumps(drill(sys.argv[2])))
    else:
        from bench.run import main

        sys.exit(main([ID, *sys.argv[1:]]))
