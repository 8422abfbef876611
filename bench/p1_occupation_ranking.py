"""P1: job title → ESCO occupation ranking (en, nl, da, nb).

Speed: p50/p95 of single queries and titles/s in batch over every occupation label of the
reference data (ESCO CSV en/nl + MELO en/nl/da/no), against a plain word TF-IDF baseline
in the same run.

Quality (``bench/results/P1_devset.json``): per language a seeded sample of alternative
labels is held out, removed from the index (in every language, so the same string cannot
leak back in) and used as queries; MRR and recall@10 of ours and of the baseline on the
same split. Held-out titles get realistic noise (see :func:`noisy`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from bench.common import Row, percentile, row, time_each, write_json
from springboard.matching.esco_files import Label, occupation_labels_from_dir
from springboard.matching.ranker import OccupationRanker, Ranked, WordTfidfBaseline
from springboard.matching.textnorm import normalise_phrase

ID = "P1"
LANGS = ("en", "nl", "da", "nb")
SEED = 20240601

_DECORATION = {"en": " (m/f/d)", "nl": " (m/v)", "da": " (m/k)", "nb": " (m/k)"}
_ASCII_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "é": "e", "ë": "e", "ï": "i"})


class Query(NamedTuple):
    qid: str
    text: str
    lang: str
    uri: str
    noise: str


def noisy(title: str, lang: str, rng: random.Random) -> tuple[str, str]:
    """Make a held-out label look like user input; returns (text, kind of noise).

    40 % unchanged; 20 % one typo (deletion, swap or substitution inside a word of 4+
    letters); 20 % HR-export style (upper case or "Senior " prefix, plus the gender
    decoration common in that language's job ads, e.g. "(m/v)"); 20 % typed without
    Nordic/Dutch diacritics (æ → ae, ø → o, å → aa, é → e) or all lower case.
    """
    draw = rng.random()
    if draw < 0.4:
        return title, "clean"
    if draw < 0.6:
        words = title.split()
        long_words = [i for i, w in enumerate(words) if len(w) >= 4]
        if not long_words:
            return title, "clean"
        i = rng.choice(long_words)
        w = words[i]
        p = rng.randrange(1, len(w) - 1)
        op = rng.choice(("delete", "swap", "substitute"))
        if op == "delete":
            w = w[:p] + w[p + 1 :]
        elif op == "swap":
            w = w[: p - 1] + w[p] + w[p - 1] + w[p + 1 :]
        else:
            w = w[:p] + rng.choice("aeiourstnl") + w[p + 1 :]
        words[i] = w
        return " ".join(words), "typo"
    if draw < 0.8:
        base = title.upper() if rng.random() < 0.5 else "Senior " + title
        return base + _DECORATION.get(lang, ""), "hr-format"
    folded = title.translate(_ASCII_FOLD)
    return (folded, "ascii") if folded != title else (title.lower(), "lowercase")


def holdout_split(
    labels: Sequence[Label], per_lang: int, seed: int = SEED
) -> tuple[list[Label], list[Query]]:
    """Split labels into (index labels, held-out queries) without leakage.

    Candidates are alternative labels whose normalised text belongs to exactly one
    occupation (an ambiguous title has no single right answer) and whose occupation keeps
    at least one other label in that language. At most one query per occupation and language.
    Every label with the same occupation and normalised text is removed from the index in
    *all* languages.
    """
    rng = random.Random(seed)
    owners: dict[str, set[str]] = {}
    per_occ_lang: dict[tuple[str, str], int] = {}
    for lab in labels:
        owners.setdefault(normalise_phrase(lab.label), set()).add(lab.uri)
        per_occ_lang[(lab.uri, lab.lang)] = per_occ_lang.get((lab.uri, lab.lang), 0) + 1
    queries: list[Query] = []
    held: set[tuple[str, str]] = set()
    for lang in LANGS:
        candidates = [
            lab
            for lab in labels
            if lab.lang == lang
            and lab.kind == "alt"
            and len(owners[normalise_phrase(lab.label)]) == 1
            and per_occ_lang[(lab.uri, lang)] >= 2
        ]
        rng.shuffle(candidates)
        used: set[str] = set()
        for lab in candidates:
            if len(used) >= per_lang:
                break
            if lab.uri in used:
                continue
            used.add(lab.uri)
            text, kind = noisy(lab.label, lang, rng)
            queries.append(Query(f"{lang}-{len(used)}", text, lang, lab.uri, kind))
            held.add((lab.uri, normalise_phrase(lab.label)))
    index = [lab for lab in labels if (lab.uri, normalise_phrase(lab.label)) not in held]
    return index, queries


def evaluate(results: Sequence[Sequence[Ranked]], queries: Sequence[Query]) -> dict[str, float]:
    """MRR (reciprocal rank of the one relevant occupation, 0 if not in the list) and R@10."""
    rr = []
    hit10 = 0
    for ranked, query in zip(results, queries, strict=True):
        uris = [r.uri for r in ranked]
        rank = uris.index(query.uri) + 1 if query.uri in uris else 0
        rr.append(1.0 / rank if rank else 0.0)
        hit10 += 1 if 0 < rank <= 10 else 0
    n = max(len(queries), 1)
    return {"mrr": sum(rr) / n, "recall_at_10": hit10 / n}


def devset(labels: list[Label], per_lang: int) -> dict[str, dict[str, float]]:
    index, queries = holdout_split(labels, per_lang)
    ours = OccupationRanker(index)
    base = WordTfidfBaseline(index)
    report: dict[str, dict[str, float]] = {}
    for lang in LANGS:
        qs = [q for q in queries if q.lang == lang]
        titles = [q.text for q in qs]
        mine = evaluate(ours.rank_batch(titles, lang, 100), qs)
        theirs = evaluate(base.rank_batch(titles, lang, 100), qs)
        report[lang] = {
            "n_queries": len(qs),
            "mrr_ours": round(mine["mrr"], 4),
            "mrr_baseline": round(theirs["mrr"], 4),
            "recall_at_10_ours": round(mine["recall_at_10"], 4),
            "recall_at_10_baseline": round(theirs["recall_at_10"], 4),
        }
    return report


def run(data: Path | None, quick: bool = False) -> list[Row]:
    if data is None:
        return [row(ID, "skipped: no reference data", 0, note="needs ESCO/MELO labels")]
    labels = list(occupation_labels_from_dir(data))
    start = time.perf_counter()
    ours = OccupationRanker(labels)
    build_s = time.perf_counter() - start
    base = WordTfidfBaseline(labels)
    rng = random.Random(SEED)
    n_single, n_batch = (300, 2000) if quick else (2000, 10000)
    sample = [rng.choice(labels) for _ in range(n_batch)]
    titles = [noisy(lab.label, lab.lang, rng)[0] for lab in sample]
    single = [(t, lab.lang) for t, lab in zip(titles[:n_single], sample, strict=False)]
    ours_t = time_each(lambda q: ours.rank(q[0], q[1], 10), single)
    base_t = time_each(lambda q: base.rank(q[0], q[1], 10), single)
    by_lang: dict[str, list[str]] = {}
    for t, lab in zip(titles, sample, strict=True):
        by_lang.setdefault(lab.lang, []).append(t)

    def batch_rate(ranker: OccupationRanker | WordTfidfBaseline) -> float:
        begin = time.perf_counter()
        for lang, ts in by_lang.items():
            ranker.rank_batch(ts, lang, 10)
        return len(titles) / (time.perf_counter() - begin)

    ours_rate, base_rate = batch_rate(ours), batch_rate(base)
    size = f"{len(ours.uris)} occupations, {ours.n_labels} labels, {len(ours.langs)} languages"
    rows = [
        row(
            ID,
            "single query p95 ms",
            1e3 * percentile(ours_t, 95),
            baseline=1e3 * percentile(base_t, 95),
            at_most=2.0,
            higher_is_better=False,
            note=size,
        ),
        row(
            ID,
            "single query p50 ms",
            1e3 * percentile(ours_t, 50),
            baseline=1e3 * percentile(base_t, 50),
            higher_is_better=False,
        ),
        row(ID, "batch titles/s", ours_rate, baseline=base_rate, at_least=1000),
        row(ID, "index build s", build_s, note="once per process"),
    ]
    report = devset(labels, 150 if quick else 500)
    write_json("P1_devset.json", {"id": "P1_devset", "seed": SEED, "languages": report})
    for lang, r in report.items():
        rows.append(
            row(
                ID,
                f"dev-set MRR {lang} (n={r['n_queries']:g})",
                r["mrr_ours"],
                baseline=r["mrr_baseline"],
                ratio_at_least=1.0000001,
                note=f"R@10 {r['recall_at_10_ours']} vs {r['recall_at_10_baseline']}",
            )
        )
    return rows
