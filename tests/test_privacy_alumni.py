"""Alumni access: after the programme closes the candidate reads their data (pages and API) and
cannot change it; the agency's period ends access; a notice goes out once, 30 days before. The
same person's membership of another agency is not touched."""

from __future__ import annotations

import datetime
import json

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from springboard.cvs import services as cv_services
from springboard.cvs.content import empty_content
from springboard.cvs.models import Cv
from springboard.privacy.alumni import alumni_status, notices_due, send_alumni_notices
from springboard.privacy.models import AlumniNotice, AuditEvent, ExportJob, PrivacySettings
from springboard.programmes.access import closed_programme_ends
from springboard.programmes.models import Programme, ProgrammeStatus, StatusChange
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role
from tests.factories import AgencyWorld, World, make_member, make_programme

TODAY = timezone.localdate()


def close(programme: Programme, on: datetime.date) -> Programme:
    """Close a programme as the status machine would have on `on`."""
    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.CLOSED)
    change = StatusChange.objects.create(
        programme=programme, from_status=ProgrammeStatus.AFTERCARE, to_status=ProgrammeStatus.CLOSED
    )
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    StatusChange.objects.filter(pk=change.pk).update(created_at=moment)
    return programme


def alumnus(side: AgencyWorld, *, closed_on: datetime.date) -> Membership:
    close(make_programme(side), closed_on)
    return side.candidate


def a_cv(candidate: Membership) -> Cv:
    content = empty_content()
    content["basics"]["name"] = "Alumna Canary"
    return cv_services.cv_create(
        candidate=candidate,
        saved_by=candidate,
        title="Warehouse CV",
        language="en",
        design="classic",
        content=content,
    )


def url(side: AgencyWorld, name: str, **kwargs: object) -> str:
    return reverse(name, kwargs={"agency_slug": side.agency.slug, **kwargs})


@pytest.mark.django_db
def test_only_candidates_whose_programmes_all_closed_are_alumni(world: World) -> None:
    a = world.a
    closed_on = TODAY - datetime.timedelta(days=10)
    alumnus(a, closed_on=closed_on)
    make_programme(a, candidate=a.candidate2)  # still running
    ends = closed_programme_ends(Membership.objects.filter(agency=a.agency))
    assert ends == {a.candidate.pk: closed_on}
    status = alumni_status(a.candidate)
    assert status is not None
    assert status.access_until == closed_on + relativedelta(months=12)
    assert alumni_status(a.candidate2) is None
    assert alumni_status(a.coach) is None
    # The agency sets the period.
    PrivacySettings.objects.create(agency=a.agency, alumni_months=3)
    shorter = alumni_status(a.candidate)
    assert shorter is not None
    assert shorter.access_until < status.access_until


@pytest.mark.django_db
def test_alumnus_reads_but_cannot_write(world: World, client: Client) -> None:
    a = world.a
    candidate = alumnus(a, closed_on=TODAY - datetime.timedelta(days=30))
    cv = a_cv(candidate)
    client.force_login(candidate.user)

    home = client.get(url(a, "home:agency"))
    assert home.status_code == 200
    assert home.wsgi_request.alumni is not None  # type: ignore[attr-defined]
    listing = client.get(url(a, "cvs:list"))
    assert listing.status_code == 200
    assert "Warehouse CV" in listing.content.decode()
    assert client.get(url(a, "cvs:detail", cv_id=cv.public_id)).status_code == 200
    assert client.get(url(a, "myaudit:log")).status_code == 200

    refused = client.post(url(a, "cvs:delete", cv_id=cv.public_id))
    assert refused.status_code == 403
    assert "can no longer be changed" in refused.content.decode()
    assert "read-only until" in refused.content.decode()
    assert Cv.objects.filter(pk=cv.pk).exists()

    api = client.post(
        url(a, "api:profile_career"),
        data=json.dumps({"title": "Planner", "employer": "Nordlager", "start_year": 2019}),
        content_type="application/json",
    )
    assert api.status_code == 403
    assert "can be read but not changed" in api.json()["detail"]


