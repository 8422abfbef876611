"""Workshops (seats, waiting list, promotion, concurrency), coach choice and change requests,
the personal-budget ledger (immutability, overdraft, concurrency) and the employer aggregate."""

from __future__ import annotations

import datetime
import io
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from springboard.coaching import selectors, services
from springboard.coaching.models import (
    BudgetEntry,
    CoachChoicePolicy,
    CoachProfile,
    RequestStatus,
    SeatStatus,
    WorkshopSeat,
)
from springboard.coaching.photos import reencode_photo
from springboard.lib.errors import DomainError
from springboard.programmes.models import PlanItem, PlanItemKind, Programme
from springboard.tenancy.roles import Role
from tests.factories import AgencyWorld, World, make_member
from tests.matrix_coaching import make_workshop, programme_with_plan

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every write transaction, so it cannot show a race; run on PostgreSQL",
)


# --- workshops ------------------------------------------------------------------------------


def test_full_date_waitlists_and_a_freed_seat_promotes_the_first_waiting(world: World) -> None:
    a = world.a
    first = programme_with_plan(a)
    second = programme_with_plan(a, candidate=a.candidate2, coaches=[a.coach])
    date = make_workshop(a, capacity=1)
    seat = services.workshop_signup(date=date, programme=first, actor=a.candidate)
    waiting = services.workshop_signup(date=date, programme=second, actor=a.coach)
    assert (seat.status, waiting.status) == (SeatStatus.BOOKED, SeatStatus.WAITLISTED)
    with pytest.raises(DomainError):
        services.workshop_signup(date=date, programme=first, actor=a.candidate)
    promoted = services.seat_cancel(seat=seat, actor=a.candidate)
    assert promoted is not None
    assert promoted.pk == waiting.pk
    waiting.refresh_from_db()
    assert waiting.status == SeatStatus.BOOKED


def test_signup_ticks_the_workshops_task(world: World) -> None:
    a = world.a
    programme = programme_with_plan(a)
    milestone = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.MILESTONE).first()
    assert milestone is not None
    task = PlanItem.objects.create(
        programme=programme,
        phase=milestone.phase,
        parent=milestone,
        kind=PlanItemKind.TASK,
        title="Join a workshop",
        tool="workshops",
        position=99,
    )
    services.workshop_signup(date=make_workshop(a), programme=programme, actor=a.candidate)
    task.refresh_from_db()
    assert task.is_done


def test_another_candidates_programme_cannot_be_signed_up(world: World) -> None:
    a = world.a
    other = programme_with_plan(a, candidate=a.candidate2, coaches=[a.coach2])
    with pytest.raises(DomainError):
        services.workshop_signup(date=make_workshop(a), programme=other, actor=a.candidate)
    with pytest.raises(DomainError):
        services.workshop_signup(date=make_workshop(a, key="x"), programme=other, actor=a.coach)


def test_materials_are_checked_and_served_only_to_participants(
    world: World, client: Client, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    a = world.a
    date = make_workshop(a)
    with pytest.raises(DomainError):
        services.material_add(
            workshop=date.workshop,
            actor=a.admin,
            name="Fake",
            upload=SimpleUploadedFile("slides.pdf", b"<html>not a pdf"),
        )
    material = services.material_add(
        workshop=date.workshop,
        actor=a.admin,
        name="Slides",
        upload=SimpleUploadedFile("../../etc/passwd.pdf", b"%PDF-1.4 test"),
    )
    stored = material.file.name or ""
    assert "passwd" not in stored
    assert ".." not in stored
    url = reverse(
        "coaching:material_download",
        kwargs={
            "agency_slug": a.agency.slug,
            "public_id": material.public_id,
            "extension": material.extension,
        },
    )
    programme = programme_with_plan(a)
    client.force_login(a.candidate.user)
    assert client.get(url).status_code == 404
    services.workshop_signup(date=date, programme=programme, actor=a.candidate)
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 test"
    client.force_login(a.contact.user)
    assert client.get(url).status_code == 403


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_signups_for_the_last_seat_never_overbook() -> None:
    from tests.factories import make_agency_world

    side = make_agency_world("race")
    date = make_workshop(side, capacity=1)
    programmes = [programme_with_plan(side)] + [
        programme_with_plan(side, candidate=make_member(side.agency, Role.CANDIDATE))
        for _ in range(5)
    ]
    barrier = threading.Barrier(len(programmes))
    errors: list[BaseException] = []

    def sign_up(programme: Programme) -> None:
        try:
            barrier.wait()
            services.workshop_signup(date=date, programme=programme, actor=programme.candidate)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(p,)) for p in programmes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    statuses = sorted(WorkshopSeat.objects.filter(date=date).values_list("status", flat=True))
    assert statuses.count(SeatStatus.BOOKED) == 1
    assert statuses.count(SeatStatus.WAITLISTED) == len(programmes) - 1


