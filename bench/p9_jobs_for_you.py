"""P9 — "jobs for you" over 100,000 vacancies, through the selector the page uses.

A made-up taxonomy (3,000 skills with labels, 300 occupations with 10 to 25 skills each, so that the
engine has a vocabulary) and one agency with 100,000 open shared vacancies of 5 to 15 skills each
(bulk_create); one candidate with 25 confirmed skills and preferences (region, hours, pay).

Measured in one worker process on PostgreSQL:

* ours: `jobs.selectors.jobs_for_you(candidate, …)`, the function the page and the API call
  (confirmed skills and preferences from the database, the taxonomy version and the agency's
  vacancy generation in one query, the per-process index — `jobs.ranking.ForYouIndex`, rebuilt
  when either changes — scoring every open vacancy and applying the preferences as numpy
  masks, the 50 rows shown read back in one query, skill names looked up), 50 runs after one
  warm-up that builds the index; p95 must be ≤ 20 ms;
* info: the worker process's CPU per call (PostgreSQL's work excluded), so that a run on a
  busy machine shows how much of the wall time is waiting;
* baseline: a scipy sparse brute force in the same run — the candidate's skill vector times a
  CSR vacancy-skill matrix held in memory, top 50 by argpartition — which does no database
  work at all: the ratio says what reading from and explaining with the database costs.

Skipped, with a row saying so, when PostgreSQL is unreachable.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import REPO, Row, percentile, row

ID = "P9"
VACANCIES = 100_000
SKILLS = 3_000
OCCUPATIONS = 300
RUNS = 50
TOP = 50
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_BENCH_DB = os.environ.get("BENCH_P9_DB", "springboard_bench_p9")
BASE = "http://springboard.invalid/bench"


def build_taxonomy(rng: random.Random) -> list[str]:
    """Skills with labels, occupations with relations; returns the skill URIs."""
    from django.utils import timezone

    from springboard.taxonomy.models import (
        Label,
        Occupation,
        OccupationSkill,
        Skill,
        TaxonomyVersion,
        public_id_for,
    )

    now = timezone.now()
    uris = [f"{BASE}/skill/{n}" for n in range(SKILLS)]
    Skill.objects.bulk_create(
        [
            Skill(
                uri=uri,
                public_id=public_id_for(uri),
                names={"en": f"bench skill {n}"},
                updated_at=now,
            )
            for n, uri in enumerate(uris)
        ],
        batch_size=5000,
    )
    skills = dict(Skill.objects.values_list("uri", "pk"))
    Label.objects.bulk_create(
        [
            Label(
                skill_id=skills[uri],
                lang="en",
                kind="preferred",
                text=f"bench skill {n}",
                search_text=f"bench skill {n}",
            )
            for n, uri in enumerate(uris)
        ],
        batch_size=5000,
    )
    occupations = [f"{BASE}/occupation/{n}" for n in range(OCCUPATIONS)]
    Occupation.objects.bulk_create(
        [
            Occupation(
                uri=uri,
                public_id=public_id_for(uri),
                names={"en": f"bench job {n}"},
                updated_at=now,
            )
            for n, uri in enumerate(occupations)
        ]
    )
    occupation_pks = dict(Occupation.objects.values_list("uri", "pk"))
    relations = []
    for uri in occupations:
        for skill in rng.sample(uris, rng.randint(10, 25)):
            relations.append(
                OccupationSkill(
                    occupation_id=occupation_pks[uri],
                    skill_id=skills[skill],
                    relation=rng.choice(["essential", "optional"]),
                )
            )
    OccupationSkill.objects.bulk_create(relations, batch_size=5000)
    TaxonomyVersion.objects.create(number=1, changed_at=now, source="P9 benchmark")
    return uris


def build(vacancies: int, seed: int = 9) -> dict[str, Any]:
    from django.utils import timezone

    from springboard.accounts.models import User
    from springboard.jobs.models import Vacancy, VacancyGeneration, VacancySource
    from springboard.profiles.models import Profile, ProfileSkill
    from springboard.programmes.models import Hours
    from springboard.taxonomy.models import Skill
    from springboard.tenancy.models import Agency, Membership
    from springboard.tenancy.roles import Role

    rng = random.Random(seed)
    uris = build_taxonomy(rng)
    agency = Agency.objects.create(slug="bench-p9", name="Bench P9")
    user = User.objects.create(email="candidate@bench.invalid")
    candidate = Membership.objects.create(agency=agency, user=user, role=Role.CANDIDATE)
    places = ["Utrecht", "Leiden", "Aarhus", "Bergen", "Oslo", "Odense", "Delft", "Trondheim"]
    rows = []
    for n in range(vacancies):
        place = rng.choice(places)
        rows.append(
            Vacancy(
                agency=agency,
                title=f"Bench job {n}",
                employer=f"Employer {n % 5000}",
                place=place,
                description="",
                hours_per_week=rng.choice([24, 32, 37, 40]),
                salary_max=rng.randint(2500, 6000),
                salary_currency="EUR",
                skill_uris=rng.sample(uris, rng.randint(5, 15)),
                source=VacancySource.JSON_LD,
                source_key=f"url:https://jobs.invalid/{n}",
                duplicate_key=f"employer {n % 5000}|bench job {n}|{place.lower()}",
            )
        )
    Vacancy.objects.bulk_create(rows, batch_size=5000)
    VacancyGeneration.objects.create(agency=agency, number=1)
    profile = Profile.objects.create(
        agency=agency,
        membership=candidate,
        regions="Utrecht, Leiden",
        hours=Hours.FULL_TIME,
        pay_min=3500,
        pay_currency="EUR",
    )
    skill_pks = dict(Skill.objects.values_list("uri", "pk"))
    ProfileSkill.objects.bulk_create(
        [
            ProfileSkill(
                profile=profile, skill_id=skill_pks[uri], confirmed_by_candidate_at=timezone.now()
            )
            for uri in rng.sample(uris, 25)
        ]
    )
    return {"candidate_id": candidate.pk, "vacancies": vacancies}


def brute_force(vacancy_skills: list[list[str]], candidate: set[str], runs: int) -> list[float]:
    """The scipy baseline: binary CSR vacancy-skill matrix, one product per query, top 50."""
    import numpy as np
    import scipy.sparse as sp

    index: dict[str, int] = {}
    rows, cols = [], []
    for r, skills in enumerate(vacancy_skills):
        for uri in skills:
            rows.append(r)
            cols.append(index.setdefault(uri, len(index)))
    matrix = sp.csr_matrix(
        (np.ones(len(rows), np.float32), (rows, cols)), shape=(len(vacancy_skills), len(index))
    )
    norms = np.sqrt(np.asarray(matrix.sum(axis=1)).ravel())
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        vector = np.zeros(len(index), np.float32)
        for uri in candidate:
            if uri in index:
                vector[index[uri]] = 1.0
        scores = matrix @ vector / np.maximum(norms, 1e-9)
        top = np.argpartition(-scores, TOP)[:TOP]
        top[np.argsort(-scores[top])]
        times.append(time.perf_counter() - t0)
    return times


def setup_django(database_url: str) -> None:
    """Configure Django in a worker process on the benchmark database, migrated."""
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

    call_command("migrate", verbosity=0)


def worker(database_url: str, vacancies: int) -> dict[str, Any]:
    setup_django(database_url)
    from django.utils import timezone

    from springboard.jobs.models import Vacancy
    from springboard.jobs.selectors import jobs_for_you
    from springboard.profiles.selectors import confirmed_skill_uris
    from springboard.tenancy.models import Membership

    started = time.perf_counter()
    made = build(vacancies)
    build_seconds = time.perf_counter() - started
    candidate = Membership.objects.select_related("agency").get(pk=made["candidate_id"])
    today = timezone.localdate()
    t0 = time.perf_counter()
    fits = jobs_for_you(candidate, lang="en", today=today)  # warm-up: builds the index
    index_seconds = time.perf_counter() - t0
    times, cpu = [], []
    for _ in range(RUNS):
        t0, c0 = time.perf_counter(), time.process_time()
        fits = jobs_for_you(candidate, lang="en", today=today)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    skills = list(Vacancy.objects.values_list("skill_uris", flat=True).iterator(10_000))
    baseline = brute_force(skills, confirmed_skill_uris(candidate), RUNS)
    return {
        **made,
        "build_seconds": build_seconds,
        "index_seconds": index_seconds,
        "times": times,
        "cpu_times": cpu,
        "baseline_times": baseline,
        "results": len(fits),
        "with_reasons": sum(1 for fit in fits if fit.reasons),
    }


def create_database(name: str) -> str | None:
    """A fresh PostgreSQL database for a worker, or None when PostgreSQL is unreachable."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {name}")
    except Exception as error:
        print(f"PostgreSQL unavailable ({error}); skipped")
        return None
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run_worker(module: str, database_url: str, *args: str) -> dict[str, Any]:
    """Run `python -m <module> --worker URL ARGS…` and read the JSON on its last line."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    completed = subprocess.run(
        [sys.executable, "-m", module, "--worker", database_url, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{module} worker failed:\n{completed.stderr[-4000:]}")
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def run(data: Path | None, quick: bool = False) -> list[Row]:
    vacancies = 10_000 if quick else VACANCIES
    url = create_database(PG_BENCH_DB)
    if url is None:
        return [row(ID, "jobs for you p95 (ms)", 0, note="skipped: PostgreSQL unreachable")]
    try:
        measured = run_worker("bench.p9_jobs_for_you", url, str(vacancies))
    finally:
        drop_database(PG_BENCH_DB)
    p95 = percentile(measured["times"], 95) * 1000
    baseline = percentile(measured["baseline_times"], 95) * 1000
    note = (
        f"{measured['vacancies']} vacancies; {RUNS} runs after a warm-up that built the index "
        f"in {measured['index_seconds']:.1f} s; {measured['results']} results, "
        f"{measured['with_reasons']} with reasons; fixture built in "
        f"{measured['build_seconds']:.0f} s; baseline: scipy CSR brute force in memory (no "
        f"database, no explanations)"
    )
    return [
        row(
            ID,
            "jobs for you p95 through the selector (ms) vs scipy brute force",
            p95,
            baseline=baseline,
            at_most=20,
            higher_is_better=False,
            note=note,
        ),
        row(
            ID,
            "jobs for you: median and p95 CPU of the worker process per call (ms)",
            percentile(measured["cpu_times"], 50) * 1000,
            note=(
                f"p95 {percentile(measured['cpu_times'], 95) * 1000:.1f} ms; wall p50 "
                f"{percentile(measured['times'], 50) * 1000:.1f} ms; PostgreSQL's own work is "
                f"not in it: this says how much of the wall time waits on a busy machine"
            ),
        ),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", required=True)
    parser.add_argument("vacancies", type=int)
    args = parser.parse_args()
    print(json.dumps(worker(args.worker, args.vacancies)))
