"""Import the ESCO CSV download (v1.1.x/v1.2.x, any languages) and the MELO label TSVs.

Fast and idempotent (docs/taxonomy.md):

* files are read once with the streaming readers of ``springboard.matching.esco_files``;
* every table's existing keys and values are loaded with one query, compared in memory, and
  only new or changed rows are written, with ``bulk_create``/``bulk_update`` in batches;
* each table is written in its own transaction, so a SQLite writer lock is never held for
  the whole import; the first table that changes creates the new :class:`TaxonomyVersion`
  and every later changed table moves its ``changed_at``, in the same transaction as the
  change, so a process that caches matchers under (number, changed_at) never misses one;
* a second run over the same files writes nothing and creates no version.

Concepts are never deleted (other data may point at them; ESCO retires a concept through its
``status``). Relation files and the labels of a (concept kind, language) are the complete set
for what they cover, so rows they no longer contain are removed.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from springboard.matching import esco_files
from springboard.matching.esco_files import DataFile, FileKind
from springboard.matching.textnorm import normalise_phrase
from springboard.taxonomy.models import (
    Concept,
    IscoGroup,
    Label,
    LabelKind,
    Occupation,
    OccupationSkill,
    Skill,
    SkillBroader,
    SkillGroup,
    SkillSkill,
    TaxonomyVersion,
    public_id_for,
)

BATCH = 2000
LABEL_MAX = 300
Progress = Callable[[str, int, int], None]

# Concept file kind → (model, Label foreign key) ; the order is the import order.
CONCEPT_KINDS: dict[FileKind, tuple[type[Concept], str]] = {
    "isco_groups": (IscoGroup, "isco_group"),
    "skill_groups": (SkillGroup, "skill_group"),
    "occupations": (Occupation, "occupation"),
    "skills": (Skill, "skill"),
}
RELATION_KINDS: tuple[FileKind, ...] = (
    "broader_occupation_relations",
    "broader_skill_relations",
    "occupation_skill_relations",
    "skill_skill_relations",
)
_KIND_RANK = {LabelKind.PREFERRED: 0, LabelKind.ALT: 1, LabelKind.HIDDEN: 2}
_UNUSED_REASON = "not part of the ESCO classification or MELO labels"


# --- which files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """The files an import uses (newest version per kind and language) and those it skips."""

    root: Path
    used: list[DataFile]
    skipped: list[tuple[Path, str]]

    def of_kind(self, kind: FileKind) -> list[DataFile]:
        return [f for f in self.used if f.kind == kind]


def plan_import(root: Path) -> Plan:
    """Recognise every file below ``root``; keep the newest of each kind and language.

    Relation files hold only URIs, so one is kept per kind whatever its language suffix
    (v1.2 names them ``..._en.csv``, v1.1 has no suffix). MELO labels need both TSVs.
    """
    recognised: list[DataFile] = []
    skipped: list[tuple[Path, str]] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        found = esco_files.classify(path)
        if found is None:
            skipped.append((path, _UNUSED_REASON))
        else:
            recognised.append(found)
    newest: dict[tuple[str, str], DataFile] = {}
    for item in sorted(recognised, key=lambda f: (f.version, str(f.path))):
        key = (item.kind, "" if item.kind in RELATION_KINDS else item.lang)
        older = newest.get(key)
        if older is not None:
            skipped.append((older.path, f"superseded by {item.path.relative_to(root)}"))
        newest[key] = item
    used = list(newest.values())
    for item in list(used):
        if item.kind in ("melo_corpus", "melo_mapping"):
            partner = "melo_mapping" if item.kind == "melo_corpus" else "melo_corpus"
            if (partner, item.lang) not in newest:
                used.remove(item)
                skipped.append((item.path, f"MELO file without its {partner} partner"))
    used.sort(key=lambda f: (f.kind, f.lang, str(f.path)))
    skipped.sort()
    return Plan(root, used, skipped)


# --- what the files say ----------------------------------------------------------------------


@dataclass
class _ConceptIn:
    code: str = ""
    status: str = ""
    names: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    isco_code: str = ""
    skill_type: str = ""
    reuse_level: str = ""


@dataclass
class _Collected:
    concepts: dict[str, dict[str, _ConceptIn]] = field(default_factory=dict)  # model → uri → …
    # (owner field, uri, lang, text) → best kind
    labels: dict[tuple[str, str, str, str], str] = field(default_factory=dict)
    label_scopes: set[tuple[str, str]] = field(default_factory=set)  # (owner field, lang)
    melo_names: dict[tuple[str, str], str] = field(default_factory=dict)  # (uri, lang) → name


def _add_label(
    collected: _Collected, owner: str, uri: str, lang: str, text: str, kind: str
) -> None:
    text = " ".join(text.split())
    if not text or len(text) > LABEL_MAX:
        return
    key = (owner, uri, lang, text)
    old = collected.labels.get(key)
    if old is None or _KIND_RANK[LabelKind(kind)] < _KIND_RANK[LabelKind(old)]:
        collected.labels[key] = kind


def _collect(plan: Plan) -> _Collected:
    collected = _Collected()
    for kind, (model, owner) in CONCEPT_KINDS.items():
        by_uri = collected.concepts.setdefault(model.__name__, {})
        for data_file in plan.of_kind(kind):
            collected.label_scopes.add((owner, data_file.lang))
            for concept in esco_files.iter_concepts(data_file.path):
                item = by_uri.setdefault(concept.uri, _ConceptIn())
                item.code = concept.code or item.code
                item.status = concept.status or item.status
                item.isco_code = concept.isco_group or item.isco_code
                item.skill_type = concept.skill_type or item.skill_type
                item.reuse_level = concept.reuse_level or item.reuse_level
                if concept.preferred_label:
                    item.names[concept.lang] = concept.preferred_label
                if concept.description:
                    item.descriptions[concept.lang] = concept.description
                for label in concept.labels():
                    _add_label(collected, owner, label.uri, label.lang, label.label, label.kind)
    mappings = {f.lang: f for f in plan.of_kind("melo_mapping")}
    for corpus in plan.of_kind("melo_corpus"):
        mapping = mappings[corpus.lang]
        for label in esco_files.iter_melo_labels(corpus.path, mapping.path):
            melo_owner = _melo_owner(label.uri)
            if melo_owner is None:
                continue
            owner = melo_owner
            collected.label_scopes.add((owner, label.lang))
            if label.kind == "preferred":
                collected.melo_names.setdefault((label.uri, label.lang), label.label)
            _add_label(collected, owner, label.uri, label.lang, label.label, label.kind)
    return collected


def _melo_owner(uri: str) -> str | None:
    if "/occupation/" in uri:
        return "occupation"
    if "/isco/" in uri:
        return "isco_group"
    return None


# --- the import ------------------------------------------------------------------------------


@dataclass
class TableResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unresolved: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@dataclass
class ImportReport:
    plan: Plan
    tables: dict[str, TableResult] = field(default_factory=dict)
    version: TaxonomyVersion | None = None
    cleared_sample: bool = False

    @property
    def changed(self) -> bool:
        return self.version is not None

    def summary(self) -> dict[str, Any]:
        return {
            "files": [str(f.path.relative_to(self.plan.root)) for f in self.plan.used],
            "tables": {
                name: {
                    "created": r.created,
                    "updated": r.updated,
                    "deleted": r.deleted,
                    "unresolved": r.unresolved,
                }
                for name, r in self.tables.items()
            },
        }


class _Versioner:
    """Creates the run's version at its first change; moves ``changed_at`` at every other."""

    def __init__(self, *, source: str, is_sample: bool) -> None:
        self.source = source
        self.is_sample = is_sample
        self.version: TaxonomyVersion | None = None

    def touch(self) -> None:
        now = timezone.now()
        if self.version is None:
            newest = TaxonomyVersion.objects.order_by("-number").first()
            self.version = TaxonomyVersion.objects.create(
                number=(newest.number + 1) if newest else 1,
                is_sample=self.is_sample,
                source=self.source[:500],
                changed_at=now,
            )
        else:
            self.version.changed_at = now
            self.version.save(update_fields=["changed_at"])


