"""Employer reports: no hidden count can be worked out from the shown ones, by any subtraction.

The attacker here knows every shown cell, every relation of the published table (each row's
total is the sum of its stages; each engagement cell is the sum of its column over the cohorts
and the enrolments without a cohort), that counts are never negative, that a hidden cell is
never 0 (zeros are shown), and how many people of each cell let the employer see their status.
For every hidden cell a linear programme finds the least and the greatest value it could have;
if they are equal, the cell has leaked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import unescape
from typing import Any

import numpy as np
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from springboard.employers.models import Cohort, Engagement, Enrolment, ReportingLevel
from springboard.employers.services import enrolment_set_employer_consent
from springboard.programmes.models import Programme, ProgrammeStatus
from springboard.programmes.reporting import (
    ENROLMENT_STATUSES,
    MIN_GROUP,
    Cell,
    EngagementReport,
    employer_report,
    protect_table,
)
from springboard.tenancy.roles import Role
from tests.employer_fixtures import make_cohort, make_engagement
from tests.factories import AgencyWorld, World, make_member, make_programme

STAGES = len(ENROLMENT_STATUSES)
Shown = list[list[int | None]]  # a table with its margins: last row and last column are totals

# A programme status that puts a person in each employer-visible stage.
STAGE_STATUS = {
    "in_programme": ProgrammeStatus.ACTIVE,
    "placed": ProgrammeStatus.PLACED,
    "dropped_out": ProgrammeStatus.DROPPED_OUT,
    "closed": ProgrammeStatus.CLOSED,
}


def pinned_cells(shown: Shown, floor: Sequence[Sequence[int]] | None = None) -> list[tuple]:
    """The hidden (None) cells whose value the shown cells and the table's relations fix.

    `floor` is what the attacker knows each cell holds at least (at least 1 when hidden).
    """
    rows, columns = len(shown) - 1, len(shown[0]) - 1
    index = {(r, c): r * (columns + 1) + c for r in range(rows + 1) for c in range(columns + 1)}
    equations = []
    for r in range(rows + 1):  # a row's stages add up to its total
        line = np.zeros(len(index))
        for c in range(columns):
            line[index[r, c]] = 1
        line[index[r, columns]] = -1
        equations.append(line)
    for c in range(columns + 1):  # a column's rows add up to the engagement cell
        line = np.zeros(len(index))
        for r in range(rows):
            line[index[r, c]] = 1
        line[index[rows, c]] = -1
        equations.append(line)
    bounds: list[tuple[float, float | None]] = []
    for (r, c), _i in sorted(index.items(), key=lambda item: item[1]):
        value = shown[r][c]
        if value is None:
            bounds.append((max(1, floor[r][c] if floor else 0), None))
        else:
            bounds.append((value, value))
    a_eq, b_eq = np.array(equations), np.zeros(len(equations))
    pinned = []
    for cell, i in index.items():
        if shown[cell[0]][cell[1]] is not None:
            continue
        objective = np.zeros(len(index))
        objective[i] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        assert low.status == 0, low.message  # the true table is always a solution
        if high.status == 3:  # unbounded above: certainly not pinned
            continue
        assert high.status == 0, high.message
        if -high.fun - low.fun < 1e-6:
            pinned.append(cell)
    return pinned


def _line(total: Cell, by_status: Mapping[str, Cell]) -> list[int | None]:
    return [by_status[key].value for key in ENROLMENT_STATUSES] + [total.value]


def shown_table(report: EngagementReport, without_cohort: list[int | None] | None = None) -> Shown:
    """The report as the attacker holds it. The row of people without a cohort is not shown, but
    the attacker is assumed to know what the suppression would let it show (by default: that
    there is nobody without a cohort)."""
    rows = [_line(c.total, c.by_status) for c in report.cohorts]
    rows.append(without_cohort or [0] * (STAGES + 1))
    rows.append(_line(report.total, report.by_status))
    return rows


def _enrol(side: AgencyWorld, cohort: Cohort | None, stage: str, count: int) -> None:
    engagement = Engagement.objects.get(agency=side.agency, name="Programme engagement")
    for _ in range(count):
        candidate = make_member(side.agency, Role.CANDIDATE)
        if stage == "not_started":
            Enrolment.objects.create(
                agency=side.agency, engagement=engagement, candidate=candidate, cohort=cohort
            )
            continue
        programme = make_programme(side, candidate=candidate)
        Programme.objects.filter(pk=programme.pk).update(status=STAGE_STATUS[stage])
        Enrolment.objects.filter(pk=programme.enrolment_id).update(cohort=cohort)


def _engagement(world: World) -> Engagement:
    # make_programme files every enrolment under this engagement.
    return make_engagement(world.a, name="Programme engagement")


def _by_name(report: EngagementReport, name: str) -> Any:
    return next(c for c in report.cohorts if c.cohort.name == name)


# --- (a) the two attacks of the security review ---------------------------------------------


def _build_cohort_difference(world: World) -> Engagement:
    # Cohort A: 5 in programme, 5 placed; cohort B: 2 in programme, 5 placed. The old per-row
    # rule hid B's 2 (and B's 5 placed with it) but showed the engagement's 7 in programme and
    # A's 5: 7 - 5 = 2.
    engagement = _engagement(world)
    first, second = make_cohort(engagement, "A"), make_cohort(engagement, "B")
    _enrol(world.a, first, "in_programme", 5)
    _enrol(world.a, first, "placed", 5)
    _enrol(world.a, second, "in_programme", 2)
    _enrol(world.a, second, "placed", 5)
    return engagement


def test_hidden_cohort_cell_is_not_the_engagement_minus_the_other_cohorts(world: World) -> None:
    _build_cohort_difference(world)
    (report,) = employer_report(world.a.contact)
    first, second = _by_name(report, "A"), _by_name(report, "B")
    assert second.by_status["in_programme"].suppressed
    engagement_cell = report.by_status["in_programme"].value
    other_cell = first.by_status["in_programme"].value
    assert engagement_cell is None or other_cell is None  # the review's subtraction
    assert pinned_cells(shown_table(report)) == []  # and every other one


def test_two_hidden_cells_in_a_row_are_not_split_evenly(world: World) -> None:
    # One cohort of 10: 8 in programme, 1 placed, 1 dropped out. The old rule showed 10 and 8
    # and hid two cells; as hidden cells are never 0, each had to be 1.
    engagement = _engagement(world)
    cohort = make_cohort(engagement, "A")
    _enrol(world.a, cohort, "in_programme", 8)
    _enrol(world.a, cohort, "placed", 1)
    _enrol(world.a, cohort, "dropped_out", 1)
    (report,) = employer_report(world.a.contact)
    for row in (_by_name(report, "A"), report):
        assert row.by_status["placed"].suppressed
        assert row.by_status["dropped_out"].suppressed
        shown = [row.total.value, row.by_status["in_programme"].value]
        assert None in shown  # 10 - 8 no longer splits into 1 + 1
    assert pinned_cells(shown_table(report)) == []


def test_enrolments_without_a_cohort_count_in_the_relations(world: World) -> None:
    # Cohort A has 3 placed; 6 placed people have no cohort. The engagement's 9 placed minus
    # those 6 would give A's 3 to an employer who knew the people without a cohort.
    engagement = _engagement(world)
    cohort = make_cohort(engagement, "A")
    _enrol(world.a, cohort, "placed", 3)
    _enrol(world.a, cohort, "in_programme", 6)
    _enrol(world.a, None, "placed", 6)
    _enrol(world.a, None, "in_programme", 6)
    (report,) = employer_report(world.a.contact)
    # The row without a cohort as the suppression treats it: known, except what it hides.
    table = protect_table([{"in_programme": 6, "placed": 3}, {"in_programme": 6, "placed": 6}])
    without_cohort = _line(*table[1])
    assert pinned_cells(shown_table(report, without_cohort)) == []


def test_names_shared_by_consent_do_not_give_the_others_away(world: World) -> None:
    # A cohort of 8: 5 placed, 2 dropped out, 1 closed. Both who dropped out let the employer
    # see their status, so the employer knows that cell is at least 2: with 8 and 5 shown,
    # 3 hidden people would be 2 dropped out and 1 closed.
    engagement = _engagement(world)
    engagement.reporting_level = ReportingLevel.CONSENTED_STATUS
    engagement.save()
    cohort = make_cohort(engagement, "A")
    _enrol(world.a, cohort, "placed", 5)
    _enrol(world.a, cohort, "dropped_out", 2)
    _enrol(world.a, cohort, "closed", 1)
    for enrolment in Enrolment.objects.filter(
        programme__status=ProgrammeStatus.DROPPED_OUT
    ).select_related("candidate", "engagement__employer"):
        enrolment_set_employer_consent(enrolment=enrolment, actor=enrolment.candidate, allowed=True)
    (report,) = employer_report(world.a.contact)
    assert len(report.consented) == 2
    floor = [[0] * (STAGES + 1) for _ in range(3)]
    for r in (0, 2):  # cohort A and the engagement
        floor[r][ENROLMENT_STATUSES.index("dropped_out")] = 2
        floor[r][STAGES] = 2
    assert pinned_cells(shown_table(report), floor) == []
    # Without counting the names in, the leak is there.
    naive = protect_table([{"placed": 5, "dropped_out": 2, "closed": 1}, {}])
    naive_shown = [_line(*line) for line in naive]
    assert pinned_cells(naive_shown, floor)


# --- (b) random tables --------------------------------------------------------------------

counts = st.one_of(st.just(0), st.integers(1, MIN_GROUP - 1), st.integers(MIN_GROUP, 40))


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[dict[str, int]], list[dict[str, int]] | None]:
    # Several cohorts and, last, the enrolments without a cohort.
    row = st.fixed_dictionaries(dict.fromkeys(ENROLMENT_STATUSES, counts))
    rows = draw(st.lists(row, min_size=2, max_size=6))
    if not draw(st.booleans()):
        return rows, None
    shared = [{key: draw(st.integers(0, row[key])) for key in ENROLMENT_STATUSES} for row in rows]
    return rows, shared


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_hidden_cell_can_be_worked_out(
    table: tuple[list[dict[str, int]], list[dict[str, int]] | None],
) -> None:
    rows, shared = table
    published = protect_table(rows, shared=shared)
    shown: Shown = [_line(total, cells) for total, cells in published]
    truth = [[*(row[k] for k in ENROLMENT_STATUSES), sum(row.values())] for row in rows]
    truth.append([sum(line[c] for line in truth) for c in range(STAGES + 1)])
    for line, true_line in zip(shown, truth, strict=True):
        for value, true_value in zip(line, true_line, strict=True):
            # Shown cells are true, and are 0 or a group of at least MIN_GROUP; zeros are shown.
            assert value is None or value == true_value
            assert value is None or value == 0 or value >= MIN_GROUP
            assert true_value != 0 or value == 0
    floor = None
    if shared is not None:
        floor = [[*(row[k] for k in ENROLMENT_STATUSES), sum(row.values())] for row in shared]
        floor.append([sum(line[c] for line in floor) for c in range(STAGES + 1)])
    assert pinned_cells(shown, floor) == []


def test_the_lp_check_finds_the_old_leaks() -> None:
    # The checker itself: both leaks of the security review are caught.
    cohort_difference: Shown = [
        [0, 5, 5, 0, 0, 10],
        [0, None, None, 0, 0, 7],
        [0, 0, 0, 0, 0, 0],
        [0, 7, 10, 0, 0, 17],
    ]
    assert (1, 1) in pinned_cells(cohort_difference)
    even_split: Shown = [[0, 8, None, None, 0, 10], [0, 0, 0, 0, 0, 0], [0, 8, None, None, 0, 10]]
    assert (0, 2) in pinned_cells(even_split)


# --- (c) what the pages and the API publish -----------------------------------------------


def _page_rows(html: str) -> dict[str, list[str]]:
    rows = {}
    for match in re.finditer(r'<tr[^>]*><th scope="row">(.*?)</th>(.*?)</tr>', html, re.S):
        cells = re.findall(r"<td>(.*?)</td>", match.group(2), re.S)
        rows[unescape(match.group(1)).strip()] = [unescape(c).strip() for c in cells]
    return rows


def test_pages_and_api_publish_no_hidden_value(world: World, client: Client) -> None:
    _build_cohort_difference(world)
    (report,) = employer_report(world.a.contact)
    client.force_login(world.a.contact.user)
    slug = world.a.agency.slug
    expected = {"A": _by_name(report, "A"), "B": _by_name(report, "B"), "All cohorts": report}
    for name in ("home:agency", "programmes:employer_overview"):
        page = client.get(reverse(name, kwargs={"agency_slug": slug}))
        assert page.status_code == 200
        rows = _page_rows(page.text)
        for label, row in expected.items():
            values = [row.total.value, *(row.by_status[k].value for k in ENROLMENT_STATUSES)]
            assert rows[label] == ["not shown" if v is None else str(v) for v in values]
        # B's two in programme appears nowhere in the table, nor its five placed.
        assert "2" not in rows["B"]
        assert "fewer than 5" not in rows["B"]  # a hidden 5 is not "fewer than 5"
    response = client.get(reverse("api:employer_report", kwargs={"agency_slug": slug}))
    assert response.status_code == 200
    (data,) = response.json()

    def line(row: dict[str, Any]) -> list[int | None]:
        for cell in [row["total"], *row["by_status"].values()]:
            assert cell["suppressed"] == (cell["value"] is None)
        return [row["by_status"][k]["value"] for k in ENROLMENT_STATUSES] + [row["total"]["value"]]

    shown = [line(c) for c in data["cohorts"]]
    shown.append([0] * (STAGES + 1))
    shown.append(line(data))
    assert shown == shown_table(report)
    by_name = {c["name"]: c for c in data["cohorts"]}
    assert by_name["B"]["by_status"]["in_programme"] == {"value": None, "suppressed": True}
    assert pinned_cells(shown) == []
