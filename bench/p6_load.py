"""P6 — a mixed load (candidates, coaches, API clients) against the production runner on
PostgreSQL, and the same server settings serving a bare Django view, in one run.

1. A fresh PostgreSQL database (``springboard_bench_p6``), migrated, with the cache table.
2. The data (``python -m bench.p6_load --setup URL``, a separate process so Django is configured
   once): the demo agency (every role, through the demo services), then a pool of candidates who
   will sign in, built with the project's services (programme, intake and plan, a filled
   competence profile, three applications with an interview), 30 coaches with TOTP, 400 vacancies
   imported as JSON-LD through the vacancy import, and thousands of further candidates with
   enrolments, programmes (spread over the coaches: caseloads of about 100) and applications, in
   bulk. Then personal API tokens (read only) of the coaches.
3. ``springboard serve`` with production settings (DEBUG off, HTTPS as told by the proxy header,
   the manifest static files collected for the run, the database cache) and 5 workers: the
   deployment guide's 2 x CPUs + 1 on this 2-core machine.
4. Every candidate and coach of the load signs in once through the real pages: the login form
   with e-mail and password, and for coaches the TOTP step with the code their authenticator
   would show. The session cookies and the tokens go into a plan file for locust.
5. ``locust`` headless (a subprocess: it patches the standard library with gevent), one run per
   step of offered load, ``bench/load/locustfile.py``: users paced to 1 request per second
   each (candidates 5 : coaches 2 : API clients 3). A step is *held* when nothing failed (every
   response a 200), the achieved rate is at least 90 % of the offered one, pages p95 ≤ 200 ms
   and API p95 ≤ 100 ms. The steps go up until one is not held.
6. The bare view (``bench/load/bare_*``): the same gunicorn options (the production command's own
   ``gunicorn_options``) and worker count, stepped the same way (users at 10 requests per second
   each), held under the stricter limit (p95 ≤ 100 ms, no errors, 90 % of the offered rate).
7. Everything started is stopped and the database dropped, also on failure.

The load generator runs on the same two cores as the server, which caps the bare rate: the share
of a core locust used in each step is in the figures.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime
import hashlib
import hmac
import http.client
import json
import os
import random
import re
import resource
import secrets
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.common import REPO, Row, percentile, row, write_json

ID = "P6"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_BENCH_DB = os.environ.get("BENCH_P6_DB", "springboard_bench_p6")
PASSWORD = "p6-load-password-9d2f"  # noqa: S105 - the generated people's password, this run only
WORKERS = 5  # docs/deployment.md: 2 x CPUs + 1 sync workers; this machine has 2 cores
PAGE_P95_MS = 200.0
API_P95_MS = 100.0
BARE_P95_MS = 100.0
HELD_FRACTION = 0.9
RATIO_GOAL = 0.5
APP_RATE_PER_USER = 1.0
BARE_RATE_PER_USER = 10.0
APP_CLASSES = ["CandidateUser", "CoachUser", "ApiUser"]
LOCUSTFILE = REPO / "bench" / "load" / "locustfile.py"
LOCUST = Path(sys.executable).with_name("locust")
BIN = Path(sys.executable).with_name("springboard")


class Size:
    def __init__(self, quick: bool) -> None:
        self.candidates = 600 if quick else 3000  # all candidates of the agency
        self.pool = 12 if quick else 30  # of them: built through services; they sign in
        self.coaches = 6 if quick else 30  # (including the demo's two)
        self.coach_logins = 4 if quick else 8  # coaches who sign in and own the API tokens
        self.vacancies = 100 if quick else 400
        self.tokens = 20 if quick else 80
        # Offered load per step, requests per second.
        self.app_steps = [5, 10] if quick else [2, 5, 10, 20, 30, 45, 60, 80, 100, 130]
        self.bare_steps = [50, 100] if quick else [100, 200, 400, 600, 800, 1000, 1300]
        self.warmup = 1.0 if quick else 3.0
        self.measure = 4.0 if quick else 15.0


# --- inside the setup process (Django configured for the bench database) ----------------------


def _production_env(database_url: str, secret_key: str, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "SPRINGBOARD_DEMO")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL="https://springboard.example",
        DEFAULT_FROM_EMAIL="Springboard <no-reply@springboard.example>",
        EMAIL="console",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(work / "static"),
        MEDIA_ROOT=str(work / "media"),
    )
    env.pop("WEB_CONCURRENCY", None)
    return env


def _vacancy_feed(count: int, rng: random.Random) -> bytes:
    titles = [
        "Logistics planner",
        "Warehouse team leader",
        "Purchasing officer",
        "Payroll administrator",
        "Customer service lead",
        "Supply chain analyst",
        "Forklift driver",
        "Production planner",
        "Quality inspector",
        "Office manager",
    ]
    places = [("Aarhus", "Midtjylland"), ("Odense", "Syddanmark"), ("Bergen", "Vestland")]
    postings = []
    for n in range(count):
        title = titles[n % len(titles)]
        place, region = places[n % len(places)]
        postings.append(
            {
                "@context": "https://schema.org",
                "@type": "JobPosting",
                "title": f"{title} {n}",
                "description": (
                    f"<p>We are looking for a {title.lower()} in {place}.</p>"
                    "<ul><li>Planning and coordination</li><li>Working with suppliers</li></ul>"
                ),
                "hiringOrganization": {"@type": "Organization", "name": f"Company {n % 60}"},
                "jobLocation": {
                    "@type": "Place",
                    "address": {"addressLocality": place, "addressRegion": region},
                },
                "workHours": 37,
                "baseSalary": {
                    "@type": "MonetaryAmount",
                    "currency": "DKK",
                    "value": {
                        "@type": "QuantitativeValue",
                        "value": rng.randint(30, 50) * 1000,
                        "unitText": "MONTH",
                    },
                },
                "datePosted": "2026-11-01",
                "url": f"https://jobs.example/p6/{n}",
            }
        )
    return json.dumps(postings).encode()


def build(size: Size, seed: int = 6) -> dict[str, Any]:
    """The data set; returns what the load needs to know (people, ids, TOTP secrets)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from springboard.accounts.api_tokens.services import api_token_create
    from springboard.accounts.models import User
    from springboard.employers.models import Engagement, Enrolment
    from springboard.home.demo import DEMO_AGENCY_SLUG, load_demo_data
    from springboard.jobs.demo import jobs_demo
    from springboard.jobs.models import Application, Status, Vacancy
    from springboard.jobs.services import vacancies_import
    from springboard.profiles.demo import profiles_demo
    from springboard.programmes.demo import _answers
    from springboard.programmes.models import Programme, ProgrammeTemplateVersion
    from springboard.programmes.services import intake_complete, programme_create
    from springboard.tenancy.models import Agency, Membership
    from springboard.tenancy.roles import Role

    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    load_demo_data()
    agency = Agency.objects.get(slug=DEMO_AGENCY_SLUG)
    engagement = Engagement.objects.filter(agency=agency).order_by("pk").first()
    assert engagement is not None
    admin = Membership.objects.get(agency=agency, role=Role.ADMIN)
    password = make_password(PASSWORD)  # hashed once; every generated person shares it

    def people(prefix: str, count: int, *, usable: bool) -> list[User]:
        users = User.objects.bulk_create(
            User(
                email=f"{prefix}{n:05d}@p6.example",
                password=password if usable else make_password(None),
                full_name=f"{prefix.title()} {n:05d}",
                language=("da", "nb", "nl", "en")[n % 4],
            )
            for n in range(count)
        )
        if usable:
            EmailAddress.objects.bulk_create(
                EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
            )
        return users

    # Coaches: the demo's two and more, each with a TOTP authenticator (staff need one).
    coach_users = people("coach", size.coaches - 2, usable=True)
    Membership.objects.bulk_create(
        Membership(
            agency=agency,
            user=u,
            role=Role.COACH,
            full_name=u.full_name,
            language=u.language,
            joined_at=now,
        )
        for u in coach_users
    )
    coaches = list(
        Membership.objects.filter(agency=agency, role=Role.COACH)
        .select_related("user")
        .order_by("pk")
    )
    secrets_by_email: dict[str, str] = {}
    for coach in coaches:
        if coach.user.email.endswith("@p6.example"):
            secret = generate_totp_secret()
            TOTP.activate(coach.user, secret)
            secrets_by_email[coach.user.email] = secret
    vacancies_import(agency=agency, files=[("p6-feed.jsonld", _vacancy_feed(size.vacancies, rng))])

    # The pool: candidates who sign in, built through the services as a coach would.
    pool_users = people("candidate", size.pool, usable=True)
    pool = Membership.objects.bulk_create(
        Membership(
            agency=agency,
            user=u,
            role=Role.CANDIDATE,
            full_name=u.full_name,
            language=u.language,
            joined_at=now,
        )
        for u in pool_users
    )
    version = (
        ProgrammeTemplateVersion.objects.filter(template__agency=None, template__key="five-steps")
        .order_by("-number")
        .first()
    )
    assert version is not None
    pool_programmes: dict[int, str] = {}
    for n, candidate in enumerate(pool):
        enrolment = Enrolment.objects.create(
            agency=agency, engagement=engagement, candidate=candidate
        )
        coach = coaches[n % len(coaches)]
        programme = programme_create(
            enrolment=enrolment,
            actor=admin,
            template_version=version,
            coaches=[coach],
            start_date=today - datetime.timedelta(days=n % 40),
        )
        language = ("da", "nb", "nl", "en")[n % 4]
        intake_complete(
            programme=programme, actor=coach, answers=_answers(language), language=language
        )
        pool_programmes[candidate.pk] = str(programme.public_id)
    profiles_demo(agency, [*pool, pool[0]])  # every pool profile filled (the last is left out)
    jobs_demo(agency, pool)

    # The rest of the agency, in bulk: enrolments, programmes on the coaches' caseloads,
    # applications to the imported vacancies.
    filler = size.candidates - size.pool - 5
    vacancies = list(Vacancy.objects.filter(agency=agency, owner=None).values("pk", "title"))
    statuses = ["active"] * 6 + ["intake", "invited", "paused", "aftercare", "closed"]
    batch = 2000
    for offset in range(0, filler, batch):
        count = min(batch, filler - offset)
        users = User.objects.bulk_create(
            User(
                email=f"member{offset + n:05d}@p6.example",
                password=make_password(None),
                full_name=f"Member {offset + n:05d}",
                language=("da", "nb", "nl", "en")[n % 4],
            )
            for n in range(count)
        )
        members = Membership.objects.bulk_create(
            Membership(
                agency=agency,
                user=u,
                role=Role.CANDIDATE,
                full_name=u.full_name,
                language=u.language,
                joined_at=now,
            )
            for u in users
        )
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(agency=agency, engagement=engagement, candidate=m) for m in members
        )
        programmes = Programme.objects.bulk_create(
            Programme(
                agency=agency,
                enrolment=e,
                candidate=e.candidate,
                template_version=version,
                language=e.candidate.language,
                start_date=today - datetime.timedelta(days=rng.randint(0, 150)),
                planned_end_date=today + datetime.timedelta(days=rng.randint(30, 180)),
                status=rng.choice(statuses),
                progress_percent=rng.randint(0, 100),
                last_activity_at=now - datetime.timedelta(days=rng.randint(0, 30)),
            )
            for e in enrolments
        )
        through = Programme.coaches.through
        through.objects.bulk_create(
            through(programme_id=p.pk, membership_id=coaches[(offset + i) % len(coaches)].pk)
            for i, p in enumerate(programmes)
        )
        applications = []
        for member in members:
            for vacancy in rng.sample(vacancies, rng.randint(0, 4)):
                applications.append(
                    Application(
                        owner=member,
                        vacancy_id=vacancy["pk"],
                        title=vacancy["title"],
                        employer="Company",
                        status=rng.choice([Status.SAVED, Status.APPLIED, Status.INTERVIEWING]),
                        status_changed_at=now - datetime.timedelta(days=rng.randint(0, 40)),
                    )
                )
        Application.objects.bulk_create(applications)

    # Personal read-only tokens of the signing-in coaches, for the API clients.
    logins = [c for c in coaches if c.user.email in secrets_by_email][: size.coach_logins]
    tokens = []
    for n in range(size.tokens):
        coach = logins[n % len(logins)]
        issued = api_token_create(
            membership=coach,
            actor=coach.user,
            name=f"P6 load {n}",
            scope="read",
            expires_on=today + datetime.timedelta(days=30),
        )
        tokens.append((coach.pk, issued.plaintext))

    def caseload(coach: Membership) -> dict[str, list[str]]:
        rows = list(
            Programme.objects.filter(coaches=coach)
            .order_by("pk")
            .values_list("public_id", "candidate__public_id")[:60]
        )
        return {
            "programmes": [str(p) for p, _c in rows],
            "candidates": [str(c) for _p, c in rows],
        }

    caseloads = {c.pk: caseload(c) for c in logins}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "agency": agency.slug,
        "password": PASSWORD,
        "candidates": [{"email": m.user.email, "programme": pool_programmes[m.pk]} for m in pool],
        "coaches": [
            {"email": c.user.email, "totp": secrets_by_email[c.user.email], **caseloads[c.pk]}
            for c in logins
        ],
        "tokens": [{"token": text, **caseloads[pk]} for pk, text in tokens],
        "counts": {
            "candidates": Membership.objects.filter(agency=agency, role=Role.CANDIDATE).count(),
            "coaches": len(coaches),
            "programmes": Programme.objects.filter(agency=agency).count(),
            "applications": Application.objects.filter(owner__agency=agency).count(),
            "vacancies": Vacancy.objects.filter(agency=agency).count(),
        },
    }


