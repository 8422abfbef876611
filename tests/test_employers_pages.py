"""Employer pages: the admin's flow through the browser views, and what employer contacts see."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from springboard.employers.consents import may_see_status
from springboard.employers.models import Cohort, CohortTask, Engagement, Enrolment, ReportingLevel
from springboard.employers.services import enrolment_set_employer_consent
from springboard.privacy.models import AuditEvent
from springboard.tenancy.models import Employer
from tests.employer_fixtures import csv_bytes, make_cohort, make_engagement, person_row
from tests.factories import World

CANARY = "Zqx7Canary"


def test_admin_creates_employer_engagement_cohort_and_imports(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    slug = world.a.agency.slug
    client.force_login(world.a.admin.user)
    response = client.post(
        reverse("employers:employer_create", kwargs={"agency_slug": slug}),
        {"name": "Havnegade Logistik", "agency": world.b.agency.pk},
    )
    employer = Employer.objects.get(name="Havnegade Logistik")
    assert employer.agency == world.a.agency
    assert response["Location"].endswith(f"/employers/{employer.public_id}/")

    client.post(
        reverse(
            "employers:engagement_create",
            kwargs={"agency_slug": slug, "public_id": employer.public_id},
        ),
        {
            "name": "2026",
            "start_date": "2026-03-01",
            "duration_months": 6,
            "budget_amount": "2500",
            "budget_currency": "DKK",
            "reporting_level": ReportingLevel.AGGREGATE,
        },
    )
    engagement = Engagement.objects.get(employer=employer)
    bad = client.post(
        reverse(
            "employers:engagement_create",
            kwargs={"agency_slug": slug, "public_id": employer.public_id},
        ),
        {
            "name": "x",
            "start_date": "2026-03-01",
            "duration_months": 24,
            "budget_amount": "-1",
            "budget_currency": "DKK",
            "reporting_level": ReportingLevel.AGGREGATE,
        },
    )
    assert set(bad.context["form"].errors) == {"duration_months", "budget_amount"}

    client.post(
        reverse(
            "employers:cohort_create",
            kwargs={"agency_slug": slug, "public_id": engagement.public_id},
        ),
        {
            "name": "Round 1",
            "notice_date": "2026-03-02",
            "expected_size": 20,
            "locations": "Aarhus, Vejle",
        },
    )
    cohort = Cohort.objects.get(engagement=engagement)
    assert CohortTask.objects.filter(cohort=cohort).count() == 6
    task = CohortTask.objects.filter(cohort=cohort).first()
    assert task is not None
    toggled = client.post(
        reverse(
            "employers:cohort_task_toggle",
            kwargs={"agency_slug": slug, "public_id": task.public_id},
        ),
        {"done": "1"},
        headers={"HX-Request": "true"},
    )
    assert toggled.status_code == 200
    assert "<html" not in toggled.text
    task.refresh_from_db()
    assert task.done_at is not None

    upload_url = reverse(
        "employers:import_upload", kwargs={"agency_slug": slug, "public_id": engagement.public_id}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            upload_url,
            {
                "file": SimpleUploadedFile("hr.csv", csv_bytes([person_row(n) for n in range(10)])),
                "cohort": str(cohort.public_id),
                "default_language": "da",
            },
        )
    detail_url = response["Location"]
    page = client.get(detail_url)
    assert "E-mailadres" in page.text  # the mapping form lists the file's own headers
    mapping = {k: v for k, v in page.context["form"].initial.items()}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail_url, mapping)
    preview = client.get(detail_url)
    assert "All 10 rows are valid" in preview.text
    progress = client.get(detail_url, headers={"HX-Request": "true"})
    assert "<html" not in progress.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail_url + "start/")
    done = client.get(detail_url)
    assert "10 new" in done.text
    assert Enrolment.objects.filter(cohort=cohort).count() == 10

    sheet = client.get(
        reverse(
            "employers:cohort_invitation_sheet",
            kwargs={"agency_slug": slug, "public_id": cohort.public_id},
        )
    )
    assert sheet["Content-Type"] == "application/pdf"
    assert sheet.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="invitation_sheet.download").exists()


def test_error_preview_lists_rows_and_downloads_a_report(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    engagement = make_engagement(world.a)
    slug = world.a.agency.slug
    client.force_login(world.a.admin.user)
    rows = [person_row(n) for n in range(6)]
    rows[2] = person_row(2, **{"E-mailadres": '=HYPERLINK("http://evil")'})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(
                "employers:import_upload",
                kwargs={"agency_slug": slug, "public_id": engagement.public_id},
            ),
            {"file": SimpleUploadedFile("hr.csv", csv_bytes(rows)), "default_language": "en"},
        )
        detail_url = response["Location"]
        client.post(detail_url, client.get(detail_url).context["form"].initial)
    page = client.get(detail_url)
    assert "1 problem found" in page.text
    assert "Not a valid e-mail address." in page.text
    report = client.get(detail_url + "errors.csv")
    assert report["Content-Disposition"].startswith("attachment;")
    assert b"4," in report.content  # row 4 of the spreadsheet
    assert not Enrolment.objects.exists()


def _enrol_canary(world: World, capture: Any) -> Engagement:
    engagement = make_engagement(world.a, reporting_level=ReportingLevel.AGGREGATE)
    engagement.contacts.add(world.a.contact)
    cohort = make_cohort(engagement)
    from springboard.employers import services

    with capture(execute=True):
        for n in range(3):
            services.candidate_enrol(
                engagement=engagement,
                cohort=cohort,
                actor=world.a.admin,
                values={
                    "full_name": f"{CANARY} Person {n}",
                    "email": f"canary{n}@{CANARY.lower()}.example",
                    "phone": "",
                    "employee_number": f"{CANARY}{n}",
                    "job_title": f"{CANARY} title",
                    "department": "",
                    "location": "",
                    "notice_date": "",
                    "last_working_day": "",
                    "language": "en",
                },
            )
    return engagement


def test_employer_contact_sees_aggregates_only(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    engagement = _enrol_canary(world, django_capture_on_commit_callbacks)
    client.force_login(world.a.contact.user)
    slug = world.a.agency.slug
    pages = [
        client.get(reverse("home:agency", kwargs={"agency_slug": slug})),
        client.get(reverse("programmes:employer_overview", kwargs={"agency_slug": slug})),
        client.get(reverse("api:employer_report", kwargs={"agency_slug": slug})),
    ]
    for response in pages:
        assert response.status_code == 200
        assert CANARY.lower() not in response.content.decode().lower()
    overview = pages[1].text
    assert engagement.name in overview
    assert "fewer than 5" in overview
    report = pages[2].json()
    assert report[0]["total"] == {"value": None, "suppressed": True}
    # Nothing of the employer's own candidates is reachable by id either.
    enrolment = Enrolment.objects.first()
    assert enrolment is not None
    for name in ("employers:engagement_detail", "employers:import_upload"):
        url = reverse(name, kwargs={"agency_slug": slug, "public_id": engagement.public_id})
        assert client.get(url).status_code == 403


def test_consented_status_shows_only_people_who_allowed_it(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    engagement = _enrol_canary(world, django_capture_on_commit_callbacks)
    engagement.reporting_level = ReportingLevel.CONSENTED_STATUS
    engagement.save()
    first, second = Enrolment.objects.select_related("candidate")[:2]
    enrolment_set_employer_consent(enrolment=first, actor=first.candidate, allowed=True)
    client.force_login(world.a.contact.user)
    page = client.get(
        reverse("programmes:employer_overview", kwargs={"agency_slug": world.a.agency.slug})
    )
    assert first.candidate.full_name in page.text
    assert second.candidate.full_name not in page.text


def test_candidate_gives_and_withdraws_consent(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    _enrol_canary(world, django_capture_on_commit_callbacks)
    enrolment = Enrolment.objects.select_related("candidate__user").first()
    assert enrolment is not None
    client.force_login(enrolment.candidate.user)
    url = reverse("employers:candidate_privacy", kwargs={"agency_slug": world.a.agency.slug})
    assert client.get(url).status_code == 200
    client.post(url, {"allowed": [str(enrolment.public_id)]})
    assert may_see_status(enrolment)
    client.post(url, {})
    assert not may_see_status(enrolment)


def test_employer_report_query_count_is_constant(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    engagement = _enrol_canary(world, django_capture_on_commit_callbacks)
    client.force_login(world.a.contact.user)
    url = reverse("programmes:employer_overview", kwargs={"agency_slug": world.a.agency.slug})

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    few = count()
    for n in range(4):
        make_cohort(engagement, name=f"Extra {n}")
        make_engagement(world.a, name=f"Other {n}")
    assert count() == few


def test_checklist_template_edit_applies_to_new_cohorts(world: World, client: Client) -> None:
    slug = world.a.agency.slug
    client.force_login(world.a.admin.user)
    url = reverse("employers:checklist_template", kwargs={"agency_slug": slug})
    page = client.get(url)
    assert len(page.context["formset"].initial_forms) == 6  # the defaults
    data: dict[str, Any] = {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "40",
        "items-0-title": "Book rooms for the conversations",
        "items-0-owner": "employer",
        "items-0-days_before_notice": "5",
        "items-0-ORDER": "1",
        "items-0-description": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    engagement = make_engagement(world.a)
    client.post(
        reverse(
            "employers:cohort_create",
            kwargs={"agency_slug": slug, "public_id": engagement.public_id},
        ),
        {"name": "Round 2", "notice_date": "2026-04-10", "expected_size": 3, "locations": ""},
    )
    tasks = list(CohortTask.objects.filter(cohort__engagement=engagement))
    assert [(t.title, t.owner_side, str(t.due_date)) for t in tasks] == [
        ("Book rooms for the conversations", "employer", "2026-04-05")
    ]


def test_invitation_sheet_is_in_the_candidates_language(world: World) -> None:
    from django.utils import timezone

    from springboard.accounts.models import Invitation
    from springboard.employers.invitation_sheet import SheetEntry, _page

    invitation = Invitation(
        agency=world.a.agency,
        email="x@example.test",
        full_name="Mette",
        role="candidate",
        language="da",
        expires_at=timezone.now(),
    )
    page = _page(SheetEntry(invitation, "Havnegade"))
    assert page["lang"] == "da"
    assert page["heading"] != "Welcome to your outplacement programme"
    assert "/invitations/" in page["link"]
    assert page["qr"].startswith("<?xml") or "<svg" in page["qr"]


def test_report_counts_programme_stages_and_hides_small_groups(world: World) -> None:
    from springboard.programmes.models import Programme, ProgrammeStatus
    from springboard.programmes.reporting import employer_report
    from springboard.tenancy.roles import Role
    from tests.factories import make_member, make_programme

    def add(status: str, count: int) -> None:
        for _ in range(count):
            candidate = make_member(world.a.agency, Role.CANDIDATE)
            programme = make_programme(world.a, candidate=candidate)
            Programme.objects.filter(pk=programme.pk).update(status=status)

    add(ProgrammeStatus.PLACED, 6)
    add(ProgrammeStatus.DROPPED_OUT, 2)
    (report,) = employer_report(world.a.contact)
    assert report.total.value == 8
    # Two dropped out is too small to show; hiding only that cell would let 8 - 6 give it away,
    # so the placed cell is hidden with it.
    assert report.by_status["dropped_out"].suppressed
    assert report.by_status["placed"].suppressed
    assert report.by_status["in_programme"].value == 0

    add(ProgrammeStatus.DROPPED_OUT, 3)
    add(ProgrammeStatus.ACTIVE, 5)
    (report,) = employer_report(world.a.contact)
    assert {k: c.value for k, c in report.by_status.items()} == {
        "not_started": 0,
        "in_programme": 5,
        "placed": 6,
        "dropped_out": 5,
        "closed": 0,
    }
