"""P2: free text → ESCO skills, MB/s of the whole pipeline vs flashtext in the same run.

Corpus: the job-description sentences (Green et al. 2022) shuffled and repeated to a few MB,
with a random skill label inserted every ~10 sentences ("Experience with <label>."), so the
text is dense in skills like real vacancies. Both extractors index the same labels (every
label of every ``skills_<lang>.csv``). Ours is timed warm (the token cache of a long-running
worker), median of 5 runs; the cold first run is reported as information.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from bench.common import Row, best_of, job_sentences, row
from springboard.matching.esco_files import skill_labels_from_dir
from springboard.matching.extractor import SkillExtractor

ID = "P2"
SEED = 7


def corpus(data: Path, megabytes: float, labels: list[str]) -> str:
    """Shuffled job-ad sentences plus label insertions, about ``megabytes`` MB."""
    rng = random.Random(SEED)
    sentences = job_sentences(data)
    parts: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        if rng.random() < 0.1:
            sentence = f"Experience with {rng.choice(labels)}."
        else:
            sentence = rng.choice(sentences)
        parts.append(sentence)
        size += len(sentence) + 1
    return "\n".join(parts)


def run(data: Path | None, quick: bool = False) -> list[Row]:
    if data is None:
        return [row(ID, "skipped: no reference data", 0, note="needs skills_<lang>.csv")]
    from flashtext import KeywordProcessor  # dev dependency: only the benchmark needs it

    labels = list(skill_labels_from_dir(data))
    text = corpus(data, 1.0 if quick else 4.0, [lab.label for lab in labels])
    megabytes = len(text.encode("utf-8")) / 1e6
    start = time.perf_counter()
    ours = SkillExtractor(labels)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    n_matches = len(ours.extract(text, "en"))
    cold = megabytes / (time.perf_counter() - start)
    warm = megabytes / best_of(lambda: ours.extract(text, "en"), repeat=5)
    keywords = KeywordProcessor()
    for lab in labels:
        keywords.add_keyword(lab.label, lab.uri)
    n_flash = len(keywords.extract_keywords(text, span_info=True))
    flash = megabytes / best_of(lambda: keywords.extract_keywords(text, span_info=True), repeat=3)
    note = (
        f"{megabytes:.1f} MB, {len(labels)} labels, matches ours {n_matches} / flashtext {n_flash}"
    )
    return [
        row(
            ID,
            "MB/s (warm, whole pipeline)",
            warm,
            baseline=flash,
            at_least=20.0,
            ratio_at_least=5.0,
            note=note,
        ),
        row(ID, "MB/s (cold first run)", cold, baseline=flash),
        row(ID, "index build s", build_s, note="once per process"),
    ]