def setup_main(database_url: str, quick: bool, out: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    migrated = time.perf_counter() - started
    made = build(Size(quick))
    made["seconds"] = {"migrate": migrated, "data": time.perf_counter() - started - migrated}
    Path(out).write_text(json.dumps(made), encoding="utf-8")


# --- in the runner process ---------------------------------------------------------------------


def totp_now(secret: str) -> str:
    """The 6-digit code an authenticator app shows now (RFC 6238, 30-second steps, SHA-1)."""
    key = base64.b32decode(secret.encode("ascii"), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


class Browser:
    """Just enough of a browser for the login pages: cookies (also the Secure ones, which the
    proxy's HTTPS would carry), CSRF tokens, no automatic redirects."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Any:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(value)
            for name, morsel in jar.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        location = urlsplit(response.getheader("Location") or "")
        return response.status, location.path, text

    def csrf(self, path: str) -> str:
        status, _where, text = self.request("GET", path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        if status != 200 or found is None:
            raise RuntimeError(f"no form at {path} (HTTP {status})")
        return found.group(1)


def sign_in(port: int, email: str, password: str, totp: str | None, agency: str) -> dict[str, str]:
    """Log in through the real pages (and the TOTP step); the session's cookies."""
    browser = Browser(port)
    for attempt in range(3):
        token = browser.csrf("/accounts/login/")
        status, where, _text = browser.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "login": email, "password": password},
        )
        if status == 429 and attempt < 2:  # allauth's per-address login limit: wait it out
            time.sleep(30)
            continue
        break
    if status != 302:
        raise RuntimeError(f"login of {email} answered {status}")
    if "2fa" in where:
        if totp is None:
            raise RuntimeError(f"{email} was asked for a second factor")
        token = browser.csrf(where)
        status, where, _text = browser.request(
            "POST", where, {"csrfmiddlewaretoken": token, "code": totp_now(totp)}
        )
        if status != 302:
            raise RuntimeError(f"TOTP step of {email} answered {status}")
    status, where, _text = browser.request("GET", f"/a/{agency}/")
    if status != 200:
        raise RuntimeError(f"{email} is not signed in: HTTP {status} to {where}")
    return dict(browser.cookies)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(port: int, process: subprocess.Popen[bytes], path: str = "/healthz") -> None:
    deadline = time.time() + 180
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} stopped while starting")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"the server on port {port} did not answer within 180 s")