# --- coaches --------------------------------------------------------------------------------


def _allow_choice(programme: Programme, size: int = 5) -> None:
    CoachChoicePolicy.objects.create(
        engagement=programme.enrolment.engagement, candidates_choose=True, shortlist_size=size
    )


def test_candidate_chooses_from_a_shortlist_with_free_capacity(world: World) -> None:
    a = world.a
    programme = programme_with_plan(a)
    programme.coaches.clear()
    assert selectors.shortlist_for(programme) == []  # the engagement does not allow it
    _allow_choice(programme)
    # coach2 is full: their cap is their current caseload.
    programme_with_plan(a, candidate=a.candidate2, coaches=[a.coach2])
    CoachProfile.objects.create(coach=a.coach2, capacity=1)
    shortlist = [card.coach for card in selectors.shortlist_for(programme)]
    assert shortlist == [a.coach]
    with pytest.raises(DomainError):
        services.coach_choose(programme=programme, actor=a.candidate, coach=a.coach2)
    services.coach_choose(programme=programme, actor=a.candidate, coach=a.coach)
    assert list(programme.coaches.all()) == [a.coach]
    with pytest.raises(DomainError):  # a second choice is a change request
        services.coach_choose(programme=programme, actor=a.candidate, coach=a.coach)


def test_change_of_coach_is_requested_and_approved_by_an_admin(world: World) -> None:
    a = world.a
    programme = programme_with_plan(a)
    with pytest.raises(DomainError):
        services.change_request_create(
            programme=programme, actor=a.candidate, reason="  ", wanted_coach=None
        )
    change = services.change_request_create(
        programme=programme, actor=a.candidate, reason="No click", wanted_coach=a.coach2
    )
    with pytest.raises(DomainError):
        services.change_request_decide(change=change, actor=a.coach, approve=True)
    services.change_request_decide(change=change, actor=a.admin, approve=True)
    change.refresh_from_db()
    assert change.status == RequestStatus.APPROVED
    assert list(programme.coaches.all()) == [a.coach2]


