"""P10 — importing 10,000 schema.org JobPosting postings (JSON-LD) at ≥ 1,000 postings/s.

The feed: one JSON-LD file of 10,000 made-up postings as job sites publish them (an `@graph`,
nested `hiringOrganization`, `jobLocation` lists, `baseSalary` as a `MonetaryAmount` range,
HTML descriptions of about 1 KB that name skills of the made-up taxonomy of P9, so the engine
extracts skills and maps an occupation for every posting).

Measured in one worker process on PostgreSQL, with the P9 taxonomy:

* ours: `jobs.services.vacancies_import` on the file (read, validate, clean the HTML, find
  duplicates and postings seen before, write the new ones with COPY and the changed ones with
  one bulk update, queue the enrichment tasks): the rate in postings per second must be
  ≥ 1,000; also reported per CPU second of the worker (PostgreSQL's work excluded), so that a
  run on a busy machine shows how much of the wall time is waiting;
* info: the enrichment those tasks then do in the background (`vacancies_enrich`: the engine
  extracts skills from every description and maps the title to an occupation), in postings per
  second — it is not part of the import the operator waits for;
* baseline: the obvious loop — `json.loads`, then per posting a lookup of the same URL and a
  `Vacancy.objects.create` with the raw fields (no validation, no cleaning, no skills) — on the
  first 1,000 postings, in its own transaction;
* info: the re-run of the same file (creates and updates nothing), in postings per second.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path
from typing import Any

from bench.common import Row, row
from bench.p9_jobs_for_you import (
    SKILLS,
    build_taxonomy,
    create_database,
    drop_database,
    run_worker,
    setup_django,
)

ID = "P10"
POSTINGS = 10_000
BASELINE_SAMPLE = 1_000
PG_BENCH_DB = os.environ.get("BENCH_P10_DB", "springboard_bench_p10")

PARAGRAPH = (
    "<p>We are looking for a colleague who enjoys <b>{a}</b> and has experience with "
    "<i>{b}</i>. You will work with {c} in a friendly team &amp; report to the manager.</p>"
)


def feed(count: int, seed: int = 10) -> bytes:
    rng = random.Random(seed)
    places = ["Utrecht", "Leiden", "Aarhus", "Bergen", "Oslo", "Odense", "Delft", "Trondheim"]
    postings = []
    for n in range(count):
        skills = [f"bench skill {rng.randrange(SKILLS)}" for _ in range(9)]
        description = "".join(
            PARAGRAPH.format(a=skills[i], b=skills[i + 1], c=skills[i + 2]) for i in (0, 3, 6)
        )
        description += "<ul>" + "".join(f"<li>{s}</li>" for s in skills) + "</ul>"
        postings.append(
            {
                "@type": "JobPosting",
                "title": f"Bench job {n}",
                "description": description * 2,
                "identifier": {"@type": "PropertyValue", "value": f"B-{n}"},
                "datePosted": "2026-11-01",
                "validThrough": "2027-12-31",
                "employmentType": "FULL_TIME",
                "hiringOrganization": {"@type": "Organization", "name": f"Employer {n % 700}"},
                "jobLocation": [
                    {"@type": "Place", "address": {"addressLocality": rng.choice(places)}}
                    for _ in range(rng.randint(1, 2))
                ],
                "baseSalary": {
                    "@type": "MonetaryAmount",
                    "currency": "EUR",
                    "value": {"minValue": 3000, "maxValue": 4200, "unitText": "MONTH"},
                },
                "url": f"https://jobs.invalid/p10/{n}",
            }
        )
    return json.dumps({"@context": "https://schema.org", "@graph": postings}).encode()


def naive_import(data: bytes, agency: Any, limit: int) -> None:
    from django.db import transaction

    from springboard.jobs.models import Vacancy, VacancySource

    with transaction.atomic():
        for item in json.loads(data)["@graph"][:limit]:
            if Vacancy.objects.filter(agency=agency, source_key=item["url"]).exists():
                continue
            Vacancy.objects.create(
                agency=agency,
                title=item["title"],
                employer=item["hiringOrganization"]["name"],
                description=item["description"],
                url=item["url"],
                source=VacancySource.JSON_LD,
                source_key="naive:" + item["url"],
                duplicate_key="naive:" + item["url"],
            )


def worker(database_url: str, postings: int) -> dict[str, Any]:
    setup_django(database_url)
    from springboard.jobs.models import Vacancy
    from springboard.jobs.services import vacancies_import
    from springboard.jobs.services.enrichment import vacancies_enrich
    from springboard.tenancy.models import Agency

    build_taxonomy(random.Random(9))
    agency = Agency.objects.create(slug="bench-p10", name="Bench P10")
    baseline_agency = Agency.objects.create(slug="bench-p10-naive", name="Bench P10 naive")
    data = feed(postings)
    vacancies_import(agency=baseline_agency, files=[("warm.json", feed(5))])
    t0, c0 = time.perf_counter(), time.process_time()
    summary = vacancies_import(agency=agency, files=[("feed.jsonld", data)])
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - c0
    ids = list(Vacancy.objects.filter(agency=agency).values_list("pk", flat=True))
    vacancies_enrich(agency_id=agency.pk, vacancy_ids=ids[:5])  # builds the engine's matchers
    t0 = time.perf_counter()
    for start in range(0, len(ids), 1000):
        vacancies_enrich(agency_id=agency.pk, vacancy_ids=ids[start : start + 1000])
    enrich_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = vacancies_import(agency=agency, files=[("feed.jsonld", data)])
    rerun_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    naive_import(data, baseline_agency, BASELINE_SAMPLE)
    naive_seconds = time.perf_counter() - t0
    return {
        "postings": postings,
        "bytes": len(data),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "created": summary.created,
        "rejected": len(summary.rejected),
        "rerun_seconds": rerun_seconds,
        "enrich_seconds": enrich_seconds,
        "rerun_created_updated": again.created + again.updated,
        "naive_seconds": naive_seconds,
    }


def run(data: Path | None, quick: bool = False) -> list[Row]:
    postings = 2_000 if quick else POSTINGS
    url = create_database(PG_BENCH_DB)
    if url is None:
        return [row(ID, "JobPosting import (postings/s)", 0, note="skipped: no PostgreSQL")]
    try:
        measured = run_worker("bench.p10_vacancy_import", url, str(postings))
    finally:
        drop_database(PG_BENCH_DB)
    rate = measured["postings"] / measured["seconds"]
    naive_rate = BASELINE_SAMPLE / measured["naive_seconds"]
    rerun_rate = measured["postings"] / measured["rerun_seconds"]
    note = (
        f"{measured['postings']} postings, {measured['bytes'] // 1024} KB of JSON-LD; "
        f"{measured['created']} created, {measured['rejected']} rejected; enrichment queued "
        f"as tasks; baseline: json.loads + per-posting exists() + create() with raw fields on "
        f"{BASELINE_SAMPLE} postings"
    )
    return [
        row(
            ID,
            "JobPosting JSON-LD import (postings/s) vs per-posting ORM loop",
            rate,
            baseline=naive_rate,
            at_least=1000,
            note=note,
        ),
        row(
            ID,
            "JobPosting JSON-LD import: postings per CPU second of the worker process",
            measured["postings"] / measured["cpu_seconds"],
            note=(
                "the same import, divided by the worker's own CPU time (PostgreSQL's work is "
                "not in it): how much of the wall time waits on a busy machine"
            ),
        ),
        row(
            ID,
            "re-import of the same file (postings/s)",
            rerun_rate,
            note=f"created + updated on the re-run: {measured['rerun_created_updated']}",
        ),
        row(
            ID,
            "background enrichment: skills + occupation (postings/s)",
            measured["postings"] / measured["enrich_seconds"],
            note="the tasks' work, in batches of 1,000, on the made-up P9 taxonomy",
        ),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", required=True)
    parser.add_argument("postings", type=int)
    args = parser.parse_args()
    print(json.dumps(worker(args.worker, args.postings)))
