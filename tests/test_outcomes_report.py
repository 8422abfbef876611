"""The employer's outcome report: only aggregates of the contact's own employer, every table
protected by complementary suppression (checked by a linear programme over random tables), rates
never turning a hidden count back into a number, notes never published; CSV formula-safe; PDF
in the viewer's language."""

from __future__ import annotations

import csv
import io

import pypdf
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from springboard.outcomes.exports import report_csv, report_pdf
from springboard.outcomes.models import OutcomeKind
from springboard.outcomes.reporting import (
    OUTCOME_COLUMNS,
    RETENTION_COLUMNS,
    employer_outcome_report,
)
from springboard.programmes.reporting import MIN_GROUP, protect_table
from tests.employer_fixtures import make_cohort, make_engagement
from tests.factories import World
from tests.test_outcomes_fixtures import answered, people, with_outcome
from tests.test_report_suppression import pinned_cells

CANARY = "CANARY-OUTCOME-NOTE-5521"


def _fixture(world: World) -> None:
    engagement = make_engagement(world.a, name="Programme engagement")
    first, second = make_cohort(engagement, "North"), make_cohort(engagement, "South")
    for programme in people(world.a, 7, cohort=first):
        with_outcome(programme, note=CANARY)
        answered(programme, 6, in_work=True, satisfaction=4)
    for programme in people(world.a, 2, cohort=first):
        with_outcome(programme, OutcomeKind.EDUCATION, note=CANARY)
    for programme in people(world.a, 6, cohort=second):
        with_outcome(programme, note=CANARY)
        answered(programme, 6, in_work=True, satisfaction=5)
    for programme in people(world.a, 1, cohort=second):
        with_outcome(programme, OutcomeKind.EDUCATION)


def _shown(table: object, without_cohort: list[int | None]) -> list[list[int | None]]:
    rows = [[*(c.value for c in row.cells), row.total.value] for row in table.rows]  # type: ignore[attr-defined]
    return [*rows[:-1], without_cohort, rows[-1]]


def test_small_groups_are_hidden_and_nothing_can_be_worked_out(world: World) -> None:
    _fixture(world)
    (report,) = employer_outcome_report(world.a.contact)
    outcomes = report.outcome_table
    education = OUTCOME_COLUMNS.index(OutcomeKind.EDUCATION.value)
    north, south, total = outcomes.rows
    assert south.cells[education].suppressed
    assert north.cells[education].suppressed
    assert total.cells[education].suppressed  # 3 in all
    zero: list[int | None] = [0] * (len(OUTCOME_COLUMNS) + 1)
    assert pinned_cells(_shown(outcomes, zero)) == []
    figures = {f.label: f.value for f in report.figures}
    # 13 new jobs of 16, but showing 13 next to the total 16 would give away the 3 hidden in
    # education: the engagement's new-job cell is hidden, and with it the placement rate.
    assert total.cells[OUTCOME_COLUMNS.index(OutcomeKind.NEW_JOB.value)].suppressed
    assert figures["Placement rate"] is None
    assert figures["Retention at 6 months"] == "100%"
    assert figures["Satisfaction (1-5)"] == "4.5"
    assert figures["Retention at 12 months"] is None


def test_rates_are_shown_when_their_groups_are(world: World) -> None:
    make_engagement(world.a, name="Programme engagement")
    for programme in people(world.a, 10):
        with_outcome(programme, days=30, pay="higher")
    for programme in people(world.a, 5):
        with_outcome(programme, OutcomeKind.EDUCATION)
    (report,) = employer_outcome_report(world.a.contact)
    figures = {f.label: f.value for f in report.figures}
    assert figures["Placement rate"] == "67%"
    assert figures["Median time to placement"] == "30 days"
    assert figures["Same or better pay"] == "100%"


def test_only_the_contacts_own_employer_and_never_a_note(world: World, client: Client) -> None:
    _fixture(world)
    other = people(world.b, 6)
    for programme in other:
        with_outcome(programme, note="OTHER-AGENCY-CANARY")
    client.force_login(world.a.contact.user)
    slug = world.a.agency.slug
    for name in ("employer_report", "employer_report_csv", "employer_report_pdf"):
        response = client.get(reverse(f"outcomes:{name}", kwargs={"agency_slug": slug}))
        assert response.status_code == 200
        body = response.content
        if name.endswith("pdf"):
            body = "".join(
                p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages
            ).encode()
        assert CANARY.encode() not in body
        assert b"OTHER-AGENCY-CANARY" not in body
        assert b"Acme" not in body  # the new employer's name is the candidate's, not theirs


def test_csv_is_formula_safe(world: World) -> None:
    engagement = make_engagement(world.a, name='=HYPERLINK("http://evil")')
    make_cohort(engagement, "+cmd|' /C calc'!A0")
    text = report_csv(employer_outcome_report(world.a.contact))
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_pdf_in_danish_says_fewer_than_5(world: World) -> None:
    _fixture(world)
    with translation.override("da"):
        pdf = report_pdf(employer_outcome_report(world.a.contact), employer="A", agency="B")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "færre end 5" in text
    assert "Placeringsrate" in text or "placering" in text.lower()


# --- random tables -------------------------------------------------------------------------

counts = st.one_of(st.just(0), st.integers(1, MIN_GROUP - 1), st.integers(MIN_GROUP, 30))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([OUTCOME_COLUMNS, RETENTION_COLUMNS]).flatmap(
        lambda columns: st.tuples(
            st.just(columns),
            st.lists(st.fixed_dictionaries(dict.fromkeys(columns, counts)), min_size=2, max_size=6),
        )
    )
)
def test_no_hidden_outcome_cell_can_be_worked_out(
    case: tuple[tuple[str, ...], list[dict[str, int]]],
) -> None:
    """Every cohort combination of outcome or retention counts: the published table leaves each
    hidden cell at least two possible values (cohorts, the hidden row without a cohort and the
    engagement row are all related by sums)."""
    columns, rows = case
    published = protect_table(rows, columns)
    shown = [[*(cells[k].value for k in columns), total.value] for total, cells in published]
    for line in shown:
        assert all(v is None or v == 0 or v >= MIN_GROUP for v in line)
    assert pinned_cells(shown) == []
