"""Streaming readers for the official ESCO CSV download (v1.1.x, v1.2.x) and the MELO label TSVs.

Readers yield plain frozen dataclasses one row at a time, so a full import never needs the
whole file in memory and the Django import can batch rows as it likes. Columns are looked up
by header name, which is what differs between ESCO versions (v1.1 relation files have no
language suffix, ISCO group files have no ``hiddenLabels``, collections add
``broaderConceptUri`` …); missing columns read as empty strings.

File kinds are recognised from the file name with or without a language suffix
(``occupations_en.csv``, ``occupationSkillRelations.csv``, ``broaderRelationsOccPillar_en.csv``)
and the language from that suffix, with ``no`` mapped to ``nb``.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple

from .textnorm import normalise_lang

LabelKind = Literal["preferred", "alt", "hidden"]
RelationType = Literal["essential", "optional"]

OCCUPATION_MARKER = "/occupation/"

# ESCO descriptions can exceed the csv module's default 128 KiB field limit.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class Label(NamedTuple):
    """One surface form of a concept: the unit the ranker and extractor index."""

    uri: str
    label: str
    lang: str
    kind: LabelKind


@dataclass(frozen=True, slots=True)
class Concept:
    """An occupation, skill, ISCO group or skill group from an ESCO concept file."""

    kind: str  # "occupation" | "skill" | "isco_group" | "skill_group"
    uri: str
    lang: str
    preferred_label: str
    alt_labels: tuple[str, ...] = ()
    hidden_labels: tuple[str, ...] = ()
    code: str = ""
    isco_group: str = ""
    skill_type: str = ""
    reuse_level: str = ""
    status: str = ""
    modified: str = ""
    description: str = ""

    def labels(self) -> Iterator[Label]:
        """Yield the preferred, alternative and hidden labels as :class:`Label` rows."""
        if self.preferred_label:
            yield Label(self.uri, self.preferred_label, self.lang, "preferred")
        for alt in self.alt_labels:
            yield Label(self.uri, alt, self.lang, "alt")
        for hidden in self.hidden_labels:
            yield Label(self.uri, hidden, self.lang, "hidden")


@dataclass(frozen=True, slots=True)
class OccupationSkillRelation:
    occupation_uri: str
    skill_uri: str
    relation: RelationType
    skill_type: str = ""


@dataclass(frozen=True, slots=True)
class BroaderRelation:
    uri: str
    concept_type: str
    broader_uri: str
    broader_type: str


@dataclass(frozen=True, slots=True)
class SkillSkillRelation:
    original_uri: str
    related_uri: str
    relation: str
    original_type: str = ""
    related_type: str = ""


# --- file discovery ---------------------------------------------------------------------------

FileKind = Literal[
    "occupations",
    "skills",
    "isco_groups",
    "skill_groups",
    "occupation_skill_relations",
    "broader_occupation_relations",
    "broader_skill_relations",
    "skill_skill_relations",
    "melo_corpus",
    "melo_mapping",
]

_CSV_KINDS: dict[str, FileKind] = {
    "occupations": "occupations",
    "skills": "skills",
    "iscogroups": "isco_groups",
    "skillgroups": "skill_groups",
    "occupationskillrelations": "occupation_skill_relations",
    "broaderrelationsoccpillar": "broader_occupation_relations",
    "broaderrelationsskillpillar": "broader_skill_relations",
    "skillskillrelations": "skill_skill_relations",
}
_CSV_NAME = re.compile(r"^(?P<stem>[A-Za-z]+?)(?:_(?P<lang>[A-Za-z]{2,3}(?:-[A-Za-z]+)?))?\.csv$")
_MELO_NAME = re.compile(r"^(?P<stem>corpus_elements|concept_mapping)_(?P<lang>[A-Za-z-]+)\.tsv$")
_VERSION_DIR = re.compile(r"^v?(\d+(?:\.\d+)*)$")


@dataclass(frozen=True, slots=True)
class DataFile:
    """A recognised file: its kind, language ("" when language-neutral) and ESCO version."""

    kind: FileKind
    lang: str
    path: Path
    version: tuple[int, ...] = ()


def classify(path: Path) -> DataFile | None:
    """Recognise an ESCO/MELO file by name; ``None`` for anything else.

    >>> classify(Path("esco/v1.1.1/relations/occupationSkillRelations.csv")).kind
    'occupation_skill_relations'
    >>> classify(Path("corpus_elements_no.tsv")).lang
    'nb'
    """
    version: tuple[int, ...] = ()
    for part in path.parts[:-1]:
        match = _VERSION_DIR.match(part)
        if match:
            version = tuple(int(x) for x in match.group(1).split("."))
    melo = _MELO_NAME.match(path.name)
    if melo:
        kind: FileKind = "melo_corpus" if melo["stem"] == "corpus_elements" else "melo_mapping"
        return DataFile(kind, normalise_lang(melo["lang"]), path, version)
    csv_match = _CSV_NAME.match(path.name)
    if not csv_match:
        return None
    csv_kind = _CSV_KINDS.get(csv_match["stem"].lower())
    if csv_kind is None:
        return None
    return DataFile(csv_kind, normalise_lang(csv_match["lang"]), path, version)


def discover(root: Path | str) -> list[DataFile]:
    """Every recognised file below ``root``, sorted by kind, language and version (newest last)."""
    found = [f for p in sorted(Path(root).rglob("*")) if p.is_file() and (f := classify(p))]
    return sorted(found, key=lambda f: (f.kind, f.lang, f.version, str(f.path)))


def latest(files: Iterable[DataFile], kind: FileKind, lang: str | None = None) -> DataFile | None:
    """The newest file of ``kind`` (and language, when given) among ``files``."""
    wanted = None if lang is None else normalise_lang(lang)
    best: DataFile | None = None
    for f in files:
        matches = f.kind == kind and (wanted is None or f.lang == wanted)
        if matches and (best is None or f.version >= best.version):
            best = f
    return best


def lang_from_filename(path: Path | str) -> str:
    """Language code of an ESCO/MELO file name ("" for language-neutral files)."""
    found = classify(Path(path))
    return found.lang if found else ""


# --- CSV readers ------------------------------------------------------------------------------


def _rows(path: Path | str) -> Iterator[dict[str, str]]:
    # utf-8-sig: some ESCO exports start with a byte-order mark that would corrupt the first
    # header name.
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            yield {k: (v or "") for k, v in row.items() if k is not None}


def split_labels(cell: str) -> tuple[str, ...]:
    """Split an ``altLabels``/``hiddenLabels`` cell (newline separated) into clean labels."""
    seen: dict[str, None] = {}
    for raw in cell.splitlines():
        label = raw.strip().rstrip(";").strip()
        if label:
            seen.setdefault(label, None)
    return tuple(seen)


_CONCEPT_KIND: dict[FileKind, str] = {
    "occupations": "occupation",
    "skills": "skill",
    "isco_groups": "isco_group",
    "skill_groups": "skill_group",
}


def iter_concepts(path: Path | str, lang: str | None = None) -> Iterator[Concept]:
    """Stream the concepts of an occupations/skills/ISCOGroups/skillGroups CSV.

    ``lang`` defaults to the language in the file name.
    """
    info = classify(Path(path))
    if info is None or info.kind not in _CONCEPT_KIND:
        raise ValueError(f"not an ESCO concept file: {path}")
    kind = _CONCEPT_KIND[info.kind]
    code_lang = normalise_lang(lang) if lang else info.lang
    for row in _rows(path):
        uri = row.get("conceptUri", "").strip()
        if not uri:
            continue
        yield Concept(
            kind=kind,
            uri=uri,
            lang=code_lang,
            preferred_label=row.get("preferredLabel", "").strip(),
            alt_labels=split_labels(row.get("altLabels", "")),
            hidden_labels=split_labels(row.get("hiddenLabels", "")),
            code=row.get("code", "").strip(),
            isco_group=row.get("iscoGroup", "").strip(),
            skill_type=row.get("skillType", "").strip(),
            reuse_level=row.get("reuseLevel", "").strip(),
            status=row.get("status", "").strip(),
            modified=row.get("modifiedDate", "").strip(),
            description=row.get("description", "").strip(),
        )


def iter_occupations(path: Path | str, lang: str | None = None) -> Iterator[Concept]:
    """Stream ``occupations_<lang>.csv``."""
    return iter_concepts(path, lang)


def iter_skills(path: Path | str, lang: str | None = None) -> Iterator[Concept]:
    """Stream ``skills_<lang>.csv``."""
    return iter_concepts(path, lang)


def iter_isco_groups(path: Path | str, lang: str | None = None) -> Iterator[Concept]:
    """Stream ``ISCOGroups_<lang>.csv``."""
    return iter_concepts(path, lang)


def iter_skill_groups(path: Path | str, lang: str | None = None) -> Iterator[Concept]:
    """Stream ``skillGroups_<lang>.csv``."""
    return iter_concepts(path, lang)


def iter_occupation_skill_relations(path: Path | str) -> Iterator[OccupationSkillRelation]:
    """Stream ``occupationSkillRelations[_<lang>].csv`` (essential/optional)."""
    for row in _rows(path):
        relation = row.get("relationType", "").strip().lower()
        if relation not in ("essential", "optional"):
            continue
        yield OccupationSkillRelation(
            occupation_uri=row.get("occupationUri", "").strip(),
            skill_uri=row.get("skillUri", "").strip(),
            relation="essential" if relation == "essential" else "optional",
            skill_type=row.get("skillType", "").strip(),
        )


def iter_broader_relations(path: Path | str) -> Iterator[BroaderRelation]:
    """Stream ``broaderRelationsOccPillar``/``broaderRelationsSkillPillar`` files."""
    for row in _rows(path):
        yield BroaderRelation(
            uri=row.get("conceptUri", "").strip(),
            concept_type=row.get("conceptType", "").strip(),
            broader_uri=row.get("broaderUri", "").strip(),
            broader_type=row.get("broaderType", "").strip(),
        )


def occupation_broader_from_dir(root: Path | str) -> list[tuple[str, str]]:
    """``(narrower uri, broader uri)`` of the newest ``broaderRelationsOccPillar`` file of
    each kind below ``root`` (v1.1.x has one without a language suffix, v1.2.x ``_en``),
    without repeats."""
    files = discover(root)
    pairs: dict[tuple[str, str], None] = {}
    for lang in sorted({f.lang for f in files if f.kind == "broader_occupation_relations"}):
        newest = latest(files, "broader_occupation_relations", lang)
        if newest is not None:
            for relation in iter_broader_relations(newest.path):
                if relation.uri and relation.broader_uri:
                    pairs[(relation.uri, relation.broader_uri)] = None
    return list(pairs)


def iter_skill_skill_relations(path: Path | str) -> Iterator[SkillSkillRelation]:
    """Stream ``skillSkillRelations[_<lang>].csv``."""
    for row in _rows(path):
        yield SkillSkillRelation(
            original_uri=row.get("originalSkillUri", "").strip(),
            related_uri=row.get("relatedSkillUri", "").strip(),
            relation=row.get("relationType", "").strip(),
            original_type=row.get("originalSkillType", "").strip(),
            related_type=row.get("relatedSkillType", "").strip(),
        )


# --- MELO label TSVs --------------------------------------------------------------------------


def _tsv_pairs(path: Path | str) -> Iterator[tuple[str, str]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            key, sep, value = line.rstrip("\n").partition("\t")
            if sep and key:
                yield key, value.strip()


def iter_melo_labels(
    corpus_path: Path | str,
    mapping_path: Path | str,
    lang: str | None = None,
    *,
    occupations_only: bool = False,
) -> Iterator[Label]:
    """Join MELO ``corpus_elements_<lang>.tsv`` (id → label) with ``concept_mapping`` (id → URI).

    Element ids look like ``C000621_da_003``: the trailing counter ``000`` is the concept's
    preferred label, the others its alternative labels. The mapping file is read fully (it is
    small: one line per label); the corpus is streamed.
    """
    code = normalise_lang(lang) if lang else lang_from_filename(corpus_path)
    uri_of = dict(_tsv_pairs(mapping_path))
    for element_id, label in _tsv_pairs(corpus_path):
        uri = uri_of.get(element_id)
        if not uri or not label:
            continue
        if occupations_only and OCCUPATION_MARKER not in uri:
            continue
        kind: LabelKind = "preferred" if element_id.endswith("_000") else "alt"
        yield Label(uri, label, code, kind)


# --- convenience loaders for a reference-data directory ---------------------------------------


def occupation_labels_from_dir(
    root: Path | str, langs: Iterable[str] | None = None
) -> Iterator[Label]:
    """All occupation labels below ``root``: newest ESCO occupations CSV per language plus MELO.

    Duplicates (same URI, language and label text) are dropped, keeping the strongest kind.
    """
    files = discover(root)
    wanted = {normalise_lang(x) for x in langs} if langs else None
    best: dict[tuple[str, str, str], Label] = {}
    rank = {"preferred": 0, "alt": 1, "hidden": 2}

    def keep(label: Label) -> None:
        key = (label.uri, label.lang, label.label.casefold())
        old = best.get(key)
        if old is None or rank[label.kind] < rank[old.kind]:
            best[key] = label

    csv_langs = {f.lang for f in files if f.kind == "occupations"}
    for code in sorted(csv_langs):
        if wanted is not None and code not in wanted:
            continue
        newest = latest(files, "occupations", code)
        if newest is not None:
            for concept in iter_occupations(newest.path):
                for label in concept.labels():
                    keep(label)
    melo_langs = {f.lang for f in files if f.kind == "melo_corpus"}
    for code in sorted(melo_langs):
        if wanted is not None and code not in wanted:
            continue
        corpus, mapping = latest(files, "melo_corpus", code), latest(files, "melo_mapping", code)
        if corpus is not None and mapping is not None:
            for label in iter_melo_labels(corpus.path, mapping.path, occupations_only=True):
                keep(label)
    return iter(best.values())


def skill_labels_from_dir(root: Path | str) -> Iterator[Label]:
    """Labels of every ``skills_<lang>.csv`` below ``root`` (newest version per language)."""
    files = discover(root)
    for code in sorted({f.lang for f in files if f.kind == "skills"}):
        newest = latest(files, "skills", code)
        if newest is not None:
            for concept in iter_skills(newest.path):
                yield from concept.labels()


def occupation_skill_relations_from_dir(root: Path | str) -> Iterator[OccupationSkillRelation]:
    """Relations from the newest ``occupationSkillRelations`` file below ``root``."""
    files = discover(root)
    newest = latest(files, "occupation_skill_relations")
    if newest is not None:
        yield from iter_occupation_skill_relations(newest.path)


# --- MELO benchmark sets (queries + qrels), e.g. ``melo_dev/swe_q_sv_c_sv/`` -----------------

_MELO_SET_NAME = re.compile(r"^[a-z]+_q_(?P<q>[a-z]+)_c_(?P<c>[a-z]+)$")


@dataclass(frozen=True, slots=True)
class MeloSet:
    """One MELO evaluation set: labels of the corpus, queries and gold concept URIs.

    ``labels`` cover occupations *and* ISCO groups (MELO ranks both); ``gold`` maps a query
    id to the set of relevant concept URIs (the qrels joined with ``concept_mapping.tsv``).
    """

    name: str
    lang: str  # language of the corpus labels
    query_lang: str
    labels: tuple[Label, ...]
    queries: tuple[tuple[str, str], ...]  # (qid, title)
    gold: dict[str, frozenset[str]]


def read_melo_set(folder: Path | str) -> MeloSet:
    """Read a MELO set folder (``queries.tsv``, ``corpus_elements.tsv``,
    ``concept_mapping.tsv``, ``annotations.tsv``). The languages come from the folder name
    (``<country>_q_<query lang>_c_<corpus lang>``); element ids ending in ``_000`` are
    preferred labels, the others alternative labels."""
    root = Path(folder)
    match = _MELO_SET_NAME.match(root.name)
    lang = normalise_lang(match["c"]) if match else ""
    query_lang = normalise_lang(match["q"]) if match else lang
    uri_of = dict(_tsv_pairs(root / "concept_mapping.tsv"))
    labels = []
    for element_id, text in _tsv_pairs(root / "corpus_elements.tsv"):
        uri = uri_of.get(element_id)
        if uri and text:
            kind: LabelKind = "preferred" if element_id.endswith("_000") else "alt"
            labels.append(Label(uri, text, lang, kind))
    gold: dict[str, set[str]] = {}
    with open(root / "annotations.tsv", encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 4 and parts[3] != "0" and parts[2] in uri_of:
                gold.setdefault(parts[0], set()).add(uri_of[parts[2]])
    queries = tuple((qid, title) for qid, title in _tsv_pairs(root / "queries.tsv") if title)
    return MeloSet(
        root.name,
        lang,
        query_lang,
        tuple(labels),
        queries,
        {qid: frozenset(uris) for qid, uris in gold.items()},
    )


def melo_sets_from_dir(root: Path | str) -> list[MeloSet]:
    """Every MELO set folder directly below ``root`` (sorted by name)."""
    base = Path(root)
    if not base.is_dir():
        return []
    return [
        read_melo_set(p)
        for p in sorted(base.iterdir())
        if p.is_dir() and _MELO_SET_NAME.match(p.name) and (p / "queries.tsv").is_file()
    ]
