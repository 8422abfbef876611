"""Fit the occupation reranker's coefficients (``matching/data/rerank_coefficients.json``).

    python -m bench.train_ranker [--data PATH] [--depth 20] [--write]

Training data: the seeded *dev* halves of the four MELO real-title sets (``melo_dev``), pooled;
the *test* halves are only scored. For every query the first stage's best ``depth`` concepts
get the features of :mod:`springboard.matching.rerank`; the model is a linear listwise
softmax regression (each query's gold concepts against its candidates, queries weighted
equally, L2 penalty), fitted with scipy's L-BFGS on standardised features and written back
in raw feature units. One model for every language: nothing here depends on the set.
The reference data is read from a path and never written anywhere.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from bench.p1_occupation_ranking import isco_codes, split_halves
from springboard.matching.esco_files import melo_sets_from_dir
from springboard.matching.ranker import OccupationRanker
from springboard.matching.rerank import COEFFICIENTS_FILE, DEFAULT_DEPTH, FEATURES, RerankModel

OUT = Path(__file__).resolve().parent.parent / "springboard" / "matching" / "data"
L2 = 1.0

Query = tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_], int]
"""(features of the candidates, which are gold, first-stage rank of the gold or 0)."""


def collect(data: Path, depth: int) -> dict[str, dict[str, list[Query]]]:
    """Per set and split ("dev"/"test"), the candidates' features of every query."""
    out: dict[str, dict[str, list[Query]]] = {}
    codes = isco_codes(data)
    for melo in melo_sets_from_dir(data / "melo_dev"):
        ranker = OccupationRanker(melo.labels, occupations_only=False, concept_codes=codes)
        queries = [(qid, title) for qid, title in melo.queries if qid in melo.gold]
        dev_ids, _ = split_halves([qid for qid, _ in queries])
        uri_index = {u: i for i, u in enumerate(ranker.uris)}
        split: dict[str, list[Query]] = {"dev": [], "test": []}
        for qid, title in queries:
            gold = {uri_index[u] for u in melo.gold[qid] if u in uri_index}
            cands, feats = ranker.candidate_features(title, melo.query_lang, depth)
            is_gold = np.isin(cands, list(gold))
            split["dev" if qid in dev_ids else "test"].append((feats, is_gold, 0))
        out[melo.name] = split
        print(f"{melo.name}: {len(queries)} queries", file=sys.stderr)
    return out


def mrr(queries: list[Query], weights: npt.NDArray[np.float64] | None, column: int = 0) -> float:
    """MRR within the candidate lists (a gold concept outside them counts 0)."""
    total = 0.0
    for feats, gold, _ in queries:
        if not gold.any():
            continue
        scores = feats[:, column] if weights is None else feats.astype(np.float64) @ weights
        # Rank of the best gold candidate, ties broken pessimistically.
        best = scores[gold].max()
        total += 1.0 / (1 + int(np.count_nonzero(scores[~gold] >= best)))
    return total / max(len(queries), 1)


def fit(queries: list[Query], l2: float = L2) -> npt.NDArray[np.float64]:
    """Listwise softmax regression (the gold concepts' share of a softmax over each query's
    candidates, maximised; L2 penalty); returns weights in raw feature units.

    Measured on the dev halves, this beat a pairwise logistic loss (gold vs every other
    candidate), which spends its effort on queries whose gold is far down the list."""
    kept = [q for q in queries if q[1].any()]
    x = np.vstack([f for f, _, _ in kept]).astype(np.float64)
    gold = np.concatenate([g for _, g, _ in kept]).astype(np.float64)
    sizes = np.array([len(f) for f, _, _ in kept])
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    xs = (x - x.mean(axis=0)) / scale
    n_queries = len(kept)

    def loss(w: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        s = xs @ w
        e = np.exp(s - np.repeat(np.maximum.reduceat(s, starts), sizes))
        p = e / np.repeat(np.add.reduceat(e, starts), sizes)
        p_gold = np.add.reduceat(p * gold, starts) + 1e-12
        value = -float(np.log(p_gold).sum()) / n_queries + 0.5 * l2 * float(w @ w) / n_queries
        q = p * gold / np.repeat(p_gold, sizes)
        grad = (xs.T @ (p - q)) / n_queries + l2 * w / n_queries
        return value, grad

    result = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B")
    # Centring shifts every candidate of a query alike, so the raw weights rank the same.
    return np.asarray(result.x / scale, dtype=np.float64)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--depth", type=int, default=DEFAULT_DEPTH)
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--write", action="store_true", help="write the coefficients file")
    args = parser.parse_args(argv)
    data = args.data or Path(
        os.environ.get("SPRINGBOARD_REFERENCE_DATA")
        or Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    )
    sets = collect(data, args.depth)
    train = [q for split in sets.values() for q in split["dev"]]
    weights = fit(train, args.l2)
    report = {}
    for name, split in sets.items():
        report[name] = {
            part: {
                "first_stage": round(mrr(split[part], None, FEATURES.index("first")), 4),
                "char_only": round(mrr(split[part], None, FEATURES.index("char")), 4),
                "reranked": round(mrr(split[part], weights), 4),
            }
            for part in ("dev", "test")
        }
    print(json.dumps(report, indent=1))
    print(dict(zip(FEATURES, np.round(weights, 4).tolist(), strict=True)))
    if args.write:
        model = RerankModel(
            weights,
            args.depth,
            {
                "trained_on": "dev halves (seed 20240601) of melo_dev aut_q_de_c_de, "
                "deu_q_de_c_de, fra_q_fr_c_fr, swe_q_sv_c_sv, pooled",
                "method": "listwise softmax regression, L-BFGS, L2 "
                f"{args.l2} on standardised features; script bench/train_ranker.py",
                "mrr_within_candidates": report,
            },
        )
        OUT.mkdir(exist_ok=True)
        (OUT / COEFFICIENTS_FILE).write_text(json.dumps(model.to_dict(), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
