"""Matching engine: candidate skills (+ RIASEC code, preferences) → occupations and vacancies.

The engine is built once per process from plain arrays (occupation URIs, skill URIs and the
essential/optional relations) and is read-only afterwards, so web and worker processes can
each hold one and swap it when :attr:`MatchingEngine.version` differs from the taxonomy
version stored in the database.

Scoring (see ``docs/matching.md``):

* Occupation profile: weight ``w_os = relation_weight x idf_s`` (essential 1.0, optional 0.5;
  ``idf_s = log(1 + N_occ / occupations_using_s)``, so "communication" counts less than
  "phlebotomy"), each row L2-normalised.
* Candidate vector: ``c_s = confidence_s x idf_s``, L2-normalised. The score is the cosine
  ``c · w_o``: it rewards covering an occupation's (rare, essential) skills and does not let
  occupations with very few skills win on coverage alone.
* With a RIASEC code for both sides, ``score = (1-λ)·cosine + λ·riasec_similarity``.
* Preferences multiply (preferred ISCO groups) or remove (excluded occupations) results.

Candidate → occupations is a gather over the skill x occupation postings plus ``np.bincount``;
candidate → vacancies the same over a skill x vacancy index, so cost grows with the postings of
the candidate's skills, not with the number of vacancies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

ESSENTIAL_WEIGHT = 1.0
OPTIONAL_WEIGHT = 0.5
RIASEC_LETTERS = "RIASEC"
_RIASEC_POSITION_WEIGHTS = (3.0, 2.0, 1.0)

SkillInput = Mapping[str, float] | Iterable[str]
"""Candidate skills: URIs, or URI → confidence in (0, 1] (e.g. extractor scores)."""


@dataclass(frozen=True, slots=True)
class Preferences:
    """What the candidate wants, applied after skill scoring."""

    exclude_occupations: frozenset[str] = frozenset()
    prefer_isco_prefixes: tuple[str, ...] = ()  # e.g. ("25",) for ICT professionals
    prefer_boost: float = 1.15
    riasec_weight: float = 0.2


@dataclass(frozen=True, slots=True)
class OccupationMatch:
    """One ranked occupation with the explanation shown to candidate and coach."""

    uri: str
    score: float
    matched_essential: tuple[str, ...]
    matched_optional: tuple[str, ...]
    missing_essential: tuple[str, ...]  # the gap list: most widely required skills first
    share_covered: float  # matched essential / all essential (optional when none essential)
    riasec_similarity: float | None = None


class VacancyHit(NamedTuple):
    vacancy_id: str
    score: float


def riasec_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two Holland codes (up to three letters, order matters).

    Shared letters score the product of their positional weights (3, 2, 1), normalised by
    the score of identical codes: "SEC" vs "SEC" → 1.0, "SEC" vs "ESC" → 13/14, "SEC" vs
    "RIA" → 0.
    """
    a, b = a.upper()[:3], b.upper()[:3]
    if not a or not b:
        return 0.0
    pos_b = {letter: i for i, letter in enumerate(b)}
    shared = sum(
        _RIASEC_POSITION_WEIGHTS[i] * _RIASEC_POSITION_WEIGHTS[pos_b[letter]]
        for i, letter in enumerate(a)
        if letter in pos_b
    )
    best = sum(w * w for w in _RIASEC_POSITION_WEIGHTS[: min(len(a), len(b))])
    return shared / best


def _gather(
    postings: sp.csr_matrix, rows: npt.NDArray[np.intp], weights: npt.NDArray[np.float32]
) -> npt.NDArray[np.float64]:
    """``weights @ postings[rows]`` as a dense vector, without building a sliced matrix."""
    starts = postings.indptr[rows]
    lengths = postings.indptr[rows + 1] - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(postings.shape[1])
    offsets = np.repeat(starts - np.cumsum(np.r_[0, lengths[:-1]]), lengths)
    positions = np.arange(total) + offsets
    return np.bincount(
        postings.indices[positions],
        weights=postings.data[positions] * np.repeat(weights, lengths),
        minlength=postings.shape[1],
    )


