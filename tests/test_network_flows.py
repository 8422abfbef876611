"""The network's flows: privacy (sharing, withdrawal, canaries), sorting, merging, outreach and
its reminders, drafts, introductions, the plan hook, and the activity log's exports."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pypdf
import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from springboard.network import activity_log
from springboard.network.demo import network_demo
from springboard.network.models import (
    Circle,
    Contact,
    FollowUpReminder,
    Interaction,
    LoggedActivity,
)
from springboard.network.services import (
    contact_create,
    follow_up_reminders_enqueue,
    interaction_record,
    logged_activity_record,
    network_share,
    network_share_withdraw,
)
from springboard.network.services import plan as plan_hook
from springboard.privacy.consents.selectors import has_consent
from springboard.privacy.models import AuditEvent, Consent, ConsentPurpose
from springboard.programmes.models import PlanItem, Programme
from springboard.tenancy.models import Membership
from tests.factories import World, make_programme
from tests.matrix_programmes import _with_plan
from tests.test_no_english_leftovers import english_in, visible_text

CANARY = "Canary-Zebra-4711"


def _canary(owner: Membership) -> Contact:
    return contact_create(
        owner=owner,
        full_name=f"{CANARY} Person",
        company=f"{CANARY} Ltd",
        circle=Circle.COLLEAGUES,
    )


def _url(name: str, world: World, **kwargs: Any) -> str:
    return reverse(f"network:{name}", kwargs={"agency_slug": world.a.agency.slug, **kwargs})


def _every_readable_page(world: World, programme: Programme) -> list[str]:
    pages = [_url(n, world) for n in ("contacts", "map", "introducers", "share", "log")]
    pages.append(_url("introducers", world) + "?company=Ltd")  # the canary's company, unnamed
    pages.append(_url("coach_contacts", world, public_id=programme.public_id))
    slug = world.a.agency.slug
    pages.append(reverse("api:network_contacts", kwargs={"agency_slug": slug}))
    pages.append(reverse("api:activity_log", kwargs={"agency_slug": slug}))
    return pages


# --- privacy ----------------------------------------------------------------------------------


def test_canaries_reach_nobody_but_the_candidate_and_a_coach_after_sharing(
    world: World, client: Client
) -> None:
    a = world.a
    programme = make_programme(a, candidate=a.candidate, coaches=[a.coach])
    _canary(a.candidate)
    network_share(owner=a.candidate)  # shared: still nobody but the coach
    outsiders = [a.admin, a.contact, a.candidate2, a.coach2, world.b.candidate, world.b.coach]
    for viewer in outsiders:
        client.force_login(viewer.user)
        for url in _every_readable_page(world, programme):
            body = client.get(url).content.decode(errors="replace")
            assert CANARY not in body, f"{url} shows the canary to {viewer.role}"
    client.force_login(a.coach.user)
    assert (
        CANARY
        in client.get(_url("coach_contacts", world, public_id=programme.public_id)).content.decode()
    )


def test_sharing_and_withdrawal(world: World, client: Client) -> None:
    a = world.a
    programme = make_programme(a, candidate=a.candidate, coaches=[a.coach])
    _canary(a.candidate)
    page = _url("coach_contacts", world, public_id=programme.public_id)

    client.force_login(a.coach.user)
    before = client.get(page)
    assert before.status_code == 200
    assert CANARY not in before.content.decode()
    assert not AuditEvent.objects.filter(action="network.read").exists()

    client.force_login(a.candidate.user)
    assert client.post(_url("share", world), {"action": "share"}).status_code == 302
    assert has_consent(a.candidate, ConsentPurpose.SHARE_NETWORK)

    client.force_login(a.coach.user)
    assert CANARY in client.get(page).content.decode()
    read = AuditEvent.objects.get(action="network.read")
    assert read.actor == a.coach.user
    assert read.target_id == str(a.candidate.public_id)

    client.force_login(a.candidate.user)
    client.post(_url("share", world), {"action": "withdraw"})
    client.force_login(a.coach.user)
    assert CANARY not in client.get(page).content.decode()
    # The choice and its withdrawal are kept and audited.
    share = Consent.objects.get(membership=a.candidate, purpose=ConsentPurpose.SHARE_NETWORK)
    assert not share.granted
    actions = list(
        AuditEvent.objects.filter(target_id=str(share.public_id)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["consent.grant", "consent.withdraw"]
    # Sharing again is a new choice in the same consent's history.
    network_share(owner=a.candidate)
    assert share.events.count() == 3
    assert network_share_withdraw(owner=a.candidate) is True
    assert network_share_withdraw(owner=a.candidate) is False


def test_a_coach_sees_the_outreach_history_only_while_shared_and_audited(
    world: World, client: Client
) -> None:
    a = world.a
    programme = make_programme(a, candidate=a.candidate, coaches=[a.coach])
    interaction_record(
        contact=_canary(a.candidate),
        actor=a.candidate,
        channel="email",
        date=timezone.localdate(),
        purpose="advice",
        outcome="Outreach-Walrus-0815",
        follow_up_due=timezone.localdate() + datetime.timedelta(days=3),
    )
    page = _url("coach_contacts", world, public_id=programme.public_id)
    client.force_login(a.coach.user)
    assert "Outreach-Walrus-0815" not in client.get(page).content.decode()
    network_share(owner=a.candidate)
    body = client.get(page).content.decode()
    assert "Outreach-Walrus-0815" in body
    assert f"{CANARY} Person" in body
    read = AuditEvent.objects.get(action="network.read")
    assert read.data == {"what": ["contacts", "outreach"]}
    network_share_withdraw(owner=a.candidate)
    assert "Outreach-Walrus-0815" not in client.get(page).content.decode()
    for outsider in (a.admin, a.contact, a.coach2):
        client.force_login(outsider.user)
        assert "Outreach-Walrus-0815" not in client.get(page).content.decode()


def test_a_coach_of_another_candidate_gets_404_even_when_shared(
    world: World, client: Client
) -> None:
    a = world.a
    programme = make_programme(a, candidate=a.candidate, coaches=[a.coach])
    network_share(owner=a.candidate)
    client.force_login(a.coach2.user)
    response = client.get(_url("coach_contacts", world, public_id=programme.public_id))
    assert response.status_code == 404


# --- contacts ---------------------------------------------------------------------------------


def test_sort_into_a_circle_by_htmx_returns_the_row(world: World, client: Client) -> None:
    contact = contact_create(owner=world.a.candidate, full_name="Ada Lovelace")
    client.force_login(world.a.candidate.user)
    response = client.post(
        _url("contact_circle", world, public_id=contact.public_id),
        {"circle": "recruiters", "strength": "3"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert f'id="contact-{contact.public_id}"' in response.content.decode()
    contact.refresh_from_db()
    assert (contact.circle, contact.strength) == ("recruiters", 3)
    refused = client.post(
        _url("contact_circle", world, public_id=contact.public_id), {"circle": "bogus"}
    )
    assert refused.status_code == 302
    contact.refresh_from_db()
    assert contact.circle == "recruiters"


def test_add_search_filter_and_tags(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    response = client.post(
        _url("contact_add", world),
        {
            "full_name": "Grace Hopper",
            "company": "Navy",
            "circle": "managers",
            "strength": "2",
            "emails_text": "grace@navy.example\nGRACE@navy.example",
            "tags_text": "Mentor, cobol ,mentor",
        },
    )
    assert response.status_code == 302
    grace = Contact.objects.get(full_name="Grace Hopper")
    assert grace.emails == ["grace@navy.example"]
    assert grace.tag_list == ["mentor", "cobol"]
    contact_create(owner=world.a.candidate, full_name="Alan Turing", company="Bletchley")
    listing = client.get(_url("contacts", world) + "?tag=mentor").content.decode()
    assert "Grace Hopper" in listing
    assert "Alan Turing" not in listing
    found = client.get(_url("contacts", world) + "?q=bletch").content.decode()
    assert "Alan Turing" in found
    assert "Grace Hopper" not in found
    bad = client.post(_url("contact_add", world), {"full_name": "X\x00", "circle": "x"})
    assert bad.status_code in {200, 400}  # refused by the form, or by the NUL guard before it
    assert Contact.objects.count() == 2


def test_merge_from_the_page(world: World, client: Client) -> None:
    owner = world.a.candidate
    keep = contact_create(owner=owner, full_name="Lin Chen", emails=["lin@a.example"])
    dup = contact_create(
        owner=owner, full_name="lin chen", company="Orbit", phones=["+45 1"], tags="alumni"
    )
    interaction_record(
        contact=dup,
        actor=owner,
        channel="email",
        date=datetime.date(2026, 1, 5),
        purpose="first_contact",
    )
    client.force_login(owner.user)
    detail = client.get(_url("contact_detail", world, public_id=keep.public_id)).content.decode()
    assert "Possible duplicates" in detail
    response = client.post(
        _url("contact_merge", world, public_id=keep.public_id), {"duplicate": str(dup.public_id)}
    )
    assert response.status_code == 302
    keep.refresh_from_db()
    assert (keep.company, keep.phones, keep.tag_list) == ("Orbit", ["+45 1"], ["alumni"])
    assert keep.interactions.count() == 1
    assert not Contact.objects.filter(pk=dup.pk).exists()
    other = contact_create(owner=world.a.candidate2, full_name="Lin Chen")
    refused = client.post(
        _url("contact_merge", world, public_id=keep.public_id), {"duplicate": str(other.public_id)}
    )
    assert refused.status_code == 200  # not a choice: another candidate's contact
    assert Contact.objects.filter(pk=other.pk).exists()


def test_the_plan_hook_fires_at_ten_contacts_in_three_circles(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(plan_hook, "plan_tasks_complete_for_tool", lambda **kw: calls.append(kw))
    owner = world.a.candidate
    circles = [Circle.COLLEAGUES] * 8 + [Circle.FRIENDS]
    for index, circle in enumerate(circles):
        contact_create(owner=owner, full_name=f"Person {index}", circle=circle)
    contact_create(owner=owner, full_name="Unsorted", circle=Circle.UNSORTED)
    assert calls == []
    contact_create(owner=owner, full_name="The tenth", circle=Circle.RECRUITERS)
    assert calls == [{"candidate": owner, "tool": "network", "actor": owner}]


def test_mapping_the_network_ticks_the_plans_network_task(world: World) -> None:
    owner = world.a.candidate
    programme = _with_plan(
        make_programme(world.a, candidate=owner, coaches=[world.a.coach]), world.a
    )
    tasks = PlanItem.objects.filter(programme=programme, tool="network")
    assert tasks.exists()
    circles = [Circle.COLLEAGUES, Circle.FRIENDS, Circle.EDUCATION] * 3
    for index, circle in enumerate(circles):
        contact_create(owner=owner, full_name=f"Person {index}", circle=circle)
    assert not tasks.filter(done_at__isnull=False).exists()
    contact_create(owner=owner, full_name="The tenth", circle=Circle.MANAGERS)
    assert not tasks.filter(done_at__isnull=True).exists()


def test_demo_network_is_made_once(world: World) -> None:
    network_demo(world.a.agency, [world.a.candidate, world.b.candidate])
    network_demo(world.a.agency, [world.a.candidate])
    assert Contact.objects.filter(owner=world.a.candidate).count() == 9
    assert Interaction.objects.filter(owner=world.a.candidate).count() == 2
    assert not Contact.objects.filter(owner=world.b.candidate).exists()


# --- outreach ---------------------------------------------------------------------------------


def test_log_outreach_with_follow_up_and_the_reminder_is_sent_once(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    owner = world.a.candidate
    owner.language = "da"
    owner.save()
    contact = contact_create(owner=owner, full_name="Mette Kjær & Co")
    client.force_login(owner.user)
    today = timezone.localdate()
    response = client.post(
        _url("interaction_add", world, public_id=contact.public_id),
        {
            "date": today.isoformat(),
            "channel": "email",
            "purpose": "advice",
            "outcome": "Will look at my CV",
            "follow_up_due": (today + datetime.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.last_contact == today
    # A follow-up before the contact itself is refused by the form.
    refused = client.post(
        _url("interaction_add", world, public_id=contact.public_id),
        {
            "date": today.isoformat(),
            "channel": "email",
            "purpose": "advice",
            "follow_up_due": (today - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert refused.status_code == 200
    assert Interaction.objects.count() == 1

    due_day = today + datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert follow_up_reminders_enqueue(today=today) == 0
        assert follow_up_reminders_enqueue(today=due_day) == 1
        assert follow_up_reminders_enqueue(today=due_day) == 0
    assert len(mail.outbox) == 1
    with translation.override("da"):
        expected = translation.gettext("Follow up with %(contact)s today") % {
            "contact": "Mette Kjær & Co"  # plain text: not HTML-escaped
        }
    assert mail.outbox[0].subject == expected
    assert mail.outbox[0].to == [owner.user.email]
    assert FollowUpReminder.objects.get().sent_at is not None
    assert "Mette Kjær & Co" in mail.outbox[0].body
    listing = client.get(_url("contacts", world)).content.decode()
    assert "Mette Kjær &amp; Co" in listing


def test_the_reminder_command_queues_todays_follow_ups_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    owner = world.a.candidate
    today = timezone.localdate()
    interaction_record(
        contact=contact_create(owner=owner, full_name="Lars Holm"),
        actor=owner,
        channel="email",
        date=today,
        purpose="thanks",
        follow_up_due=today,
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send-network-reminders", stdout=out)
        call_command("send-network-reminders", stdout=out)
    assert out.getvalue().splitlines() == [
        "Network reminders queued: 1",
        "Network reminders queued: 0",
    ]
    assert len(mail.outbox) == 1


def test_a_follow_up_done_gets_no_reminder(world: World, client: Client) -> None:
    owner = world.a.candidate
    contact = contact_create(owner=owner, full_name="Jonas Vik")
    today = timezone.localdate()
    interaction = interaction_record(
        contact=contact,
        actor=owner,
        channel="phone",
        date=today,
        purpose="first_contact",
        follow_up_due=today,
    )
    client.force_login(owner.user)
    assert (
        client.post(_url("follow_up_done", world, public_id=interaction.public_id)).status_code
        == 302
    )
    assert follow_up_reminders_enqueue(today=today) == 0
    assert mail.outbox == []


def test_draft_starts_from_a_template_in_the_chosen_language(world: World, client: Client) -> None:
    contact = contact_create(owner=world.a.candidate, full_name="Ingrid Berg", company="Talentbro")
    client.force_login(world.a.candidate.user)
    page = client.get(_url("draft", world, public_id=contact.public_id) + "?language=nb")
    body = page.content.decode()
    assert "Hei Ingrid Berg" in body
    assert "Talentbro" in body
    saved = client.post(
        _url("draft", world, public_id=contact.public_id) + "?language=nb",
        {"language": "nb", "body": "Hei Ingrid, min egen tekst."},
    )
    assert saved.status_code == 302
    again = client.get(_url("draft", world, public_id=contact.public_id) + "?language=nb")
    assert "min egen tekst" in again.content.decode()


def test_who_could_introduce_me(world: World, client: Client) -> None:
    owner = world.a.candidate
    contact_create(owner=owner, full_name="Works There", company="Havbris AS", strength=1)
    contact_create(owner=owner, full_name="Knows Them", how_we_know="ex-Havbris", strength=3)
    contact_create(owner=owner, full_name="Unrelated", company="Other")
    client.force_login(owner.user)
    body = client.get(_url("introducers", world) + "?company=havbris").content.decode()
    assert body.index("Knows Them") < body.index("Works There")
    assert "Unrelated" not in body


def test_the_map_names_the_gaps(world: World, client: Client) -> None:
    contact_create(owner=world.a.candidate, full_name="A", circle=Circle.COLLEAGUES)
    client.force_login(world.a.candidate.user)
    body = client.get(_url("map", world)).content.decode()
    assert "<svg" in body
    assert "Nobody in “HR and recruiters” yet." in body
    assert "Nobody in “Former colleagues” yet." not in body


# --- the activity log -------------------------------------------------------------------------


def _week_with_activities(owner: Membership) -> tuple[datetime.date, datetime.date]:
    monday = datetime.date(2026, 3, 2)
    logged_activity_record(
        owner=owner,
        date=monday,
        kind="application",
        employer='=HYPERLINK("http://evil")',
        job_title="Lagerchef, Århus",
        how_applied="online",
        result="Afventer svar",
    )
    contact = contact_create(owner=owner, full_name="Søren Ørsted", company="Blåbær A/S")
    interaction_record(
        contact=contact,
        actor=owner,
        channel="phone",
        date=monday + datetime.timedelta(days=2),
        purpose="vacancy",
        outcome="+ a lead",
    )
    logged_activity_record(owner=owner, date=monday + datetime.timedelta(days=9), kind="interview")
    return monday, monday + datetime.timedelta(days=6)


def test_log_rows_come_from_every_source_and_sources_can_be_added(world: World) -> None:
    owner = world.a.candidate
    first, last = _week_with_activities(owner)
    rows = activity_log.log_rows(owner, first, last)
    assert [r.source for r in rows] == ["log", "network"]

    def applications(who: Membership, start: datetime.date, end: datetime.date) -> list[Any]:
        return [
            activity_log.LogRow(
                date=start,
                kind="application",
                employer="Fed",
                job_title="",
                how_applied="",
                result="",
                source="job-search",
            )
        ]

    activity_log.register_activity_source(applications)
    try:
        assert "job-search" in {r.source for r in activity_log.log_rows(owner, first, last)}
    finally:
        activity_log.ACTIVITY_SOURCES.remove(applications)


def test_csv_export_is_formula_safe_and_in_the_candidates_language(
    world: World, client: Client
) -> None:
    owner = world.a.candidate
    owner.language = "da"
    owner.save()
    first, last = _week_with_activities(owner)
    client.force_login(owner.user)
    response = client.post(
        _url("log_export", world),
        {"start": first.isoformat(), "end": last.isoformat(), "service": "jobnet"},
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    with translation.override("da"):
        assert rows[0][0] == translation.gettext("Date")
    assert len(rows) == 3  # the heading, the application, the phone call (not next week's)
    employers = [row[2] for row in rows[1:]]
    assert employers == ['\'=HYPERLINK("http://evil")', "Blåbær A/S"]
    assert rows[2][5] == "Søren Ørsted — + a lead"
    assert activity_log.formula_safe("-1") == "'-1"
    assert activity_log.formula_safe("@SUM") == "'@SUM"
    assert activity_log.formula_safe("\tx") == "'\tx"
    assert activity_log.formula_safe("Plain") == "Plain"


def test_danish_joblog_pdf_has_the_rows_and_the_letters(world: World, client: Client) -> None:
    owner = world.a.candidate
    owner.language = "da"
    owner.save()
    first, last = _week_with_activities(owner)
    client.force_login(owner.user)
    response = client.post(
        _url("log_export", world),
        {"start": first.isoformat(), "end": last.isoformat(), "service": "jobnet", "format": "pdf"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Lagerchef, Århus" in text
    assert "Blåbær A/S" in text
    assert "Søren Ørsted" in text
    with translation.override("da"):
        assert translation.gettext("Job-search activities") in text


def test_log_page_adds_and_removes_activities(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    today = timezone.localdate()
    response = client.post(
        _url("log", world),
        {"date": today.isoformat(), "kind": "job_fair", "employer": "Messe Herning"},
    )
    assert response.status_code == 302
    activity = LoggedActivity.objects.get()
    page = client.get(_url("log", world)).content.decode()
    assert "Messe Herning" in page
    client.post(_url("log_delete", world, public_id=activity.public_id))
    assert not LoggedActivity.objects.exists()
    bad = client.get(_url("log", world) + "?start=2026-05-01&end=2026-01-01")
    assert bad.status_code == 200


# --- the API ----------------------------------------------------------------------------------


def test_api_contacts_interactions_and_log(world: World, client: Client) -> None:
    slug = world.a.agency.slug
    client.force_login(world.a.candidate.user)
    created = client.post(
        reverse("api:network_contact_create", kwargs={"agency_slug": slug}),
        {"full_name": "Api Person", "circle": "education", "tags": ["Alumni"]},
        content_type="application/json",
    )
    assert created.status_code == 201
    contact_id = created.json()["id"]
    assert created.json()["tags"] == ["alumni"]
    patched = client.patch(
        reverse(
            "api:network_contact_update", kwargs={"agency_slug": slug, "contact_id": contact_id}
        ),
        {"company": "Api Ltd", "strength": 3},
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert (patched.json()["company"], patched.json()["strength"]) == ("Api Ltd", 3)
    logged = client.post(
        reverse(
            "api:network_interaction_create", kwargs={"agency_slug": slug, "contact_id": contact_id}
        ),
        {"channel": "meeting", "date": "2026-03-03", "purpose": "information"},
        content_type="application/json",
    )
    assert logged.status_code == 201
    rows = client.get(
        reverse("api:activity_log", kwargs={"agency_slug": slug})
        + "?start=2026-03-02&end=2026-03-08&service=uwv"
    ).json()
    assert [(r["kind"], r["employer"], r["category"]) for r in rows] == [
        ("networking", "Api Ltd", "Networking")
    ]
    too_long = client.get(
        reverse("api:activity_log", kwargs={"agency_slug": slug})
        + "?start=2026-01-01&end=2027-06-01"
    )
    assert too_long.status_code == 400
    listed = client.get(reverse("api:network_contacts", kwargs={"agency_slug": slug}) + "?q=api")
    assert [c["full_name"] for c in listed.json()] == ["Api Person"]


# --- no English left --------------------------------------------------------------------------


# Our own words, which must not stay English on a page in another language.
NETWORK_ENGLISH = (
    "Your network",
    "Add a contact",
    "Follow-ups",
    "Network map",
    "Activity log",
    "Strength of the tie",
    "Import contacts",
    "Who could introduce me?",
    "Share with my coaches",
    "Stop sharing",
    "Kind of activity",
    "Not sorted yet",
    "Former colleagues",
    "Write a first message",
    "Log a contact",
    "Contacts by circle",
    "Download PDF",
    "Nobody in your network",
    "This field is required",
)


def _english(html: str, language: str) -> list[str]:
    text = visible_text(html, language)
    return english_in(html, language) + [phrase for phrase in NETWORK_ENGLISH if phrase in text]


@pytest.mark.parametrize("language", ["nl", "da", "nb"])
def test_network_pages_and_form_errors_are_translated(
    world: World, client: Client, language: str
) -> None:
    a = world.a
    owner = a.candidate
    owner.user.language = language
    owner.user.save(update_fields=["language"])
    programme = make_programme(a, candidate=owner, coaches=[a.coach])
    contact = _canary(owner)
    interaction_record(
        contact=contact,
        actor=owner,
        channel="email",
        date=timezone.localdate(),
        purpose="advice",
        follow_up_due=timezone.localdate(),
    )
    contact_create(owner=owner, full_name="Unsorted Person")
    network_share(owner=owner)
    client.cookies["django_language"] = language
    client.force_login(owner.user)
    found: dict[str, list[str]] = {}
    gets = [
        *(_url(n, world) for n in ("contacts", "contact_add", "import", "map", "share", "log")),
        _url("introducers", world) + "?company=Ltd",
        _url("introducers", world) + "?company=Nobody",
        _url("contact_detail", world, public_id=contact.public_id),
        _url("contact_edit", world, public_id=contact.public_id),
        _url("draft", world, public_id=contact.public_id),
        _url("log", world) + "?start=2026-05-01&end=2026-01-01",
    ]
    for url in gets:
        if leftovers := _english(client.get(url).content.decode(), language):
            found[url] = leftovers
    posts = [
        _url("contact_add", world),
        _url("import", world),
        _url("log", world),
        _url("interaction_add", world, public_id=contact.public_id),
        _url("draft", world, public_id=contact.public_id),
        _url("contact_merge", world, public_id=contact.public_id),
    ]
    for url in posts:
        if leftovers := _english(client.post(url, {}).content.decode(), language):
            found[f"POST {url}"] = leftovers
    client.force_login(a.coach.user)
    a.coach.user.language = language
    a.coach.user.save(update_fields=["language"])
    coach_page = _url("coach_contacts", world, public_id=programme.public_id)
    if leftovers := _english(client.get(coach_page).content.decode(), language):
        found[coach_page] = leftovers
    assert not found, found