def test_photos_are_reencoded_without_metadata_and_bombs_refused() -> None:
    import io

    from PIL import Image

    image = Image.new("RGB", (1200, 800), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    raw = io.BytesIO()
    image.save(raw, format="JPEG", exif=exif)
    out = reencode_photo(SimpleUploadedFile("me.exe", raw.getvalue()))
    with Image.open(io.BytesIO(out)) as clean:
        assert clean.format == "JPEG"
        assert max(clean.size) <= 480
        assert not clean.getexif()
    assert b"SecretCam" not in out
    for junk in (b"GIF89a....", b"not an image at all"):
        with pytest.raises(DomainError):
            reencode_photo(SimpleUploadedFile("x.jpg", junk))
    huge = io.BytesIO()
    Image.new("1", (12000, 12000)).save(huge, format="PNG")
    with pytest.raises(DomainError):
        reencode_photo(SimpleUploadedFile("bomb.png", huge.getvalue()))


# --- the budget -----------------------------------------------------------------------------


def _granted(side: AgencyWorld, amount: str = "1000", **people: Any) -> Programme:
    programme = programme_with_plan(side, **people)
    engagement = programme.enrolment.engagement
    engagement.budget_amount = Decimal(amount)
    engagement.save()
    services.budget_grant(programme=programme, actor=side.admin)
    return programme


def test_training_request_approved_lowers_the_balance(world: World) -> None:
    a = world.a
    programme = _granted(a)
    training = services.training_request_create(
        programme=programme,
        actor=a.candidate,
        title="Project management",
        provider="Academy",
        quote_amount=Decimal("400"),
    )
    with pytest.raises(DomainError):
        services.training_decide(training=training, actor=a.coach, approve=True)
    services.training_decide(training=training, actor=a.admin, approve=True)
    assert selectors.balance_of(programme) == Decimal("600.00")
    with pytest.raises(DomainError):
        services.training_decide(training=training, actor=a.admin, approve=True)


def test_balance_never_goes_below_zero_without_approval(world: World) -> None:
    a = world.a
    programme = _granted(a, "100")
    with pytest.raises(DomainError):
        services.budget_spend(
            programme=programme,
            actor=a.admin,
            category="coaching",
            amount=Decimal("150"),
            description="Extra hours",
        )
    entry = services.budget_spend(
        programme=programme,
        actor=a.admin,
        category="coaching",
        amount=Decimal("150"),
        description="Extra hours",
        allow_overdraft=True,
    )
    assert entry.overdraft_approved_by == a.admin
    assert selectors.balance_of(programme) == Decimal("-50.00")


def test_a_priced_seat_is_paid_from_the_budget_and_given_back_on_cancel(world: World) -> None:
    a = world.a
    programme = _granted(a, "150")
    date = make_workshop(a, price=Decimal("120.00"))
    seat = services.workshop_signup(date=date, programme=programme, actor=a.candidate)
    assert seat.budget_entry is not None
    assert (seat.budget_entry.category, seat.budget_entry.amount) == ("workshop", Decimal("-120"))
    assert selectors.balance_of(programme) == Decimal("30.00")
    other_date = make_workshop(a, key="interview", price=Decimal("120.00"))
    with pytest.raises(DomainError, match=r"has 30\.00 left"):
        services.workshop_signup(date=other_date, programme=programme, actor=a.coach)
    assert not WorkshopSeat.objects.filter(date=other_date).exists()
    services.seat_cancel(seat=seat, actor=a.candidate)
    assert selectors.balance_of(programme) == Decimal("150.00")
    with pytest.raises(DomainError):  # the refund already corrected it
        services.budget_correct(entry=seat.budget_entry, actor=a.admin, description="Again")
    services.workshop_signup(date=other_date, programme=programme, actor=a.coach)
    assert selectors.balance_of(programme) == Decimal("30.00")


def test_a_seat_charge_an_admin_corrected_is_not_refunded_again(world: World) -> None:
    a = world.a
    programme = _granted(a, "150")
    seat = services.workshop_signup(
        date=make_workshop(a, price=Decimal("120.00")), programme=programme, actor=a.candidate
    )
    assert seat.budget_entry is not None
    services.budget_correct(entry=seat.budget_entry, actor=a.admin, description="Paid by HR")
    assert selectors.balance_of(programme) == Decimal("150.00")
    services.seat_cancel(seat=seat, actor=a.candidate)
    assert selectors.balance_of(programme) == Decimal("150.00")


def test_a_free_seat_needs_no_budget(world: World) -> None:
    a = world.a
    programme = programme_with_plan(a)
    seat = services.workshop_signup(date=make_workshop(a), programme=programme, actor=a.candidate)
    assert seat.budget_entry is None
    assert not BudgetEntry.objects.filter(programme=programme).exists()


def test_promotion_pays_the_seat_and_passes_over_a_budget_that_cannot(world: World) -> None:
    a = world.a
    price = Decimal("120.00")
    first = _granted(a, "120")
    spent = _granted(a, "120", candidate=a.candidate2, coaches=[a.coach])
    third = make_member(a.agency, Role.CANDIDATE)
    last = _granted(a, "120", candidate=third, coaches=[a.coach])
    date = make_workshop(a, capacity=1, price=price)
    seat = services.workshop_signup(date=date, programme=first, actor=a.candidate)
    passed_over = services.workshop_signup(date=date, programme=spent, actor=a.coach)
    waiting = services.workshop_signup(date=date, programme=last, actor=third)
    assert (passed_over.status, waiting.status) == (SeatStatus.WAITLISTED, SeatStatus.WAITLISTED)
    assert selectors.balance_of(spent) == price  # waiting costs nothing yet
    services.workshop_signup(
        date=make_workshop(a, key="other", price=price), programme=spent, actor=a.coach
    )
    promoted = services.seat_cancel(seat=seat, actor=a.candidate)
    assert promoted is not None
    assert promoted.pk == waiting.pk
    passed_over.refresh_from_db()
    assert passed_over.status == SeatStatus.WAITLISTED
    assert selectors.balance_of(last) == Decimal(0)
    entry = BudgetEntry.objects.get(programme=last, category="workshop")
    assert entry.created_by == third  # in the name of who signed up, not who cancelled


def test_entries_are_immutable_and_corrected_by_new_entries(world: World) -> None:
    a = world.a
    programme = _granted(a, "100")
    entry = BudgetEntry.objects.get(programme=programme)
    entry.amount = Decimal("5")
    with pytest.raises(ValueError, match="immutable"):
        entry.save()
    with pytest.raises(ValueError, match="immutable"):
        entry.delete()
    entry.refresh_from_db()
    services.budget_correct(entry=entry, actor=a.admin, description="Wrong engagement")
    assert selectors.balance_of(programme) == Decimal(0)
    assert BudgetEntry.objects.filter(programme=programme).count() == 2
    with pytest.raises(DomainError):
        services.budget_correct(entry=entry, actor=a.admin, description="Again")


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_spending_never_overdraws() -> None:
    from tests.factories import make_agency_world

    side = make_agency_world("spend")
    programme = _granted(side, "100")
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def spend() -> None:
        try:
            barrier.wait()
            services.budget_spend(
                programme=programme,
                actor=side.admin,
                category="workshop",
                amount=Decimal("60"),
                description="Seat",
            )
            outcomes.append("ok")
        except DomainError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=spend) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    assert selectors.balance_of(programme) == Decimal("40.00")