def _batched[T](items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def run_import(
    root: Path, *, is_sample: bool = False, on_progress: Progress | None = None
) -> ImportReport:
    """Import everything recognised below ``root``; see the module docstring."""
    plan = plan_import(root)
    report = ImportReport(plan)
    versioner = _Versioner(source=str(root), is_sample=is_sample)
    current = TaxonomyVersion.objects.order_by("-number").first()
    steps: list[tuple[str, Callable[[], TableResult]]] = []
    collected = _collected_lazy(plan)

    def concept_step(kind: FileKind) -> Callable[[], TableResult]:
        return lambda: _write_concepts(kind, collected())

    if current is not None and current.is_sample and not is_sample and plan.used:
        steps.append(("remove sample data", _clear_all))
        report.cleared_sample = True
    for kind in CONCEPT_KINDS:
        steps.append((CONCEPT_KINDS[kind][0]._meta.model_name or kind, concept_step(kind)))
    steps += [
        ("hierarchy", lambda: _write_hierarchy(plan)),
        ("skill broader", lambda: _write_skill_broader(plan)),
        ("occupation skills", lambda: _write_occupation_skills(plan)),
        ("skill relations", lambda: _write_skill_skill(plan)),
        ("labels", lambda: _write_labels(collected())),
    ]
    for number, (name, step) in enumerate(steps, start=1):
        if on_progress:
            on_progress(name, number - 1, len(steps))
        with transaction.atomic():
            result = step()
            if result.changed:
                versioner.touch()
        report.tables[name] = result
    if on_progress:
        on_progress("done", len(steps), len(steps))
    if versioner.version is not None:
        report.version = versioner.version
        versioner.version.summary = report.summary()
        versioner.version.save(update_fields=["summary"])
    return report


def _collected_lazy(plan: Plan) -> Callable[[], _Collected]:
    cache: list[_Collected] = []

    def get() -> _Collected:
        if not cache:
            cache.append(_collect(plan))
        return cache[0]

    return get


def _clear_all() -> TableResult:
    result = TableResult()
    for model in (
        Label,
        OccupationSkill,
        SkillSkill,
        SkillBroader,
        Occupation,
        Skill,
        IscoGroup,
        SkillGroup,
    ):
        deleted, _ = model._default_manager.all().delete()
        result.deleted += deleted
    return result


# --- concepts --------------------------------------------------------------------------------

_CONCEPT_FIELDS = ("code", "status", "names", "descriptions")
_EXTRA_FIELDS: dict[str, tuple[str, ...]] = {
    "Occupation": ("isco_group_id",),
    "Skill": ("skill_type", "reuse_level"),
}


def _write_concepts(kind: FileKind, collected: _Collected) -> TableResult:
    model, owner = CONCEPT_KINDS[kind]
    incoming = collected.concepts.get(model.__name__, {})
    extra = _EXTRA_FIELDS.get(model.__name__, ())
    fields = (*_CONCEPT_FIELDS, *extra)
    melo: dict[str, dict[str, str]] = defaultdict(dict)
    for (uri, lang), name in collected.melo_names.items():
        if _melo_owner(uri) == owner:
            melo[uri][lang] = name
    melo_uris = set(melo)
    if not incoming and not melo_uris:
        return TableResult()
    rows = model._default_manager.values_list("uri", "pk", *fields).iterator(BATCH)
    existing = {row[0]: row[1:] for row in rows}
    isco_by_code = dict(IscoGroup.objects.values_list("code", "pk")) if model is Occupation else {}
    now = timezone.now()
    result = TableResult()
    to_create: list[Concept] = []
    to_update: list[Concept] = []
    for uri in sorted(incoming.keys() | (melo_uris & existing.keys())):
        item = incoming.get(uri, _ConceptIn())
        old = existing.get(uri)
        old_values = dict(zip(fields, old[1:], strict=True)) if old else {}
        # A language's name comes from its ESCO file, else from MELO's preferred label.
        names = {**old_values.get("names", {}), **melo.get(uri, {}), **item.names}
        values: dict[str, Any] = {
            "code": item.code or old_values.get("code", ""),
            "status": item.status or old_values.get("status", ""),
            "names": names,
            "descriptions": {**old_values.get("descriptions", {}), **item.descriptions},
        }
        if model is Occupation:
            values["isco_group_id"] = isco_by_code.get(item.isco_code) or old_values.get(
                "isco_group_id"
            )
        elif model is Skill:
            values["skill_type"] = item.skill_type or old_values.get("skill_type", "")
            values["reuse_level"] = item.reuse_level or old_values.get("reuse_level", "")
        if old is None:
            to_create.append(model(uri=uri, public_id=public_id_for(uri), updated_at=now, **values))
        elif values != old_values:
            changed = model(uri=uri, updated_at=now, **values)
            changed.pk = old[0]
            to_update.append(changed)
    for chunk in _batched(to_create, 1000):
        model._default_manager.bulk_create(chunk)
    if to_update:
        model._default_manager.bulk_update(to_update, [*fields, "updated_at"], batch_size=500)
    result.created, result.updated = len(to_create), len(to_update)
    return result


def _uri_map(model: type[models.Model]) -> dict[str, int]:
    return dict(model._default_manager.values_list("uri", "pk").iterator(BATCH))


# --- hierarchy (self references), relations --------------------------------------------------


def _write_hierarchy(plan: Plan) -> TableResult:
    """IscoGroup.parent, Occupation.broader and SkillGroup.parent from the broader files."""
    result = TableResult()
    occupation_files = plan.of_kind("broader_occupation_relations")
    skill_files = plan.of_kind("broader_skill_relations")
    targets: list[tuple[type[Concept], str, str, list[DataFile]]] = [
        (IscoGroup, "parent_id", "ISCOGroup", occupation_files),
        (Occupation, "broader_id", "Occupation", occupation_files),
        (SkillGroup, "parent_id", "SkillGroup", skill_files),
    ]
    now = timezone.now()
    for model, attname, concept_type, files in targets:
        if not files:
            continue
        pk_of = _uri_map(model)
        wanted: dict[int, int] = {}
        for data_file in files:
            for rel in esco_files.iter_broader_relations(data_file.path):
                if rel.concept_type != concept_type or rel.broader_type != concept_type:
                    continue
                child, parent = pk_of.get(rel.uri), pk_of.get(rel.broader_uri)
                if child is None or parent is None:
                    result.unresolved += 1
                    continue
                wanted.setdefault(child, parent)
        current = dict(model._default_manager.values_list("pk", attname))
        changed = []
        for pk, parent in current.items():
            if wanted.get(pk) != parent:
                concept = model(updated_at=now, **{attname: wanted.get(pk)})
                concept.pk = pk
                changed.append(concept)
        if changed:
            model._default_manager.bulk_update(changed, [attname, "updated_at"], batch_size=500)
            result.updated += len(changed)
    return result


def _sync_pairs(
    rows: models.QuerySet[Any],
    key_fields: tuple[str, str],
    wanted: dict[tuple[int, int], str],
    value_field: str | None,
) -> TableResult:
    """Make ``rows`` equal ``wanted`` (key pair → value): create, update, delete."""
    model = rows.model
    result = TableResult()
    columns = ("pk", *key_fields, *((value_field,) if value_field else ()))
    existing: dict[tuple[int, int], tuple[int, str]] = {}
    for row in rows.values_list(*columns).iterator(BATCH):
        existing[(row[1], row[2])] = (row[0], row[3] if value_field else "")
    create: list[models.Model] = []
    update: list[models.Model] = []
    for key, value in wanted.items():
        old = existing.pop(key, None)
        values: dict[str, Any] = dict(zip(key_fields, key, strict=True))
        if value_field:
            values[value_field] = value
        if old is None:
            create.append(model(**values))
        elif value_field and old[1] != value:
            update.append(model(pk=old[0], **{value_field: value}))
    for chunk in _batched(create):
        model._default_manager.bulk_create(chunk)
    if update and value_field:
        model._default_manager.bulk_update(update, [value_field], batch_size=500)
    stale_ids = [pk for pk, _ in existing.values()]
    for ids in _batched(stale_ids):
        model._default_manager.filter(pk__in=ids).delete()
    result.created, result.updated, result.deleted = len(create), len(update), len(stale_ids)
    return result


def _write_skill_broader(plan: Plan) -> TableResult:
    files = plan.of_kind("broader_skill_relations")
    if not files:
        return TableResult()
    skills, groups = _uri_map(Skill), _uri_map(SkillGroup)
    to_skill: dict[tuple[int, int], str] = {}
    to_group: dict[tuple[int, int], str] = {}
    unresolved = 0
    for data_file in files:
        for rel in esco_files.iter_broader_relations(data_file.path):
            if rel.concept_type == "SkillGroup":
                continue  # the skill-group tree: SkillGroup.parent
            skill = skills.get(rel.uri)
            if rel.broader_type == "SkillGroup":
                group = groups.get(rel.broader_uri)
                if skill is None or group is None:
                    unresolved += 1
                else:
                    to_group[(skill, group)] = ""
            else:
                broader = skills.get(rel.broader_uri)
                if skill is None or broader is None:
                    unresolved += 1
                else:
                    to_skill[(skill, broader)] = ""
    # The two kinds of link share a table; each is synced over its own rows.
    result = _sync_pairs(
        SkillBroader.objects.filter(broader_skill__isnull=False),
        ("skill_id", "broader_skill_id"),
        to_skill,
        None,
    )
    groups_result = _sync_pairs(
        SkillBroader.objects.filter(broader_group__isnull=False),
        ("skill_id", "broader_group_id"),
        to_group,
        None,
    )
    result.created += groups_result.created
    result.deleted += groups_result.deleted
    result.unresolved = unresolved
    return result


def _write_occupation_skills(plan: Plan) -> TableResult:
    files = plan.of_kind("occupation_skill_relations")
    if not files:
        return TableResult()
    occupations, skills = _uri_map(Occupation), _uri_map(Skill)
    wanted: dict[tuple[int, int], str] = {}
    unresolved = 0
    for data_file in files:
        for rel in esco_files.iter_occupation_skill_relations(data_file.path):
            occupation, skill = occupations.get(rel.occupation_uri), skills.get(rel.skill_uri)
            if occupation is None or skill is None:
                unresolved += 1
                continue
            # Essential wins when a pair is listed twice.
            if wanted.get((occupation, skill)) != "essential":
                wanted[(occupation, skill)] = rel.relation
    result = _sync_pairs(
        OccupationSkill.objects.all(), ("occupation_id", "skill_id"), wanted, "relation"
    )
    result.unresolved = unresolved
    return result


def _write_skill_skill(plan: Plan) -> TableResult:
    files = plan.of_kind("skill_skill_relations")
    if not files:
        return TableResult()
    skills = _uri_map(Skill)
    wanted: dict[tuple[int, int], str] = {}
    unresolved = 0
    for data_file in files:
        for rel in esco_files.iter_skill_skill_relations(data_file.path):
            skill, related = skills.get(rel.original_uri), skills.get(rel.related_uri)
            if skill is None or related is None:
                unresolved += 1
                continue
            wanted[(skill, related)] = rel.relation[:20]
    result = _sync_pairs(SkillSkill.objects.all(), ("skill_id", "related_id"), wanted, "relation")
    result.unresolved = unresolved
    return result


# --- labels ----------------------------------------------------------------------------------

_OWNER_MODELS: dict[str, type[Concept]] = {
    "occupation": Occupation,
    "skill": Skill,
    "isco_group": IscoGroup,
    "skill_group": SkillGroup,
}


def _write_labels(collected: _Collected) -> TableResult:
    """Sync the labels of every (concept kind, language) the files cover."""
    result = TableResult()
    if not collected.label_scopes:
        return result
    pk_maps = {owner: _uri_map(model) for owner, model in _OWNER_MODELS.items()}
    names = {
        owner: dict(model._default_manager.values_list("pk", "names").iterator(BATCH))
        for owner, model in _OWNER_MODELS.items()
    }
    wanted: dict[tuple[str, int, str, str], str] = {}
    for (owner, uri, lang, text), kind in collected.labels.items():
        pk = pk_maps[owner].get(uri)
        if pk is None:
            result.unresolved += 1
            continue
        # One preferred label per language: the concept's name; other "preferred" forms
        # (an older MELO export) become alternatives.
        if kind == LabelKind.PREFERRED and names[owner][pk].get(lang) != text:
            kind = LabelKind.ALT
        wanted[(owner, pk, lang, text)] = kind
    scopes: dict[str, list[str]] = defaultdict(list)
    for owner, lang in collected.label_scopes:
        scopes[owner].append(lang)
    existing: dict[tuple[str, int, str, str], tuple[int, str]] = {}
    for owner, langs in scopes.items():
        rows = (
            Label.objects.filter(**{f"{owner}__isnull": False}, lang__in=langs)
            .values_list("pk", f"{owner}_id", "lang", "text", "kind")
            .iterator(BATCH)
        )
        for pk, owner_pk, lang, text, kind in rows:
            existing[(owner, owner_pk, lang, text)] = (pk, kind)
    create: list[Label] = []
    update: list[Label] = []
    for (owner, owner_pk, lang, text), kind in wanted.items():
        old = existing.pop((owner, owner_pk, lang, text), None)
        if old is None:
            create.append(
                Label(
                    **{f"{owner}_id": owner_pk},
                    lang=lang,
                    kind=kind,
                    text=text,
                    search_text=normalise_phrase(text)[:LABEL_MAX],
                )
            )
        elif old[1] != kind:
            update.append(Label(pk=old[0], kind=kind))
    for chunk in _batched(create):
        Label.objects.bulk_create(chunk)
    if update:
        Label.objects.bulk_update(update, ["kind"], batch_size=500)
    stale_ids = [pk for pk, _ in existing.values()]
    for ids in _batched(stale_ids):
        Label.objects.filter(pk__in=ids).delete()
    result.created, result.updated, result.deleted = len(create), len(update), len(stale_ids)
    return result