@pytest.mark.django_db
def test_an_alumnus_still_exports_and_htmx_writes_reload_with_the_message(
    world: World, client: Client, django_capture_on_commit_callbacks: object
) -> None:
    a = world.a
    candidate = alumnus(a, closed_on=TODAY - datetime.timedelta(days=30))
    cv = a_cv(candidate)
    client.force_login(candidate.user)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        export = client.post(url(a, "exports:mine"))
    assert export.status_code == 302
    assert ExportJob.objects.filter(membership=candidate).exists()

    htmx = client.post(url(a, "cvs:delete", cv_id=cv.public_id), headers={"HX-Request": "true"})
    assert htmx.status_code == 403
    assert htmx.headers["HX-Refresh"] == "true"
    reloaded = client.get(url(a, "cvs:detail", cv_id=cv.public_id)).content.decode()
    assert "can be read but not changed" in reloaded


@pytest.mark.django_db
def test_a_running_candidate_still_writes(world: World, client: Client) -> None:
    a = world.a
    make_programme(a)
    cv = a_cv(a.candidate)
    client.force_login(a.candidate.user)
    assert client.post(url(a, "cvs:delete", cv_id=cv.public_id)).status_code == 302
    assert not Cv.objects.filter(pk=cv.pk).exists()


@pytest.mark.django_db
def test_access_ends_after_the_period_in_that_agency_only(world: World, client: Client) -> None:
    a, b = world.a, world.b
    candidate = alumnus(a, closed_on=TODAY - datetime.timedelta(days=400))
    # The same person, still in a programme with agency B.
    in_b = make_member(b.agency, Role.CANDIDATE, user=candidate.user)
    make_programme(b, candidate=in_b)
    cv_in_b = a_cv(in_b)
    client.force_login(candidate.user)

    ended = client.get(url(a, "home:agency"))
    assert ended.status_code == 403
    assert "Your access has ended" in ended.content.decode()
    assert client.get(url(a, "cvs:list")).status_code == 403
    api = client.get(url(a, "api:profile_detail"))
    assert api.status_code == 403
    assert "has ended" in api.json()["detail"]

    assert client.get(url(b, "home:agency")).status_code == 200
    assert client.post(url(b, "cvs:delete", cv_id=cv_in_b.public_id)).status_code == 302

    # A longer period set by the agency gives access back.
    PrivacySettings.objects.create(agency=a.agency, alumni_months=24)
    assert client.get(url(a, "home:agency")).status_code == 200


@pytest.mark.django_db
def test_the_notice_goes_once_in_the_persons_language(world: World) -> None:
    a = world.a
    Membership.objects.filter(pk=a.candidate.pk).update(language="da")
    # Ends in 20 days: due. Ends in 60 days (candidate2): not yet.
    PrivacySettings.objects.create(agency=a.agency, alumni_months=1)
    soon = alumnus(a, closed_on=TODAY + datetime.timedelta(days=20) - relativedelta(months=1))
    close(
        make_programme(a, candidate=a.candidate2),
        TODAY + datetime.timedelta(days=60) - relativedelta(months=1),
    )
    # The same person in agency B, programme running: nothing to tell there.
    make_programme(world.b, candidate=make_member(world.b.agency, Role.CANDIDATE, user=soon.user))
    mail.outbox.clear()

    assert [person for person, _status in notices_due(TODAY)] == [soon]
    call_command("send-alumni-notices")
    assert send_alumni_notices(TODAY) == 0
    call_command("send-alumni-notices")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [soon.user.email]
    assert "Agency ALPHA" in message.subject
    assert "snart" in message.subject  # Danish: "… slutter snart"
    notice = AlumniNotice.objects.get()
    assert notice.membership == soon
    assert notice.sent_at is not None
    assert AuditEvent.objects.filter(
        action="alumni.notice_sent", target_id=str(soon.public_id), agency=a.agency
    ).exists()