def test_employer_sees_spend_only_for_groups_of_five(world: World) -> None:
    a = world.a
    programmes = [_granted(a)]
    services.budget_spend(
        programme=programmes[0],
        actor=a.admin,
        category="training",
        amount=Decimal("70"),
        description="Course",
    )
    (row,) = selectors.employer_spend(a.contact)
    assert row.suppressed
    assert row.spent is None
    for _ in range(4):
        programmes.append(programme_with_plan(a, candidate=make_member(a.agency, Role.CANDIDATE)))
    (row,) = selectors.employer_spend(a.contact)
    assert not row.suppressed
    assert row.spent == Decimal("70.00")
    # Another employer's contact sees nothing of it.
    assert selectors.employer_spend(world.b.contact) == []
    assert selectors.employer_spend(a.admin) == []


def test_budget_page_and_api_for_the_candidate(world: World, client: Client) -> None:
    a = world.a
    programme = _granted(a, "250")
    client.force_login(a.candidate.user)
    page = client.get(
        reverse(
            "coaching:budget",
            kwargs={"agency_slug": a.agency.slug, "programme_id": programme.public_id},
        )
    )
    assert "250.00" in page.content.decode()
    data = client.get(
        reverse(
            "api:coaching_budget",
            kwargs={"agency_slug": a.agency.slug, "programme_id": programme.public_id},
        )
    ).json()
    assert Decimal(data["balance"]) == Decimal("250")
    assert datetime.datetime.fromisoformat(data["entries"][0]["created_at"])


def test_demo_data_is_complete_and_safe_to_run_twice(world: World) -> None:
    from django.core.management import call_command

    from springboard.coaching.demo import coaching_demo
    from springboard.coaching.models import Note, Session, Workshop

    a = world.a
    programme_with_plan(a)
    programme_with_plan(a, candidate=a.candidate2, coaches=[a.coach2])
    for _ in range(2):
        coaching_demo(a.agency, [a.coach, a.coach2], [a.candidate, a.candidate2])
    assert Workshop.objects.filter(agency=a.agency).count() == 2
    assert Session.objects.filter(agency=a.agency).count() == 4
    assert Note.objects.filter(shared_with_candidate=False).count() == 2
    call_command("send-session-reminders", stdout=io.StringIO())
