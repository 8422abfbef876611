"""The agency dashboard (admins: the agency; coaches: their caseload) and the invoicing basis,
on hand-checked fixtures; both read the coaching records as they are."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from springboard.coaching.models import (
    BudgetEntry,
    Session,
    Workshop,
    WorkshopDate,
    WorkshopSeat,
)
from springboard.outcomes.demo import outcomes_demo
from springboard.outcomes.invoicing import invoicing_basis
from springboard.outcomes.models import OutcomeKind
from springboard.outcomes.selectors import dashboard
from springboard.programmes.models import Programme, ProgrammeStatus, StatusChange
from springboard.tenancy.roles import Role
from tests.employer_fixtures import make_engagement
from tests.factories import World, make_member
from tests.test_outcomes_fixtures import active_programme, with_outcome

AT = datetime.datetime(2026, 2, 10, 10, 0, tzinfo=datetime.UTC)


def test_dashboard_scopes_coaches_to_their_caseload(world: World) -> None:
    a = world.a
    mine = active_programme(a, candidate=a.candidate, coaches=[a.coach])
    theirs = active_programme(a, candidate=a.candidate2, coaches=[a.coach2])
    with_outcome(mine, days=30)
    with_outcome(theirs, OutcomeKind.RETIRED)
    Programme.objects.filter(pk=theirs.pk).update(planned_end_date=datetime.date(2026, 1, 31))
    today = timezone.localdate()
    admin_view = dashboard(a.admin, today=today)
    assert admin_view.overall.started == 2
    assert {row.label for row in admin_view.by_coach} == {
        a.coach.display_name,
        a.coach2.display_name,
    }
    coach_view = dashboard(a.coach, today=today)
    assert coach_view.overall.started == 1
    assert coach_view.overall.placed == 1
    assert [row.label for row in coach_view.by_coach] == [a.coach.display_name]
    assert coach_view.missing_outcomes == []
    # The retired outcome is confirmed: not on the risk list; an unconfirmed one would be.
    assert admin_view.missing_outcomes_count == 0
    period = dashboard(a.admin, today=today, start_from=today + datetime.timedelta(days=1))
    assert period.overall.started == 0


def test_dashboard_page_is_audited_and_refuses_bad_periods(world: World, client: Client) -> None:
    client.force_login(world.a.admin.user)
    url = reverse("outcomes:dashboard", kwargs={"agency_slug": world.a.agency.slug})
    assert client.get(url).status_code == 200
    page = client.get(url, {"start_from": "2026-05-01", "start_to": "2026-04-01"})
    assert page.status_code == 200
    assert "must be after its start" in page.text
    assert client.get(url, {"start_from": "9999-01-01"}).status_code == 200


def test_invoicing_basis_on_a_hand_checked_fixture(world: World) -> None:
    a = world.a
    # Started 5 January; placed on 20 March: running in January, February and March.
    placed = active_programme(a, candidate=a.candidate)
    StatusChange.objects.create(
        programme=placed, from_status=ProgrammeStatus.ACTIVE, to_status=ProgrammeStatus.PLACED
    )
    StatusChange.objects.filter(programme=placed).update(
        created_at=datetime.datetime(2026, 3, 20, 12, tzinfo=datetime.UTC)
    )
    # Started 10 February, still running.
    running = active_programme(
        a, candidate=make_member(a.agency, Role.CANDIDATE), start_date=datetime.date(2026, 2, 10)
    )
    Session.objects.create(
        agency=a.agency,
        programme=placed,
        coach=a.coach,
        starts_at=AT,
        duration_minutes=90,
        mode="video",
        status="attended",
    )
    Session.objects.create(
        agency=a.agency,
        programme=running,
        coach=a.coach,
        starts_at=AT,
        duration_minutes=60,
        mode="video",
        status="cancelled",
    )
    workshop = Workshop.objects.create(
        agency=a.agency,
        key="cv",
        title={"en": "CV"},
        description={"en": "CV"},
        format="workshop",
        duration_minutes=120,
        price_per_seat=Decimal("50.00"),
    )
    date = WorkshopDate.objects.create(workshop=workshop, starts_at=AT, capacity=10)
    WorkshopSeat.objects.create(date=date, programme=placed, status="booked")
    WorkshopSeat.objects.create(date=date, programme=running, status="cancelled")
    BudgetEntry.objects.create(programme=placed, category="grant", amount=1000, description="g")
    BudgetEntry.objects.create(programme=placed, category="training", amount=-400, description="t")
    BudgetEntry.objects.create(programme=running, category="correction", amount=25, description="c")
    BudgetEntry.objects.filter().update(created_at=AT)
    (line,) = invoicing_basis(
        a.agency, day_from=datetime.date(2026, 2, 1), day_to=datetime.date(2026, 4, 30)
    )
    assert line.started == 1  # only the one of 10 February lies in the period
    assert line.active_months == 2 + 3  # Feb to Mar, and Feb to Apr
    assert line.coaching_hours == Decimal("1.50")
    assert line.workshop_seats == 1
    assert line.budget_spent == Decimal("375.00")


def test_invoicing_csv_is_formula_safe(world: World, client: Client) -> None:
    make_engagement(world.a, name="=1+1")
    client.force_login(world.a.admin.user)
    url = reverse("outcomes:invoicing_csv", kwargs={"agency_slug": world.a.agency.slug})
    response = client.get(url, {"day_from": "2026-01-01", "day_to": "2026-12-31"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert any(cell == "'=1+1" for row in rows for cell in row)
    assert client.get(url, {"day_from": "2026-12-01", "day_to": "2026-01-01"}).status_code == 400


def test_demo_outcomes_fill_the_dashboard_and_run_twice(world: World) -> None:
    for _ in range(6):
        active_programme(world.a, candidate=make_member(world.a.agency, Role.CANDIDATE))
    assert outcomes_demo(world.a.agency) == 3
    assert outcomes_demo(world.a.agency) == 0  # a second run adds nothing
    board = dashboard(world.a.admin, today=timezone.localdate())
    assert board.overall.confirmed >= 3
