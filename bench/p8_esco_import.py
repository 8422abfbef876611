"""P8: full ESCO import into a fresh SQLite database, then an idempotent re-import.

Ours: ``springboard.taxonomy.importing.run_import`` over the reference data (every ESCO CSV
in every language, relations, MELO labels in da/nb/nl/en), timed end to end in a fresh
temporary SQLite file with the migrations applied. Then the same import again: it must
change no row and create no taxonomy version.

Baseline (same run, same database engine): a naive import that calls
``Model.objects.create`` once per row (autocommit, one ``get`` per relation end) for the
occupations + skills + occupation-skill relations subset only. It is run on the first rows
of each file for a bounded time and extrapolated linearly to the full row counts; the row
says so. Django is set up inside this process with ``DATABASE_URL`` pointing at the
temporary file and ``DEBUG=1`` (so no secret key is needed).
"""

from __future__ import annotations

import itertools
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import Row, row

ID = "P8"
SAMPLE_PATH = Path(__file__).resolve().parent.parent / "springboard" / "taxonomy" / "sample"
NAIVE_SECONDS = 8.0  # per part; the rest is extrapolated


def _setup_django(db_path: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.apps import apps

    if apps.ready:
        raise RuntimeError("P8 needs its own temporary database: run it in a fresh process")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _counts() -> dict[str, int]:
    from springboard.taxonomy import importing

    models: list[Any] = [
        importing.IscoGroup,
        importing.SkillGroup,
        importing.Occupation,
        importing.Skill,
        importing.OccupationSkill,
        importing.SkillSkill,
        importing.SkillBroader,
        importing.Label,
        importing.TaxonomyVersion,
    ]
    return {model.__name__: model.objects.count() for model in models}


def _fingerprint() -> tuple[Any, ...]:
    from django.db.models import Max

    from springboard.taxonomy.models import Occupation, Skill, TaxonomyVersion

    return (
        Occupation.objects.aggregate(m=Max("updated_at"))["m"],
        Skill.objects.aggregate(m=Max("updated_at"))["m"],
        TaxonomyVersion.objects.aggregate(m=Max("changed_at"))["m"],
    )


def _naive(data: Path, seconds: float) -> tuple[float, int, int]:
    """Row-by-row ``create()``: returns (seconds per row, rows done, rows in the subset)."""
    from django.utils import timezone

    from springboard.matching import esco_files
    from springboard.taxonomy.importing import plan_import
    from springboard.taxonomy.models import Occupation, OccupationSkill, Skill, public_id_for

    plan = plan_import(data)

    def newest(kind: esco_files.FileKind, lang: str | None = None) -> Path | None:
        found = esco_files.latest(plan.used, kind, lang)
        return found.path if found else None

    spent = 0.0
    done = 0
    total = 0
    parts: list[tuple[Path | None, str]] = [
        (newest("occupations", "en"), "occupation"),
        (newest("skills", "en"), "skill"),
        (newest("occupation_skill_relations"), "relation"),
    ]
    for path, part in parts:
        if path is None:
            continue
        if part == "relation":
            items: list[Any] = list(esco_files.iter_occupation_skill_relations(path))
        else:
            items = list(esco_files.iter_concepts(path))
        total += len(items)
        start = time.perf_counter()
        count = 0
        for item in itertools.islice(items, None):
            if part == "relation":
                occupation = Occupation.objects.filter(uri=item.occupation_uri).first()
                skill = Skill.objects.filter(uri=item.skill_uri).first()
                if occupation is not None and skill is not None:
                    OccupationSkill.objects.create(
                        occupation=occupation, skill=skill, relation=item.relation
                    )
            else:
                model: Any = Occupation if part == "occupation" else Skill
                model.objects.create(
                    uri=item.uri,
                    public_id=public_id_for(item.uri),
                    code=item.code,
                    status=item.status,
                    names={item.lang: item.preferred_label},
                    descriptions={item.lang: item.description},
                    updated_at=timezone.now(),
                )
            count += 1
            if time.perf_counter() - start > seconds:
                break
        spent += time.perf_counter() - start
        done += count
    return (spent / max(done, 1), done, total)


def run(data: Path | None, quick: bool = False) -> list[Row]:
    source = data if data is not None else SAMPLE_PATH
    note_source = "reference data" if data is not None else "built-in SAMPLE (no reference data)"
    with tempfile.TemporaryDirectory(prefix="springboard-p8-") as tmp:
        _setup_django(Path(tmp) / "p8.sqlite3")
        from django.db import connection

        from springboard.taxonomy.importing import _clear_all, run_import

        start = time.perf_counter()
        first = run_import(source)
        full_s = time.perf_counter() - start
        counts = _counts()
        fingerprint = _fingerprint()

        start = time.perf_counter()
        second = run_import(source)
        again_s = time.perf_counter() - start
        changed_rows = sum(r.created + r.updated + r.deleted for r in second.tables.values()) + int(
            second.version is not None
        )
        same = counts == _counts() and fingerprint == _fingerprint()

        _clear_all()
        per_row, naive_rows, subset_rows = _naive(source, 2.0 if quick else NAIVE_SECONDS)
        naive_total_s = per_row * subset_rows
        connection.close()

    relations = counts["OccupationSkill"]
    note = (
        f"{note_source}: {counts['Occupation']} occupations, {counts['Skill']} skills, "
        f"{relations} occupation-skill relations, {counts['Label']} labels in "
        f"{len({f.lang for f in first.plan.used if f.lang})} languages, "
        f"{len(first.plan.used)} files; SQLite"
    )
    return [
        row(
            ID,
            "full import s (fresh SQLite)",
            full_s,
            baseline=naive_total_s,
            at_most=60.0,
            higher_is_better=False,
            note=note,
        ),
        row(
            ID,
            "re-import: rows changed",
            float(changed_rows + (0 if same else 1)),
            at_most=0.0,
            note="second run over the same files: no row, timestamp or version changes",
        ),
        row(ID, "re-import s", again_s, note="loads keys once, compares, writes nothing"),
        row(
            ID,
            "naive create() loop s (EXTRAPOLATED)",
            naive_total_s,
            note=(
                f"baseline: one create() per row, occupations+skills+relations subset only "
                f"({subset_rows} rows); measured {naive_rows} rows, "
                f"{per_row * 1000:.2f} ms/row, extrapolated linearly"
            ),
        ),
    ]