@contextlib.contextmanager
def server(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as handle:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            process.terminate()  # gunicorn's master: graceful stop of its workers
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


_TICK = os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(pid: int) -> dict[int, tuple[str, float]]:
    """CPU seconds so far, by process, of the server (its master and workers: "app") and of the
    PostgreSQL backends serving the bench database ("db"), read from /proc."""
    found: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (
                (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            )
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        seconds = (int(fields[11]) + int(fields[12])) / _TICK
        if int(entry.name) == pid or int(fields[1]) == pid:
            found[int(entry.name)] = ("app", seconds)
        elif command.startswith("postgres:") and f" {PG_BENCH_DB} " in command:
            found[int(entry.name)] = ("db", seconds)
    return found


def cpu_used(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> dict[str, float]:
    """CPU seconds used between two readings by side. A process that ended in between (a worker
    replaced after --max-requests) takes its share with it: a lower bound."""
    used = {"app": 0.0, "db": 0.0}
    for pid, (side, seconds) in after.items():
        used[side] += seconds - before.get(pid, (side, 0.0))[1]
    return used


def locust_step(
    *,
    server_pid: int,
    port: int,
    plan: Path,
    classes: list[str],
    users: int,
    rate_per_user: float,
    size: Size,
    work: Path,
) -> dict[str, Any]:
    out = work / f"step-{classes[0]}-{users}.json"
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update(
        P6_PLAN=str(plan), P6_OUT=str(out), P6_RATE=str(rate_per_user), P6_WARMUP=str(size.warmup)
    )
    run_for = round(1 + size.warmup + size.measure)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = server_cpu_seconds(server_pid)
    started = time.perf_counter()
    completed = subprocess.run(
        [
            str(LOCUST),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{run_for}s",
            "--stop-timeout",
            "5",
            "--host",
            f"http://127.0.0.1:{port}",
            "--only-summary",
            "--loglevel",
            "ERROR",
            *classes,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=run_for + 120,
    )
    wall = time.perf_counter() - started
    server_after = server_cpu_seconds(server_pid)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if not out.exists():
        raise RuntimeError(f"locust wrote no figures:\n{completed.stderr[-3000:]}")
    figures = json.loads(out.read_text(encoding="utf-8"))
    seconds = max(figures["end"] - figures["start"], 1e-9) if figures["start"] else 0.0
    times: dict[str, list[float]] = figures["times"]
    total = sum(len(v) for v in times.values())
    all_requests = int(figures.get("all_requests", 0))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    p95 = {k: round(percentile(v, 95), 1) for k, v in times.items() if v}
    return {
        "offered_rps": round(users * rate_per_user, 1),
        "users": users,
        "achieved_rps": round(total / seconds, 1) if seconds else 0.0,
        "requests": total,
        "all_requests": all_requests,
        "seconds": round(seconds, 1),
        "p95_ms": p95,
        "p50_ms": {k: round(percentile(v, 50), 1) for k, v in times.items() if v},
        "p95_by_name_ms": {
            k: round(percentile(v, 95), 1) for k, v in sorted(figures["by_name"].items())
        },
        "errors": sum(figures["errors"].values()),
        "error_samples": figures["error_samples"][:3],
        "locust_cpu_share": round(cpu / wall, 2),
        # Server-side CPU per request over the whole locust run (warm-up seconds included).
        "cpu_ms_per_request": {
            side: round(seconds * 1000 / all_requests, 2)
            for side, seconds in cpu_used(server_before, server_after).items()
        }
        if all_requests
        else {},
    }


def step_held(step: dict[str, Any], limits: dict[str, float]) -> bool:
    return (
        step["requests"] > 0
        and step["errors"] == 0
        and step["achieved_rps"] >= HELD_FRACTION * step["offered_rps"]
        and all(step["p95_ms"].get(kind, 0.0) <= limit for kind, limit in limits.items())
    )


def climb(
    *,
    server_pid: int,
    port: int,
    plan: Path,
    classes: list[str],
    targets: list[int],
    rate_per_user: float,
    limits: dict[str, float],
    size: Size,
    work: Path,
) -> tuple[float, dict[str, Any] | None, list[dict[str, Any]]]:
    """Step the offered load up until a step is not held; the best held step's rate."""
    steps: list[dict[str, Any]] = []
    best: dict[str, Any] | None = None

    def step(target: int, label: str) -> dict[str, Any]:
        users = max(1, round(target / rate_per_user))
        figures = locust_step(
            server_pid=server_pid,
            port=port,
            plan=plan,
            classes=classes,
            users=users,
            rate_per_user=rate_per_user,
            size=size,
            work=work,
        )
        figures["step"] = label
        figures["held"] = step_held(figures, limits)
        steps.append(figures)
        print(f"P6 {classes[0]} {label}: {json.dumps(figures)}", flush=True)
        return figures

    # Warm-up, not judged: every worker loads its templates, translations and connections.
    step(max(targets[0], 5), "warm-up")
    for target in targets:
        figures = step(target, "step")
        if not figures["held"]:
            # One retry: on a shared machine a neighbour's burst can spoil a single step.
            figures = step(target, "retry")
        if not figures["held"]:
            break
        best = figures
    return (best["achieved_rps"] if best else 0.0), best, steps


def saturate(
    *,
    server_pid: int,
    port: int,
    plan: Path,
    classes: list[str],
    users: int,
    size: Size,
    work: Path,
) -> dict[str, Any]:
    """Throughput with no latency limit: more users than workers, each asking far more than the
    server gives (information: QUALITY.md compares throughputs)."""
    figures = locust_step(
        server_pid=server_pid,
        port=port,
        plan=plan,
        classes=classes,
        users=users,
        rate_per_user=50,
        size=size,
        work=work,
    )
    figures["step"] = "saturation"
    figures["held"] = figures["errors"] == 0
    print(f"P6 {classes[0]} saturation: {json.dumps(figures)}", flush=True)
    return figures


def _create_database() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    except Exception as error:
        print(f"P6: PostgreSQL unavailable ({error}); skipped")
        return None
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_BENCH_DB}"


def _drop_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


def measure(database_url: str, size: Size, quick: bool, work: Path) -> dict[str, Any]:
    env = _production_env(database_url, secrets.token_urlsafe(50), work)
    collect = subprocess.Popen(
        [str(BIN), "collectstatic", "--no-input", "-v0"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    data_file = work / "data.json"
    try:
        setup = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.p6_load",
                "--setup",
                database_url,
                "--out",
                str(data_file),
            ]
            + (["--quick"] if quick else []),
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
        )
    finally:
        _out, collect_err = collect.communicate(timeout=600)
    if setup.returncode != 0:
        raise RuntimeError(f"P6 setup failed:\n{setup.stderr[-4000:]}")
    if collect.returncode != 0:
        raise RuntimeError(f"collectstatic failed:\n{collect_err.decode()[-2000:]}")
    data = json.loads(data_file.read_text(encoding="utf-8"))
    results: dict[str, Any] = {"data": data["counts"], "setup_seconds": data["seconds"]}

    port = free_port()
    app = [str(BIN), "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)]
    with server(app, env, work / "app.log") as process:
        wait_until_up(port, process)
        started = time.perf_counter()
        plan = {
            "agency": data["agency"],
            "candidates": [
                {
                    "programme": c["programme"],
                    "cookies": sign_in(port, c["email"], data["password"], None, data["agency"]),
                }
                for c in data["candidates"]
            ],
            "coaches": [
                {
                    "programmes": c["programmes"],
                    "candidates": c["candidates"],
                    "cookies": sign_in(
                        port, c["email"], data["password"], c["totp"], data["agency"]
                    ),
                }
                for c in data["coaches"]
            ],
            "tokens": data["tokens"],
        }
        results["sign_in_seconds"] = round(time.perf_counter() - started, 1)
        plan_file = work / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        rate, best, steps = climb(
            server_pid=process.pid,
            port=port,
            plan=plan_file,
            classes=APP_CLASSES,
            targets=size.app_steps,
            rate_per_user=APP_RATE_PER_USER,
            limits={"page": PAGE_P95_MS, "api": API_P95_MS},
            size=size,
            work=work,
        )
        saturation = saturate(
            server_pid=process.pid,
            port=port,
            plan=plan_file,
            classes=APP_CLASSES,
            users=4 * WORKERS,
            size=size,
            work=work,
        )
        results["app"] = {"rate": rate, "best": best, "steps": steps, "saturation": saturation}

    port = free_port()
    bare = [sys.executable, "-m", "bench.load.bare_serve"]
    bare += ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)]
    with server(
        bare, {**env, "DJANGO_SETTINGS_MODULE": "bench.load.bare_settings"}, work / "bare.log"
    ) as process:
        wait_until_up(port, process, "/")
        rate, best, steps = climb(
            server_pid=process.pid,
            port=port,
            plan=plan_file,
            classes=["BareUser"],
            targets=size.bare_steps,
            rate_per_user=BARE_RATE_PER_USER,
            limits={"bare": BARE_P95_MS},
            size=size,
            work=work,
        )
        saturation = saturate(
            server_pid=process.pid,
            port=port,
            plan=plan_file,
            classes=["BareUser"],
            users=8 * WORKERS,
            size=size,
            work=work,
        )
        results["bare"] = {"rate": rate, "best": best, "steps": steps, "saturation": saturation}
    return results


def _load_average() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "unknown"


def _busiest(side: dict[str, Any]) -> dict[str, Any]:
    """The run (step or saturation) that served the most requests per second without an error:
    on a shared machine one saturation run can land on a neighbour's burst."""
    runs = [s for s in [*side["steps"], side["saturation"]] if s["errors"] == 0]
    return max(runs, key=lambda s: s["achieved_rps"], default=side["saturation"])


def _cpu_run(side: dict[str, Any]) -> dict[str, Any]:
    """The busiest run in which no worker can have reached --max-requests (1000, jitter 100):
    a replaced worker takes its CPU seconds with it, which would make the figure too low."""
    runs = [*side["steps"], side["saturation"]]
    fit = [s for s in runs if 0 < s.get("all_requests", 0) <= WORKERS * 900]
    return max(fit, key=lambda s: s["all_requests"], default=side["saturation"])


def _label(step: dict[str, Any]) -> str:
    if step["step"] == "warm-up":
        return "warm-up "
    return ("" if step["held"] else "NOT HELD ") + ("retry " if step["step"] == "retry" else "")


def run(data: Path | None, quick: bool = False) -> list[Row]:
    size = Size(quick)
    url = _create_database()
    if url is None:
        return [row(ID, "max mixed rate held (req/s)", 0, note="skipped: PostgreSQL unreachable")]
    work = Path(tempfile.mkdtemp(prefix="springboard-p6-"))
    load_before = _load_average()
    try:
        measured = measure(url, size, quick, work)
    finally:
        _drop_database()
        shutil.rmtree(work, ignore_errors=True)
    measured["load_average_before"] = load_before
    # Every step's figures beside the rows (the runner writes the rows to P6.json).
    write_json("P6_steps.json", {"id": ID, "quick": quick, **measured})
    return rows_from(measured)


def rows_from(measured: dict[str, Any]) -> list[Row]:
    """The rows of P6.json from the figures of a run (as in P6_steps.json)."""
    load_before = measured["load_average_before"]
    app, bare = measured["app"], measured["bare"]
    best = app["best"] or {"p95_ms": {}, "users": 0, "locust_cpu_share": 0}
    last = app["steps"][-1] if app["steps"] else {"p95_ms": {}}
    pages = best["p95_ms"].get("page", last["p95_ms"].get("page", 0.0))
    api = best["p95_ms"].get("api", last["p95_ms"].get("api", 0.0))
    counts = measured["data"]
    context = (
        f"{counts['candidates']} candidates, {counts['coaches']} coaches, "
        f"{counts['programmes']} programmes, {counts['applications']} applications, "
        f"{counts['vacancies']} vacancies on PostgreSQL; springboard serve, {WORKERS} sync "
        f"workers; locust on the same 2 cores; load average {load_before} before the run"
        f"{' (machine shared with other jobs)' if float(load_before.split()[0] or 0) > 1 else ''}"
    )
    steps_app = "; ".join(
        f"{_label(s)}{s['offered_rps']:g}->{s['achieved_rps']:g}/s p95 page "
        f"{s['p95_ms'].get('page', '-')} api {s['p95_ms'].get('api', '-')} ms err {s['errors']}"
        for s in app["steps"]
    )
    steps_bare = "; ".join(
        f"{_label(s)}{s['offered_rps']:g}->{s['achieved_rps']:g}/s p95 "
        f"{s['p95_ms'].get('bare', '-')} ms locust {s['locust_cpu_share']:.0%} CPU"
        for s in bare["steps"]
    )
    rows = [
        row(
            ID,
            "max mixed rate held (req/s): 0 errors, pages p95 <= 200 ms, API p95 <= 100 ms",
            app["rate"],
            at_least=1,
            note=f"{context}. Steps (offered->achieved): {steps_app}",
        ),
        row(
            ID,
            "pages p95 at that rate (ms)",
            pages,
            at_most=PAGE_P95_MS,
            higher_is_better=False,
            note="candidate and coach pages, signed in (coaches with TOTP)"
            + ("" if app["best"] else "; no step held: figure of the first step"),
        ),
        row(
            ID,
            "API p95 at that rate (ms)",
            api,
            at_most=API_P95_MS,
            higher_is_better=False,
            note="GET endpoints with personal Bearer tokens"
            + ("" if app["best"] else "; no step held: figure of the first step"),
        ),
        row(
            ID,
            "bare Django view rate held (req/s), same gunicorn settings",
            bare["rate"],
            at_least=1,
            note=f"p95 <= {BARE_P95_MS:g} ms, 0 errors. Steps: {steps_bare}",
        ),
        row(
            ID,
            "app rate / bare view rate",
            app["rate"] / bare["rate"] if bare["rate"] else 0.0,
            at_least=RATIO_GOAL,
            note=f"{app['rate']:g} / {bare['rate']:g} req/s; the bare rate is capped by the load "
            "generator sharing the cores when locust's CPU share nears 100 %",
        ),
    ]
    app_max, bare_max = _busiest(app), _busiest(bare)
    rows.append(
        row(
            ID,
            "highest throughput without errors, app / bare view (information)",
            app_max["achieved_rps"] / bare_max["achieved_rps"] if bare_max["achieved_rps"] else 0,
            note=f"any run, no latency limit: app {app_max['achieved_rps']:g} req/s "
            f"({app_max['users']} users, p50 {app_max['p50_ms'].get('page', '-')} ms pages, "
            f"{app_max['errors']} errors), bare {bare_max['achieved_rps']:g} req/s "
            f"({bare_max['users']} users, {bare_max['errors']} errors, locust "
            f"{bare_max['locust_cpu_share']:.0%} CPU)",
        )
    )
    app_max, bare_max = _cpu_run(app), _cpu_run(bare)
    app_cpu, bare_cpu = (
        app_max.get("cpu_ms_per_request", {}),
        bare_max.get("cpu_ms_per_request", {}),
    )
    if app_cpu and bare_cpu:
        rows.append(
            row(
                ID,
                "server CPU per request (ms), app (gunicorn + PostgreSQL) vs bare view",
                app_cpu["app"] + app_cpu["db"],
                baseline=bare_cpu["app"],
                higher_is_better=False,
                note=f"app workers {app_cpu['app']:g} ms + PostgreSQL backends "
                f"{app_cpu['db']:g} ms per request (at {app_max['offered_rps']:g} req/s offered);"
                f" bare workers {bare_cpu['app']:g} ms (at {bare_max['offered_rps']:g} req/s); "
                "from /proc, so independent of how busy the machine is; taken from the busiest "
                "run too short for a worker to be replaced (--max-requests)",
            )
        )
    if app["best"] is None:
        # The p95 rows then show the last step tried, a rate that was not held: not a pass.
        for figure in rows[1:3]:
            figure["ok"] = False
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--setup", metavar="DATABASE_URL", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    setup_main(args.setup, args.quick, args.out)


if __name__ == "__main__":
    main()
