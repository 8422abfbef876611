"""R2 — the same form sent several times at once makes one record (docs/reliability.md).

A real ``springboard serve`` (gunicorn, 4 workers) on a database of its own; an agency admin
signed in (a session with a second factor enabled, as after a real sign-in). For each round,
``CONCURRENCY`` threads wait at a barrier and then POST the identical form at the same moment:

* "enrol a candidate" (employers: engagement → enrol): one person, one e-mail address;
* "start a programme" (programmes: start): one enrolment, one template.

Counted afterwards in the database: enrolments, candidate memberships and open invitations of
each address, programmes of each enrolment. A duplicate is a second row; an error is any 5xx
answer (the losers must get the form again with a clear message, or the redirect of the
winner's result). ``--quick``: 3 rounds per form instead of 10.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
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
)

ID = "R2"
DB_NAME = "springboard_drill_r2"
CONCURRENCY = 6
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _world() -> dict[str, Any]:
    import datetime
    from importlib import import_module

    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from springboard.accounts.models import User
    from springboard.employers.models import Engagement
    from springboard.programmes.content import load_shipped_templates
    from springboard.programmes.models import ProgrammeTemplate, ProgrammeTemplateVersion
    from springboard.tenancy.models import Agency, Employer, Membership
    from springboard.tenancy.roles import Role

    load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
    agency = Agency.objects.create(slug="drill", name="Drill agency")
    user = User.objects.create_user("admin@drill.example", "not-used-for-login-123")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    TOTP.activate(user, generate_totp_secret())
    admin = Membership.objects.create(
        agency=agency, user=user, role=Role.ADMIN, full_name="Admin", joined_at=user.date_joined
    )
    coach_user = User.objects.create_user("coach@drill.example", None)
    coach = Membership.objects.create(
        agency=agency, user=coach_user, role=Role.COACH, full_name="Coach"
    )
    employer = Employer.objects.create(agency=agency, name="Drill employer")
    engagement = Engagement.objects.create(
        agency=agency, employer=employer, name="Layoff", start_date=datetime.date(2026, 3, 1)
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    version = (
        ProgrammeTemplateVersion.objects.filter(template__agency=None)
        .order_by("template__key", "-number")
        .first()
    )
    assert version is not None
    return {
        "agency": agency,
        "admin": admin,
        "coach": coach,
        "engagement": engagement,
        "session": store.session_key,
        "version": version,
    }


def _burst(session: Any, url: str, data: dict[str, Any]) -> list[int]:
    """POST ``data`` to ``url`` from CONCURRENCY threads released together; the statuses."""
    barrier = threading.Barrier(CONCURRENCY)
    statuses: list[int] = []
    lock = threading.Lock()

    def send() -> None:
        barrier.wait()
        try:
            status = session.post(url, data=data, allow_redirects=False, timeout=60).status_code
        except Exception:
            status = 599
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=send) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def drill(url: str, rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as static:
        return _drill(url, rounds, static)


def _drill(url: str, rounds: int, static: str) -> dict[str, Any]:
    setup_django(url, STATIC_ROOT=static)
    import requests
    from django.utils import timezone

    from springboard.accounts.models import Invitation
    from springboard.employers.models import Enrolment
    from springboard.programmes.models import Programme
    from springboard.tenancy.models import Membership
    from springboard.tenancy.roles import Role

    world = _world()
    port = free_port(8400)
    base = f"http://127.0.0.1:{port}"
    env = production_env(url, STATIC_ROOT=static)
    with tempfile.TemporaryDirectory() as folder, (Path(folder) / "app.log").open("wb") as log:
        server = start(["serve", "--bind", f"127.0.0.1:{port}", "--workers", "4"], env, log)
        try:
            up = wait_for(lambda: _answers(f"{base}/healthz"), timeout=180, every=0.5)
            if not up:
                raise RuntimeError("the app did not start")
            http = requests.Session()
            http.cookies.set("sessionid", world["session"])
            slug = world["agency"].slug
            enrol_url = f"{base}/a/{slug}/engagements/{world['engagement'].public_id}/enrol/"
            start_url = f"{base}/a/{slug}/programmes/start/"
            statuses: dict[str, Counter[int]] = {"enrol": Counter(), "start": Counter()}
            for n in range(rounds):
                page = http.get(enrol_url, timeout=60)
                token = _CSRF.search(page.text)
                if page.status_code != 200 or token is None:
                    raise RuntimeError(f"enrol form: {page.status_code}")
                form = {
                    "csrfmiddlewaretoken": token.group(1),
                    "full_name": f"Person {n}",
                    "email": f"person{n}@drill.example",
                    "language": "en",
                }
                statuses["enrol"].update(_burst(http, enrol_url, form))
            for enrolment in Enrolment.objects.filter(engagement=world["engagement"]):
                page = http.get(start_url, timeout=60)
                token = _CSRF.search(page.text)
                if page.status_code != 200 or token is None:
                    raise RuntimeError(f"start form: {page.status_code}")
                form = {
                    "csrfmiddlewaretoken": token.group(1),
                    "enrolment": str(enrolment.public_id),
                    "template_version": str(world["version"].public_id),
                    "coaches": str(world["coach"].public_id),
                    "start_date": timezone.localdate().isoformat(),
                }
                statuses["start"].update(_burst(http, start_url, form))
        finally:
            stop(server)
            log.flush()
            app_log = (Path(folder) / "app.log").read_text(errors="replace")
    agency = world["agency"]
    per_address = Counter(
        Enrolment.objects.filter(engagement=world["engagement"]).values_list(
            "candidate__user__email", flat=True
        )
    )
    memberships = Counter(
        Membership.objects.filter(agency=agency, role=Role.CANDIDATE).values_list(
            "user__email", flat=True
        )
    )
    invitations = Counter(
        Invitation.objects.filter(agency=agency, revoked_at=None).values_list("email", flat=True)
    )
    programmes = Counter(
        Programme.objects.filter(agency=agency).values_list("enrolment_id", flat=True)
    )
    return {
        "rounds": rounds,
        "concurrency": CONCURRENCY,
        "statuses": {k: dict(v) for k, v in statuses.items()},
        "enrolled": len(per_address),
        "duplicates": {
            "enrolments": sum(c - 1 for c in per_address.values()),
            "candidate memberships": sum(c - 1 for c in memberships.values()),
            "open invitations": sum(c - 1 for c in invitations.values()),
            "programmes": sum(c - 1 for c in programmes.values()),
        },
        "programmes": len(programmes),
        "tracebacks": app_log.count("Traceback (most recent call last)"),
    }


def _answers(url: str) -> bool:
    import requests

    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


def run(data: Path | None, quick: bool = False) -> list[Row]:
    why = postgres_unavailable()
    if why:
        return [row(ID, "drill ran", 0, at_least=1, note=why)]
    url = fresh_database(DB_NAME)
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "bench.r2_duplicate_submit", "--drill", url],
            cwd=REPO,
            env={
                **{k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"},
                "R2_ROUNDS": "3" if quick else "10",
            },
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
        )
    finally:
        drop_database(DB_NAME)
    if completed.returncode != 0:
        raise RuntimeError(f"R2 drill failed:\n{completed.stderr[-4000:]}")
    m = json.loads(completed.stdout.strip().splitlines()[-1])
    duplicates = sum(m["duplicates"].values())
    errors = sum(
        count
        for counts in m["statuses"].values()
        for status, count in counts.items()
        if int(status) >= 500
    )
    rounds = m["rounds"]
    return [
        row(
            ID,
            "duplicate records from identical concurrent POSTs",
            duplicates,
            at_most=0,
            note=(
                f"{rounds} rounds x {m['concurrency']} identical POSTs of 'enrol a candidate' "
                f"and as many of 'start a programme' against springboard serve (4 workers) on "
                f"PostgreSQL; duplicates {m['duplicates']}"
            ),
        ),
        row(
            ID,
            "records made (one per round and form)",
            m["enrolled"] + m["programmes"],
            at_least=2 * rounds,
            note=f"{m['enrolled']} enrolments, {m['programmes']} programmes",
        ),
        row(
            ID,
            "5xx answers to the duplicates",
            errors,
            at_most=0,
            note=f"statuses {m['statuses']}; tracebacks in the app log: {m['tracebacks']}",
        ),
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--drill":
        print(json.dumps(drill(sys.argv[2], int(os.environ.get("R2_ROUNDS", "10")))))
    else:
        from bench.run import main

        sys.exit(main([ID, *sys.argv[1:]]))
