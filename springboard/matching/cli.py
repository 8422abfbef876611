"""Pure functions behind the Django management commands (and the benchmarks).

They take already-built matchers plus paths or open text streams, so a management command is
only argument parsing plus one call, and tests need neither Django nor files on disk.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from . import esco_files
from .engine import MatchingEngine
from .extractor import SkillExtractor
from .ranker import DEFAULT_TOP, OccupationRanker

PathOrStream = str | Path | IO[str]


@contextlib.contextmanager
def _open(target: PathOrStream, mode: str) -> Iterator[IO[str]]:
    if isinstance(target, str | Path):
        with open(target, mode, encoding="utf-8", newline="" if "w" in mode else None) as fh:
            yield fh
    else:
        yield target


def read_queries(in_file: PathOrStream) -> list[tuple[str, str]]:
    """Read ``qid<TAB>title`` lines (a line without a tab gets its line number as qid).

    Blank lines are skipped; the qid must not contain whitespace (TREC run format).
    """
    queries: list[tuple[str, str]] = []
    with _open(in_file, "r") as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            qid, sep, title = line.partition("\t")
            if not sep:
                qid, title = str(number), line
            queries.append(("_".join(qid.split()) or str(number), title.strip()))
    return queries


def rank_titles_to_trec(
    ranker: OccupationRanker,
    lang: str | None,
    in_file: PathOrStream,
    out_file: PathOrStream,
    top: int = DEFAULT_TOP,
    run_name: str = "springboard",
) -> int:
    """Rank every title of ``in_file`` and write a TREC run; returns the number of queries.

    Output lines: ``qid Q0 <occupation URI> <rank> <score> <run_name>`` (rank from 1, at most
    ``top`` per query; default 100, the usual depth for MRR/recall@k evaluation such as the
    MELO benchmark's). Titles are ranked in batches (one sparse product per 256 titles).
    """
    if top < 1:
        raise ValueError("top must be at least 1")
    run = "_".join(run_name.split()) or "springboard"
    queries = read_queries(in_file)
    results = ranker.rank_batch([title for _, title in queries], lang, top)
    with _open(out_file, "w") as out:
        for (qid, _), ranked in zip(queries, results, strict=True):
            for rank, (uri, score) in enumerate(ranked, start=1):
                out.write(f"{qid} Q0 {uri} {rank} {score:.6f} {run}\n")
    return len(queries)


TSV_HEADER = "doc_id\tstart\tend\tskill_uri\tscore\tkind\tlabel\ttext\n"


def _clean(value: str) -> str:
    # A tab or newline inside a field would break the TSV.
    return " ".join(value.split())


def extract_skills_to_tsv(
    extractor: SkillExtractor,
    in_file: PathOrStream,
    out_file: PathOrStream,
    lang: str | None = None,
    *,
    per_line: bool = False,
    doc_id: str = "doc",
) -> int:
    """Extract skills and write one TSV row per match; returns the number of matches.

    By default the whole input is one document called ``doc_id``. With ``per_line`` every
    line is a document ``<doc id><TAB><text>`` (a line without a tab gets its line number).
    Offsets are character offsets into the document text. Columns: see :data:`TSV_HEADER`.
    """
    if per_line:
        documents = read_queries(in_file)
    else:
        with _open(in_file, "r") as fh:
            documents = [(doc_id, fh.read())]
    count = 0
    with _open(out_file, "w") as out:
        out.write(TSV_HEADER)
        for name, text in documents:
            for m in extractor.extract(text, lang):
                out.write(
                    f"{name}\t{m.start}\t{m.end}\t{m.uri}\t{m.score:.3f}\t{m.kind}"
                    f"\t{_clean(m.label)}\t{_clean(m.text)}\n"
                )
                count += 1
    return count


# --- building matchers straight from an ESCO/MELO download (benchmarks, ad-hoc use) ----------


def build_ranker_from_files(
    root: Path | str, langs: tuple[str, ...] | None = None, version: str = ""
) -> OccupationRanker:
    """Occupation ranker over every ESCO occupations CSV and MELO TSV below ``root``, with
    the occupations' ISCO-08 codes (``iscoGroup`` of the newest occupations CSV) and ESCO's
    broader relations for the reranker's hierarchy features."""
    codes: dict[str, str] = {}
    files = esco_files.discover(root)
    for lang in sorted({f.lang for f in files if f.kind == "occupations"}):
        newest = esco_files.latest(files, "occupations", lang)
        if newest is not None:
            for concept in esco_files.iter_occupations(newest.path):
                if concept.isco_group:
                    codes.setdefault(concept.uri, concept.isco_group)
    return OccupationRanker(
        esco_files.occupation_labels_from_dir(root, langs),
        concept_codes=codes,
        broader=esco_files.occupation_broader_from_dir(root),
        version=version,
    )


def build_extractor_from_files(root: Path | str, version: str = "") -> SkillExtractor:
    """Skill extractor over every ``skills_<lang>.csv`` below ``root``."""
    return SkillExtractor(esco_files.skill_labels_from_dir(root), version=version)


def build_engine_from_files(root: Path | str, version: str = "") -> MatchingEngine:
    """Matching engine over the newest ``occupationSkillRelations`` file below ``root``."""
    relations = (
        (r.occupation_uri, r.skill_uri, r.relation)
        for r in esco_files.occupation_skill_relations_from_dir(root)
    )
    return MatchingEngine.from_relations(relations, version=version)
