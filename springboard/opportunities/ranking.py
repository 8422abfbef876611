"""Occupations ranked for a candidate from confirmed skills and interests (no Django here).

The score of an occupation, every term of which the page explains:

* **skill fit** — the share of the occupation's ESCO skills the candidate has, essential
  skills counting fully and optional ones half:
  ``(matched essential + ½ matched optional) / (essential + ½ optional)``;
* **interest fit** — when the candidate has RIASEC scores and the occupation an O*NET
  interest profile (through the ESCO → O*NET crosswalk): the correlation of the two six-area
  profiles, mapped from [-1, 1] to [0, 1]. A correlation compares the *shape* of the profiles,
  so the questionnaire's 0-40 scale and O*NET's 1-7 scale need no conversion;
* **score** — the skill fit alone without the candidate's interests; otherwise
  ``0.7 x skill fit + 0.3 x interest fit``, where an occupation without an interest profile
  gets the neutral 0.5 (neither pushed up nor down; the page says the profile is missing).

Only occupations sharing at least one skill with the candidate are ranked.

:class:`OpportunityIndex` answers from a skill → occupations index (cost grows with the
postings of the candidate's skills) and scores the occupations it touched as numpy arrays;
:func:`rank_plain` is the plain loop over every occupation that computes the same result, kept
as the benchmark's baseline and as the tests' reference. Both do the same float64 operations in
the same order, so their scores, and their rankings, are identical.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

RIASEC = "RIASEC"
ESSENTIAL_WEIGHT = 1.0
OPTIONAL_WEIGHT = 0.5
SKILL_SHARE = 0.7
INTEREST_SHARE = 0.3
NEUTRAL_INTEREST = 0.5

Profile = tuple[float, float, float, float, float, float]


class View(StrEnum):
    ALL = "all"
    # Occupations outside the ISCO major groups of the candidate's past and target occupations.
    OTHER_SECTOR = "other_sector"
    # Occupations where self-employment is common (see `self_employment.py` for the rule).
    SELF_EMPLOYMENT = "self_employment"


class Sort(StrEnum):
    SCORE = "score"
    # Fewest missing essential skills first: the shortest way in.
    GAP = "gap"


@dataclass(frozen=True, slots=True)
class OccupationRecord:
    """What ranking needs of one occupation."""

    uri: str
    isco_code: str
    essential: tuple[str, ...]
    optional: tuple[str, ...]
    interests: Profile | None = None
    self_employment: bool = False
    interests_centred: Centred | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        centred_interests = None if self.interests is None else centred(self.interests)
        object.__setattr__(self, "interests_centred", centred_interests)

    @property
    def isco_major(self) -> str:
        return self.isco_code[:1]


@dataclass(frozen=True, slots=True)
class Query:
    skills: frozenset[str]
    interests: Profile | None = None
    view: View = View.ALL
    # ISCO major groups (first digit) of the candidate's past and target occupations.
    home_majors: frozenset[str] = frozenset()
    major: str = ""  # only this ISCO major group, when set
    sort: Sort = Sort.SCORE
    only: frozenset[str] | None = None  # only these occupation URIs (a search), when set


@dataclass(frozen=True, slots=True)
class Ranked:
    uri: str
    score: float
    skill_fit: float
    interest_fit: float | None
    matched_essential: int
    matched_optional: int
    essential: int

    @property
    def missing_essential(self) -> int:
        return self.essential - self.matched_essential


@dataclass(frozen=True, slots=True)
class Explanation:
    matched_essential: tuple[str, ...]
    matched_optional: tuple[str, ...]
    # Most widely required first (how many occupations need the skill as essential).
    missing_essential: tuple[str, ...]


def interest_profile(scores: Mapping[str, float] | None) -> Profile | None:
    """The candidate's six scores in RIASEC order from ``{"R": 31, …}`` (or area names);
    None when any area is missing."""
    if not scores:
        return None
    by_letter = {str(key)[:1].upper(): float(value) for key, value in scores.items()}
    if any(letter not in by_letter for letter in RIASEC):
        return None
    r, i, a, s, e, c = (by_letter[letter] for letter in RIASEC)
    return (r, i, a, s, e, c)


Centred = tuple[tuple[float, ...], float]  # deviations from the mean, their sum of squares


def centred(profile: Sequence[float]) -> Centred:
    mean = sum(profile) / 6
    deviations = tuple(x - mean for x in profile)
    return deviations, sum(x * x for x in deviations)


def congruence_of_centred(person: Centred, occupation: Centred) -> float | None:
    """:func:`interest_congruence` from profiles centred once (each occupation's at build)."""
    norm = math.sqrt(person[1] * occupation[1])
    if norm == 0:
        return None
    p, o = person[0], occupation[0]
    dot = p[0] * o[0] + p[1] * o[1] + p[2] * o[2] + p[3] * o[3] + p[4] * o[4] + p[5] * o[5]
    return (max(-1.0, min(1.0, dot / norm)) + 1) / 2


def interest_congruence(person: Sequence[float], occupation: Sequence[float]) -> float | None:
    """Correlation of two RIASEC profiles mapped to [0, 1]; None when either is flat."""
    return congruence_of_centred(centred(person), centred(occupation))


def skill_fit(
    matched_essential: int, matched_optional: int, essential: int, optional: int
) -> float:
    total = ESSENTIAL_WEIGHT * essential + OPTIONAL_WEIGHT * optional
    if total == 0:
        return 0.0
    return (ESSENTIAL_WEIGHT * matched_essential + OPTIONAL_WEIGHT * matched_optional) / total


def combined_score(fit: float, interest: float | None, *, candidate_has_interests: bool) -> float:
    if not candidate_has_interests:
        return fit
    return SKILL_SHARE * fit + INTEREST_SHARE * (NEUTRAL_INTEREST if interest is None else interest)


def admits(record: OccupationRecord, query: Query) -> bool:
    """The view's and filter's rule for one occupation."""
    if query.major and record.isco_major != query.major:
        return False
    if query.only is not None and record.uri not in query.only:
        return False
    if query.view == View.OTHER_SECTOR:
        return bool(record.isco_major) and record.isco_major not in query.home_majors
    if query.view == View.SELF_EMPLOYMENT:
        return record.self_employment
    return True


def _ranked(
    record: OccupationRecord, query: Query, person: Centred | None, ess_m: int, opt_m: int
) -> Ranked:
    fit = skill_fit(ess_m, opt_m, len(record.essential), len(record.optional))
    occupation = record.interests_centred
    interest = (
        congruence_of_centred(person, occupation)
        if person is not None and occupation is not None
        else None
    )
    return Ranked(
        uri=record.uri,
        score=combined_score(fit, interest, candidate_has_interests=query.interests is not None),
        skill_fit=fit,
        interest_fit=interest,
        matched_essential=ess_m,
        matched_optional=opt_m,
        essential=len(record.essential),
    )


def sort_results(results: list[Ranked], sort: Sort) -> list[Ranked]:
    if sort == Sort.GAP:
        results.sort(key=lambda r: (r.missing_essential, -r.score, r.uri))
    else:
        results.sort(key=lambda r: (-r.score, r.uri))
    return results


def rank_plain(records: Iterable[OccupationRecord], query: Query) -> list[Ranked]:
    """The baseline: look at every occupation and count the candidate's skills in it."""
    results = []
    person = None if query.interests is None else centred(query.interests)
    for record in records:
        if not admits(record, query):
            continue
        ess_m = sum(1 for s in record.essential if s in query.skills)
        opt_m = sum(1 for s in record.optional if s in query.skills)
        if ess_m or opt_m:
            results.append(_ranked(record, query, person, ess_m, opt_m))
    return sort_results(results, query.sort)


def _postings(lists: dict[str, list[int]]) -> dict[str, npt.NDArray[np.intp]]:
    return {skill: np.asarray(occs, dtype=np.intp) for skill, occs in lists.items()}


@dataclass
class OpportunityIndex:
    """Skill → occupations postings over one taxonomy version; read-only once built."""

    records: Sequence[OccupationRecord]
    version: str = ""
    _essential: dict[str, npt.NDArray[np.intp]] = field(init=False, repr=False)
    _optional: dict[str, npt.NDArray[np.intp]] = field(init=False, repr=False)
    _by_uri: dict[str, OccupationRecord] = field(init=False, repr=False)
    demand: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        essential: dict[str, list[int]] = {}
        optional: dict[str, list[int]] = {}
        for position, record in enumerate(self.records):
            for skill in record.essential:
                essential.setdefault(skill, []).append(position)
            for skill in record.optional:
                optional.setdefault(skill, []).append(position)
        self._essential = _postings(essential)
        self._optional = _postings(optional)
        self._by_uri = {record.uri: record for record in self.records}
        # How many occupations need a skill as essential: orders the gap lists.
        self.demand = {skill: len(occs) for skill, occs in essential.items()}
        # Per occupation, as arrays: what scoring and the filters read.
        records = self.records
        self._n_essential = np.array([len(r.essential) for r in records], dtype=np.float64)
        self._n_optional = np.array([len(r.optional) for r in records], dtype=np.float64)
        self._major = np.array([r.isco_major for r in records], dtype="<U1")
        self._self_employment = np.array([r.self_employment for r in records], dtype=np.bool_)
        self._has_interests = np.array(
            [r.interests_centred is not None for r in records], dtype=np.bool_
        )
        flat: Centred = ((0.0,) * 6, 0.0)
        centred_rows = [r.interests_centred or flat for r in records]
        self._deviations = np.array([c[0] for c in centred_rows], dtype=np.float64).reshape(-1, 6)
        self._squares = np.array([c[1] for c in centred_rows], dtype=np.float64)
        self._uri_order = np.argsort(np.array([r.uri for r in records]), kind="stable")
        self._uri_rank = np.empty(len(records), dtype=np.intp)
        self._uri_rank[self._uri_order] = np.arange(len(records))

    def __len__(self) -> int:
        return len(self.records)

    def record(self, uri: str) -> OccupationRecord | None:
        return self._by_uri.get(uri)

    def _counts(
        self, postings: dict[str, npt.NDArray[np.intp]], skills: Iterable[str]
    ) -> npt.NDArray[np.intp]:
        hits = [postings[s] for s in skills if s in postings]
        if not hits:
            return np.zeros(len(self.records), dtype=np.intp)
        return np.bincount(np.concatenate(hits), minlength=len(self.records))

    def _admitted(self, query: Query, touched: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
        """:func:`admits` over the touched occupations at once."""
        keep = np.ones(len(touched), dtype=np.bool_)
        major = self._major[touched]
        if query.major:
            keep &= major == query.major
        if query.only is not None:
            keep &= np.array([self.records[i].uri in query.only for i in touched], dtype=np.bool_)
        if query.view == View.OTHER_SECTOR:
            keep &= (major != "") & ~np.isin(major, sorted(query.home_majors))
        elif query.view == View.SELF_EMPLOYMENT:
            keep &= self._self_employment[touched]
        return touched[keep]

    def rank(self, query: Query) -> list[Ranked]:
        """What :func:`rank_plain` returns, computed over the touched occupations as arrays.

        Every score is the same sequence of float64 operations as in :func:`skill_fit`,
        :func:`congruence_of_centred` and :func:`combined_score`, so the numbers, and therefore
        the order, are identical to the plain loop's (the tests and the benchmark check it).
        """
        ess = self._counts(self._essential, query.skills)
        opt = self._counts(self._optional, query.skills)
        touched = self._admitted(query, np.flatnonzero(ess + opt))
        if not len(touched):
            return []
        ess_m, opt_m = ess[touched], opt[touched]
        total = (
            ESSENTIAL_WEIGHT * self._n_essential[touched]
            + OPTIONAL_WEIGHT * self._n_optional[touched]
        )
        matched = ESSENTIAL_WEIGHT * ess_m.astype(np.float64) + OPTIONAL_WEIGHT * opt_m.astype(
            np.float64
        )
        fit = np.divide(matched, total, out=np.zeros(len(touched)), where=total != 0)
        interest = np.full(len(touched), np.nan)
        score = fit
        if query.interests is not None:
            person, person_squares = centred(query.interests)
            o = self._deviations[touched]
            dot = (
                person[0] * o[:, 0]
                + person[1] * o[:, 1]
                + person[2] * o[:, 2]
                + person[3] * o[:, 3]
                + person[4] * o[:, 4]
                + person[5] * o[:, 5]
            )
            norm = np.sqrt(person_squares * self._squares[touched])
            known = self._has_interests[touched] & (norm != 0)
            ratio = np.divide(dot, norm, out=np.zeros(len(touched)), where=known)
            interest = np.where(known, (np.minimum(1.0, np.maximum(-1.0, ratio)) + 1) / 2, np.nan)
            score = SKILL_SHARE * fit + INTEREST_SHARE * np.where(known, interest, NEUTRAL_INTEREST)
        essential = self._n_essential[touched].astype(np.intp)
        uri_rank = self._uri_rank[touched]
        if query.sort == Sort.GAP:
            order = np.lexsort((uri_rank, -score, essential - ess_m))
        else:
            order = np.lexsort((uri_rank, -score))
        records = self.records
        return [
            Ranked(
                uri=records[touched[i]].uri,
                score=float(score[i]),
                skill_fit=float(fit[i]),
                interest_fit=None if math.isnan(interest[i]) else float(interest[i]),
                matched_essential=int(ess_m[i]),
                matched_optional=int(opt_m[i]),
                essential=int(essential[i]),
            )
            for i in order.tolist()
        ]

    def explain(self, uri: str, skills: frozenset[str]) -> Explanation:
        record = self._by_uri.get(uri)
        if record is None:
            return Explanation((), (), ())
        missing = [s for s in record.essential if s not in skills]
        missing.sort(key=lambda s: (-self.demand.get(s, 0), s))
        return Explanation(
            matched_essential=tuple(s for s in record.essential if s in skills),
            matched_optional=tuple(s for s in record.optional if s in skills),
            missing_essential=tuple(missing),
        )
