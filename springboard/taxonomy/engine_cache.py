"""Matchers built from the database once per process, rebuilt when the taxonomy changes.

The key is (number, changed_at) of the newest :class:`TaxonomyVersion`: the import writes it
in the same transaction as every data change, so one cheap query per call tells whether the
cached ranker/extractor/engine still describe the database. Several processes each keep
their own copy (nothing is shared between processes); within a process a lock makes
concurrent callers wait for one build instead of building twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any, cast

from springboard.matching.engine import MatchingEngine
from springboard.matching.extractor import SkillExtractor
from springboard.matching.ranker import OccupationRanker
from springboard.taxonomy.models import (
    IscoGroup,
    Label,
    Occupation,
    OccupationSkill,
    Skill,
    TaxonomyVersion,
)

CHUNK = 5000
_lock = threading.Lock()
_cache: dict[str, tuple[str, Any]] = {}


def version_key() -> str:
    """``"<number>:<changed_at>"`` of the current taxonomy, ``""`` when nothing is imported."""
    row = TaxonomyVersion.objects.order_by("-number").values_list("number", "changed_at").first()
    return "" if row is None else f"{row[0]}:{row[1].isoformat()}"


def _cached[T](name: str, build: Callable[[str], T]) -> T:
    key = version_key()
    with _lock:
        hit = _cache.get(name)
        if hit is None or hit[0] != key:
            hit = _cache[name] = (key, build(key))
    return cast(T, hit[1])


def clear() -> None:
    """Forget every cached matcher (tests)."""
    with _lock:
        _cache.clear()


def occupation_label_rows() -> Iterator[tuple[str, str, str, str]]:
    """``(occupation uri, label, lang, kind)`` for every occupation label."""
    return (
        Label.objects.filter(occupation__isnull=False)
        .values_list("occupation__uri", "text", "lang", "kind")
        .order_by()
        .iterator(CHUNK)
    )


def skill_label_rows() -> Iterator[tuple[str, str, str, str]]:
    """``(skill uri, label, lang, kind)`` for every skill label."""
    return (
        Label.objects.filter(skill__isnull=False)
        .values_list("skill__uri", "text", "lang", "kind")
        .order_by()
        .iterator(CHUNK)
    )


# Below this many labels (the built-in sample, tests) common n-grams are not pruned: the
# ranker's document-frequency cut-offs are tuned for the full ESCO (~75,000 labels).
SMALL_TAXONOMY = 5000


def broader_pairs() -> list[tuple[str, str]]:
    """``(narrower uri, broader uri)``: occupation → broader occupation, occupation → ISCO
    group and ISCO group → parent group (the reranker's hierarchy features)."""
    pairs: list[tuple[str, str]] = list(
        Occupation.objects.filter(broader__isnull=False)
        .values_list("uri", "broader__uri")
        .order_by()
    )
    pairs += (
        Occupation.objects.filter(isco_group__isnull=False)
        .values_list("uri", "isco_group__uri")
        .order_by()
    )
    pairs += (
        IscoGroup.objects.filter(parent__isnull=False).values_list("uri", "parent__uri").order_by()
    )
    return pairs


def get_ranker() -> OccupationRanker:
    """Job title → occupations, over the labels of every imported language."""

    def build(key: str) -> OccupationRanker:
        rows = list(occupation_label_rows())
        # The reranker's ISCO features (docs/matching.md) need each occupation's unit group.
        codes = dict(
            Occupation.objects.filter(isco_group__isnull=False)
            .values_list("uri", "isco_group__code")
            .order_by()
        )
        options: dict[str, Any] = {
            "version": key,
            "concept_codes": codes,
            "broader": broader_pairs(),
        }
        if len(rows) < SMALL_TAXONOMY:
            return OccupationRanker(rows, max_df=1.0, word_max_df=1.0, **options)
        return OccupationRanker(rows, **options)

    return _cached("ranker", build)


def get_extractor() -> SkillExtractor:
    """Free text → skills, over every imported skill label."""
    return _cached("extractor", lambda key: SkillExtractor(skill_label_rows(), version=key))


def get_engine() -> MatchingEngine:
    """Skills → occupations (ESCO essential/optional relations), with ISCO codes."""

    def build(key: str) -> MatchingEngine:
        relations = (
            OccupationSkill.objects.values_list("occupation__uri", "skill__uri", "relation")
            .order_by()
            .iterator(CHUNK)
        )
        isco = dict(
            Occupation.objects.filter(isco_group__isnull=False).values_list(
                "uri", "isco_group__code"
            )
        )
        return MatchingEngine.from_relations(
            relations,
            occupation_uris=list(Occupation.objects.order_by("uri").values_list("uri", flat=True)),
            skill_uris=list(Skill.objects.order_by("uri").values_list("uri", flat=True)),
            version=key,
            occupation_isco=isco,
        )

    return _cached("engine", build)