def _top_k(scores: npt.NDArray[np.floating], k: int) -> npt.NDArray[np.intp]:
    k = min(k, int(np.count_nonzero(scores > 0)))
    if k <= 0:
        return np.zeros(0, dtype=np.intp)
    best = np.argpartition(-scores, k - 1)[:k]
    return best[np.argsort(-scores[best], kind="stable")]


def _normalise_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


@dataclass
class MatchingEngine:
    """Occupation and vacancy matching over ESCO skills, built from plain arrays.

    :param occupation_uris: one entry per occupation (row order of the relation arrays).
    :param skill_uris: one entry per skill.
    :param rel_occupation: occupation index of each relation.
    :param rel_skill: skill index of each relation.
    :param rel_essential: ``True`` for essential, ``False`` for optional relations.
    :param version: taxonomy version this engine was built from.
    :param occupation_riasec: optional Holland code per occupation URI (e.g. "SEC").
    :param occupation_isco: optional ISCO code per occupation URI (for preferences).
    """

    occupation_uris: Sequence[str]
    skill_uris: Sequence[str]
    rel_occupation: npt.NDArray[np.intp]
    rel_skill: npt.NDArray[np.intp]
    rel_essential: npt.NDArray[np.bool_]
    version: str = ""
    occupation_riasec: Mapping[str, str] = field(default_factory=dict)
    occupation_isco: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n_occ, n_skill = len(self.occupation_uris), len(self.skill_uris)
        occ = np.asarray(self.rel_occupation, dtype=np.intp)
        skill = np.asarray(self.rel_skill, dtype=np.intp)
        essential = np.asarray(self.rel_essential, dtype=np.bool_)
        self._skill_index = {u: i for i, u in enumerate(self.skill_uris)}
        self._occ_index = {u: i for i, u in enumerate(self.occupation_uris)}
        users = np.bincount(skill, minlength=n_skill)
        self.idf = np.log1p(n_occ / np.maximum(users, 1)).astype(np.float32)
        relation_weight = np.where(essential, ESSENTIAL_WEIGHT, OPTIONAL_WEIGHT)
        weights = sp.csr_matrix(
            ((relation_weight * self.idf[skill]).astype(np.float32), (occ, skill)),
            shape=(n_occ, n_skill),
        )
        weights.sum_duplicates()
        self._profiles = _normalise_rows(weights)
        self._postings = self._profiles.T.tocsr()  # skill → occupations
        ess = sp.csr_matrix(
            (np.ones(int(essential.sum()), np.int8), (occ[essential], skill[essential])),
            shape=(n_occ, n_skill),
        )
        opt = sp.csr_matrix(
            (np.ones(int((~essential).sum()), np.int8), (occ[~essential], skill[~essential])),
            shape=(n_occ, n_skill),
        )
        ess.sum_duplicates()
        opt.sum_duplicates()
        self._ess_ptr, self._ess_idx = ess.indptr, ess.indices
        self._opt_ptr, self._opt_idx = opt.indptr, opt.indices
        # Demand: how many occupations need a skill as essential; orders the gap lists.
        self.demand = np.bincount(skill[essential], minlength=n_skill)
        self._riasec = [self.occupation_riasec.get(u, "") for u in self.occupation_uris]
        self._isco = [self.occupation_isco.get(u, "") for u in self.occupation_uris]

    # -- construction helpers ----------------------------------------------------------------

    @classmethod
    def from_relations(
        cls,
        relations: Iterable[tuple[str, str, str | bool]],
        *,
        occupation_uris: Sequence[str] | None = None,
        skill_uris: Sequence[str] | None = None,
        version: str = "",
        occupation_riasec: Mapping[str, str] | None = None,
        occupation_isco: Mapping[str, str] | None = None,
    ) -> MatchingEngine:
        """Build from ``(occupation_uri, skill_uri, "essential"|"optional"|bool)`` rows.

        Relations to URIs missing from explicit ``occupation_uris``/``skill_uris`` are
        skipped; without them the URI lists are taken from the relations.
        """
        rows = [(o, s, r is True or r == "essential") for o, s, r in relations]
        occs = (
            list(occupation_uris) if occupation_uris is not None else sorted({r[0] for r in rows})
        )
        skills = list(skill_uris) if skill_uris is not None else sorted({r[1] for r in rows})
        occ_index = {u: i for i, u in enumerate(occs)}
        skill_index = {u: i for i, u in enumerate(skills)}
        kept = [r for r in rows if r[0] in occ_index and r[1] in skill_index]
        return cls(
            occs,
            skills,
            np.array([occ_index[r[0]] for r in kept], dtype=np.intp),
            np.array([skill_index[r[1]] for r in kept], dtype=np.intp),
            np.array([r[2] for r in kept], dtype=np.bool_),
            version=version,
            occupation_riasec=dict(occupation_riasec or {}),
            occupation_isco=dict(occupation_isco or {}),
        )

    def save(self, path: Path | str) -> None:
        """Write the source arrays to ``path`` (``.npz``); :meth:`load` rebuilds in ~0.1 s."""
        np.savez_compressed(
            path,
            occupation_uris=np.array(self.occupation_uris, dtype=object),
            skill_uris=np.array(self.skill_uris, dtype=object),
            rel_occupation=self.rel_occupation,
            rel_skill=self.rel_skill,
            rel_essential=self.rel_essential,
            version=np.array(self.version),
            riasec=np.array(sorted(self.occupation_riasec.items()), dtype=object),
            isco=np.array(sorted(self.occupation_isco.items()), dtype=object),
        )

    @classmethod
    def load(cls, path: Path | str) -> MatchingEngine:
        """Load an engine written by :meth:`save` (the file is trusted: written by us)."""
        with np.load(path, allow_pickle=True) as data:
            return cls(
                list(data["occupation_uris"]),
                list(data["skill_uris"]),
                data["rel_occupation"],
                data["rel_skill"],
                data["rel_essential"],
                version=str(data["version"]),
                occupation_riasec={str(k): str(v) for k, v in data["riasec"]},
                occupation_isco={str(k): str(v) for k, v in data["isco"]},
            )

    # -- candidate vectors -------------------------------------------------------------------

    def candidate_vector(
        self, skills: SkillInput
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
        """Known skill indices of a candidate and their normalised weights (unknown URIs are
        ignored)."""
        items = skills.items() if isinstance(skills, Mapping) else ((s, 1.0) for s in skills)
        best: dict[int, float] = {}
        for uri, confidence in items:
            idx = self._skill_index.get(uri)
            if idx is not None and confidence > best.get(idx, 0.0):
                best[idx] = float(confidence)
        rows = np.fromiter(best.keys(), dtype=np.intp, count=len(best))
        weights = np.fromiter(best.values(), dtype=np.float32, count=len(best)) * self.idf[rows]
        norm = float(np.sqrt(np.dot(weights, weights)))
        return rows, (weights / norm if norm > 0 else weights)

    # -- occupations ---------------------------------------------------------------------------

    def occupation_scores(
        self, skills: SkillInput, riasec: str = "", preferences: Preferences | None = None
    ) -> npt.NDArray[np.float64]:
        """Score of every occupation (array aligned with :attr:`occupation_uris`)."""
        prefs = preferences or Preferences()
        rows, weights = self.candidate_vector(skills)
        scores = _gather(self._postings, rows, weights)
        if riasec and prefs.riasec_weight > 0:
            sims = np.array(
                [riasec_similarity(riasec, code) if code else -1.0 for code in self._riasec]
            )
            known = sims >= 0
            scores[known] = (1 - prefs.riasec_weight) * scores[known] + prefs.riasec_weight * (
                sims[known] * (scores[known] > 0)  # interest alone never makes a match
            )
        if prefs.prefer_isco_prefixes:
            boost = np.array([code.startswith(prefs.prefer_isco_prefixes) for code in self._isco])
            scores[boost & (scores > 0)] *= prefs.prefer_boost
        for uri in prefs.exclude_occupations:
            idx = self._occ_index.get(uri)
            if idx is not None:
                scores[idx] = 0.0
        return scores

    def rank_occupations(
        self,
        skills: SkillInput,
        *,
        riasec: str = "",
        preferences: Preferences | None = None,
        top: int = 20,
    ) -> list[OccupationMatch]:
        """Best ``top`` occupations for a candidate, each with its explanation and gap list."""
        scores = self.occupation_scores(skills, riasec, preferences)
        rows, _ = self.candidate_vector(skills)
        has = np.zeros(len(self.skill_uris), dtype=np.bool_)
        has[rows] = True
        return [self.explain(int(i), has, float(scores[i]), riasec) for i in _top_k(scores, top)]

    def explain(
        self, occupation: int, has: npt.NDArray[np.bool_], score: float, riasec: str = ""
    ) -> OccupationMatch:
        """Explanation of one occupation for a candidate given as a skill mask."""
        ess = self._ess_idx[self._ess_ptr[occupation] : self._ess_ptr[occupation + 1]]
        opt = self._opt_idx[self._opt_ptr[occupation] : self._opt_ptr[occupation + 1]]
        got_ess, missing = ess[has[ess]], ess[~has[ess]]
        got_opt = opt[has[opt]]
        missing = missing[np.argsort(-self.demand[missing], kind="stable")]
        if len(ess):
            share = len(got_ess) / len(ess)
        else:
            share = len(got_opt) / len(opt) if len(opt) else 0.0
        uris = self.skill_uris
        code = self._riasec[occupation]
        return OccupationMatch(
            uri=self.occupation_uris[occupation],
            score=score,
            matched_essential=tuple(uris[i] for i in got_ess.tolist()),
            matched_optional=tuple(uris[i] for i in got_opt.tolist()),
            missing_essential=tuple(uris[i] for i in missing.tolist()),
            share_covered=share,
            riasec_similarity=riasec_similarity(riasec, code) if riasec and code else None,
        )

    def skill_gaps(
        self, matches: Sequence[OccupationMatch], top: int = 10
    ) -> list[tuple[str, int]]:
        """Skills missing most often across ``matches``: what to learn to open most doors."""
        counts: dict[str, int] = {}
        for match in matches:
            for uri in match.missing_essential:
                counts[uri] = counts.get(uri, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]

    # -- vacancies -----------------------------------------------------------------------------

    def vacancy_index(
        self,
        vacancy_ids: Sequence[str],
        vacancy_skills: Sequence[SkillInput],
        *,
        version: str = "",
    ) -> VacancyIndex:
        """Index vacancies given as skill URIs (or URI → weight, e.g. required 1.0, nice 0.5)."""
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for r, skills in enumerate(vacancy_skills):
            idx, weights = self.candidate_vector(skills)
            rows.extend([r] * len(idx))
            cols.extend(idx.tolist())
            vals.extend(weights.tolist())
        matrix = sp.csr_matrix(
            (np.asarray(vals, np.float32), (rows, cols)),
            shape=(len(vacancy_ids), len(self.skill_uris)),
        )
        return VacancyIndex(list(vacancy_ids), matrix, self, version)


class VacancyIndex:
    """Vacancies as rows of a normalised, IDF-weighted skill matrix (CSR) for job search.

    Build with :meth:`MatchingEngine.vacancy_index` (or directly from a CSR matrix whose
    columns follow the engine's ``skill_uris``); rebuild when the vacancy version changes.
    """

    def __init__(
        self, vacancy_ids: list[str], matrix: sp.csr_matrix, engine: MatchingEngine, version: str
    ) -> None:
        self.vacancy_ids = vacancy_ids
        self.matrix = _normalise_rows(sp.csr_matrix(matrix, dtype=np.float32))
        self._postings = self.matrix.T.tocsr()  # skill → vacancies
        self._engine = engine
        self.version = version

    def __len__(self) -> int:
        return len(self.vacancy_ids)

    def scores(self, skills: SkillInput) -> npt.NDArray[np.float64]:
        """Cosine of the candidate with every vacancy."""
        rows, weights = self._engine.candidate_vector(skills)
        return _gather(self._postings, rows, weights)

    def rank(self, skills: SkillInput, top: int = 20) -> list[VacancyHit]:
        """Best ``top`` vacancies for a candidate."""
        scores = self.scores(skills)
        return [VacancyHit(self.vacancy_ids[i], float(scores[i])) for i in _top_k(scores, top)]
