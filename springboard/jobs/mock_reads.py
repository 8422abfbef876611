"""Reads of mock interviews: who sees which, one scored against its own rubric version, and the
progress across several. Kept apart from `selectors.py` (vacancies and the pipeline)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from springboard.jobs.models import MockInterview, MockInterviewScore
from springboard.jobs.rubric import Criterion, Rubric, rubric
from springboard.programmes.selectors import programmes_visible_to
from springboard.tenancy.models import Membership

MAX_LISTED = 100  # a programme holds a handful; the cap keeps a page bounded all the same


def _with_scores(mocks: QuerySet[MockInterview]) -> QuerySet[MockInterview]:
    return mocks.select_related("candidate", "interview__application", "coach").prefetch_related(
        Prefetch("scores", queryset=MockInterviewScore.objects.order_by("pk"))
    )


def shared_mocks_of(candidate: Membership) -> QuerySet[MockInterview]:
    """What the candidate sees: their shared mock interviews, oldest first."""
    return _with_scores(MockInterview.objects.filter(candidate=candidate, shared_at__isnull=False))


def mocks_for_coach(coach: Membership, candidate: Membership) -> QuerySet[MockInterview]:
    """The candidate's mock interviews in the programmes `coach` coaches (drafts included)."""
    return _with_scores(
        MockInterview.objects.filter(
            candidate=candidate, programme__in=programmes_visible_to(coach)
        )
    )


@dataclass(frozen=True)
class ScoreRow:
    criterion: Criterion
    score: int | None
    comment: str

    @property
    def anchor(self) -> str:
        return self.criterion.anchor(self.score) if self.score else ""


@dataclass(frozen=True)
class MockView:
    mock: MockInterview
    rubric: Rubric
    rows: list[ScoreRow]

    @property
    def average(self) -> float | None:
        scored = [row.score for row in self.rows if row.score]
        return round(sum(scored) / len(scored), 1) if scored else None

    @property
    def complete(self) -> bool:
        return all(row.score for row in self.rows)


def mock_view(mock: MockInterview, lang: str) -> MockView:
    """The mock interview against the rubric version it was scored with, every criterion a row
    (unscored ones too, for a draft)."""
    version = rubric(mock.rubric_version, lang)
    scores = {s.criterion: s for s in mock.scores.all()}
    rows = [
        ScoreRow(
            criterion=c,
            score=scores[c.key].score if c.key in scores else None,
            comment=scores[c.key].comment if c.key in scores else "",
        )
        for c in version.criteria
    ]
    return MockView(mock=mock, rubric=version, rows=rows)


@dataclass(frozen=True)
class ProgressRow:
    name: str
    scores: list[int | None]  # one per mock interview, oldest first


@dataclass(frozen=True)
class Progress:
    views: list[MockView]
    rows: list[ProgressRow]
    # The average of each mock interview as an SVG polyline ("x,y x,y"), 1 at the bottom.
    points: str
    width: int
    height: int


CHART_STEP = 60
CHART_HEIGHT = 120
CHART_PAD = 20


def progress(mocks: list[MockInterview], lang: str) -> Progress:
    """Scores per criterion across the mock interviews, oldest first. Criteria are named as in
    the newest rubric version that has them, so a reworded name shows once."""
    views = [mock_view(m, lang) for m in mocks]
    names: dict[str, str] = {}
    for view in views:
        for row in view.rows:
            names[row.criterion.key] = row.criterion.name
    by_key = [{row.criterion.key: row.score for row in view.rows} for view in views]
    rows = [
        ProgressRow(name, [scores.get(key) for scores in by_key]) for key, name in names.items()
    ]
    span = CHART_HEIGHT - 2 * CHART_PAD
    bottom = CHART_HEIGHT - CHART_PAD
    points = " ".join(
        f"{CHART_PAD + i * CHART_STEP},{bottom - (view.average - 1) / 4 * span:.0f}"
        for i, view in enumerate(views)
        if view.average is not None
    )
    width = 2 * CHART_PAD + max(len(views) - 1, 1) * CHART_STEP
    return Progress(views=views, rows=rows, points=points, width=width, height=CHART_HEIGHT)
