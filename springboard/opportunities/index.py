"""The opportunity index, built from the database once per process and rebuilt on change.

Like the taxonomy's engine cache (`springboard/taxonomy/engine_cache.py`), the key is the
taxonomy version; to it we add the state of this app's reference tables (row counts and the
newest import time), because `import-reference-data` may change interest profiles or the
crosswalk without changing the taxonomy. A lock makes concurrent callers wait for one build.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

from django.db.models import Count, Max

from springboard.opportunities.models import EscoOnetLink, OnetInterestProfile
from springboard.opportunities.ranking import OccupationRecord, OpportunityIndex, Profile
from springboard.opportunities.self_employment import any_mentions_self_employment
from springboard.taxonomy.engine_cache import CHUNK, version_key
from springboard.taxonomy.models import IscoGroup, Occupation, OccupationSkill, RelationType

DESCRIPTION_LANG = "en"  # the self-employment rule reads ESCO's English texts

_lock = threading.Lock()
_cached: tuple[str, OpportunityIndex] | None = None


def index_key() -> str:
    parts = [version_key()]
    for model in (OnetInterestProfile, EscoOnetLink):
        state = model._default_manager.aggregate(rows=Count("pk"), newest=Max("imported_at"))
        newest = state["newest"].isoformat() if state["newest"] else ""
        parts.append(f"{state['rows']}@{newest}")
    return "|".join(parts)


def get_index() -> OpportunityIndex:
    global _cached
    key = index_key()
    with _lock:
        if _cached is None or _cached[0] != key:
            _cached = (key, build_index(key))
        return _cached[1]


def clear() -> None:
    """Forget the cached index (tests)."""
    global _cached
    with _lock:
        _cached = None


def _ancestors(start: int | None, parent_of: Mapping[int, int | None]) -> Iterable[int]:
    seen: set[int] = set()
    current = start
    while current is not None and current not in seen:
        seen.add(current)
        yield current
        current = parent_of.get(current)


def build_index(version: str = "") -> OpportunityIndex:
    groups = {
        pk: (parent, (descriptions or {}).get(DESCRIPTION_LANG, ""))
        for pk, parent, descriptions in IscoGroup.objects.values_list(
            "pk", "parent_id", "descriptions"
        )
    }
    group_parent = {pk: parent for pk, (parent, _text) in groups.items()}
    occupations = list(
        Occupation.objects.order_by("uri").values_list(
            "pk", "uri", "isco_group_id", "isco_group__code", "broader_id", "descriptions"
        )
    )
    essential: dict[int, list[str]] = {}
    optional: dict[int, list[str]] = {}
    relations = (
        OccupationSkill.objects.order_by("occupation_id", "skill__uri")
        .values_list("occupation_id", "skill__uri", "relation")
        .iterator(CHUNK)
    )
    for occupation_id, skill_uri, relation in relations:
        target = essential if relation == RelationType.ESSENTIAL else optional
        target.setdefault(occupation_id, []).append(skill_uri)
    profiles: dict[str, Profile] = {
        row.onet_code: row.levels for row in OnetInterestProfile.objects.all()
    }
    onet_of_uri = dict(EscoOnetLink.objects.values_list("occupation_uri", "onet_code"))
    uri_of = {pk: uri for pk, uri, *_rest in occupations}
    broader_of = {pk: broader for pk, _uri, _g, _c, broader, _d in occupations}

    def interests_of(pk: int) -> Profile | None:
        # ESCO occupations below a crosswalked one inherit its O*NET occupation (Nesta's rule).
        for ancestor in _ancestors(pk, broader_of):
            code = onet_of_uri.get(uri_of.get(ancestor, ""))
            if code is not None:
                return profiles.get(code)
        return None

    records = []
    for pk, uri, group_id, isco_code, _broader, descriptions in occupations:
        texts = [(descriptions or {}).get(DESCRIPTION_LANG, "")]
        texts += [groups[g][1] for g in _ancestors(group_id, group_parent) if g in groups]
        records.append(
            OccupationRecord(
                uri=uri,
                isco_code=isco_code or "",
                essential=tuple(essential.get(pk, ())),
                optional=tuple(optional.get(pk, ())),
                interests=interests_of(pk),
                self_employment=any_mentions_self_employment(texts),
            )
        )
    return OpportunityIndex(records, version=version)
