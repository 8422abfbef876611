"""R3 — two people edit the same thing at once: the second save gets a conflict, nothing is
silently overwritten (docs/reliability.md).

The editable objects a candidate and their coach both edit carry a version
(profiles.Profile, its section rows such as a job in the career history, programmes.PlanItem);
a save names the version its form was rendered with and is refused with a conflict when the
stored version moved on (profiles/services, programmes/services/plan.py). The drill checks that
this holds under real concurrency, on PostgreSQL: for each object and each round, two threads
(two database sessions: the candidate and the coach) load the same version, wait at a barrier
and save different texts at the same moment.

Counted per round: exactly one save wins, the other gets the conflict (ProfileConflict /
PlanConflict, shown as "changed meanwhile, reload" with the editor's input kept in the form),
the stored text is the winner's, and the version went up by exactly one. A lost update is a
round where both saves succeeded or the stored text is not the winner's. ``--quick``: 5 rounds
per object instead of 20.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import REPO, Row, row
from bench.reliability_common import (
    drop_database,
    fresh_database,
    postgres_unavailable,
    setup_django,
)

ID = "R3"
DB_NAME = "springboard_drill_r3"


def _race(save: Callable[[str], Any]) -> dict[str, Any]:
    """``save(text)`` from two threads at once with different texts; who won, what was raised."""
    from django.db import connections

    barrier = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def editor(text: str) -> None:
        barrier.wait()
        try:
            save(text)
            outcomes[text] = "saved"
        except Exception as error:
            outcomes[text] = type(error).__name__
        finally:
            connections.close_all()

    threads = [threading.Thread(target=editor, args=(t,)) for t in ("candidate", "coach")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _judge(outcomes: dict[str, Any], stored: str, versions: tuple[int, int]) -> dict[str, Any]:
    winners = [text for text, outcome in outcomes.items() if outcome == "saved"]
    conflicts = [o for o in outcomes.values() if o in {"ProfileConflict", "PlanConflict"}]
    clean = (
        len(winners) == 1
        and len(conflicts) == 1
        and stored.endswith(winners[0])
        and versions[1] == versions[0] + 1
    )
    return {"outcomes": outcomes, "stored": stored, "versions": versions, "clean": clean}


def scenarios(rounds: int) -> list[dict[str, Any]]:
    from springboard.profiles.models import CareerEntry, Profile
    from springboard.profiles.services import preferences_update, profile_ensure, section_row_save
    from springboard.programmes.models import PlanItem, PlanItemKind
    from springboard.programmes.services import plan_item_edit
    from tests.factories import make_programme, make_world

    world = make_world()
    side = world.a
    programme = make_programme(side)
    profile = profile_ensure(side.candidate)
    entry = CareerEntry.objects.create(
        profile=profile, employer="Harbour Logistics", title="Planner", start_year=2015
    )
    item = PlanItem.objects.create(
        programme=programme, kind=PlanItemKind.TASK, title="Update the CV", position=99
    )
    results: list[dict[str, Any]] = []
    for n in range(rounds):
        # The profile's preferences: what the candidate looks for.
        start = Profile.objects.get(pk=profile.pk).version

        def preferences(text: str, start: int = start, n: int = n) -> object:
            return preferences_update(
                profile=Profile.objects.get(pk=profile.pk),
                expected_version=start,
                values={"job_sought": f"round {n} by {text}"},
            )

        outcomes = _race(preferences)
        after = Profile.objects.get(pk=profile.pk)
        results.append(
            {"object": "profile preferences"}
            | _judge(outcomes, after.job_sought, (start, after.version))
        )
        # A job in the career history.
        start = CareerEntry.objects.get(pk=entry.pk).version

        def career(text: str, start: int = start, n: int = n) -> object:
            return section_row_save(
                profile=profile,
                model=CareerEntry,
                row=CareerEntry.objects.get(pk=entry.pk),
                expected_version=start,
                values={"description": f"round {n} by {text}"},
            )

        outcomes = _race(career)
        saved = CareerEntry.objects.get(pk=entry.pk)
        results.append(
            {"object": "career entry"} | _judge(outcomes, saved.description, (start, saved.version))
        )
        # A task of the programme plan: the coach and the candidate both edit it.
        start = PlanItem.objects.get(pk=item.pk).version

        def plan_task(text: str, start: int = start, n: int = n) -> object:
            return plan_item_edit(
                item=PlanItem.objects.get(pk=item.pk),
                actor=side.coach if text == "coach" else side.candidate,
                expected_version=start,
                title=f"Update the CV, round {n} by {text}",
                description="",
                due_date=None,
            )

        outcomes = _race(plan_task)
        task = PlanItem.objects.get(pk=item.pk)
        results.append(
            {"object": "plan task"} | _judge(outcomes, task.title, (start, task.version))
        )
    return results


def drill(url: str, rounds: int) -> list[dict[str, Any]]:
    setup_django(url)
    return scenarios(rounds)


def run(data: Path | None, quick: bool = False) -> list[Row]:
    why = postgres_unavailable()
    if why:
        return [row(ID, "drill ran", 0, at_least=1, note=why)]
    rounds = 5 if quick else 20
    url = fresh_database(DB_NAME)
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "bench.r3_concurrent_edits", "--drill", url, str(rounds)],
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
        raise RuntimeError(f"R3 drill failed:\n{completed.stderr[-4000:]}")
    results = json.loads(completed.stdout.strip().splitlines()[-1])
    lost = [r for r in results if list(r["outcomes"].values()).count("saved") > 1]
    unclean = [r for r in results if not r["clean"]]
    kinds = sorted({r["object"] for r in results})
    return [
        row(
            ID,
            "lost updates from simultaneous saves",
            len(lost),
            at_most=0,
            note=(
                f"{len(results)} races on PostgreSQL ({rounds} rounds each of {', '.join(kinds)}), "
                "two sessions saving different texts over the same version at once"
            ),
        ),
        row(
            ID,
            "races not ending in one save and one conflict",
            len(unclean),
            at_most=0,
            note="; ".join(f"{r['object']}: {r['outcomes']}" for r in unclean[:5]) or "",
        ),
    ]


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--drill":
        print(json.dumps(drill(sys.argv[2], int(sys.argv[3]))))
    else:
        from bench.run import main

        sys.exit(main([ID, *sys.argv[1:]]))
