from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from springboard.home.demo import DEMO_AGENCY_SLUG, DEMO_PASSWORD, DEMO_PEOPLE
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role

HOME_HEADINGS = {
    Role.ADMIN: "overview",
    Role.COACH: "Your caseload",
    Role.EMPLOYER_CONTACT: "Outplacement for",
    Role.CANDIDATE: "What's next",
}


@pytest.mark.django_db
def test_demo_data_is_idempotent_and_prints_logins() -> None:
    out = StringIO()
    call_command("demo-data", stdout=out)
    call_command("demo-data", stdout=StringIO())
    assert Membership.objects.filter(agency__slug=DEMO_AGENCY_SLUG).count() == len(DEMO_PEOPLE)
    for person in DEMO_PEOPLE:
        assert person.email in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()


@pytest.mark.django_db
@override_settings(DEMO_MODE=True)
@pytest.mark.parametrize("role", list(Role))
def test_each_demo_role_logs_in_to_its_home_page(role: Role) -> None:
    call_command("demo-data", stdout=StringIO())
    person = next(p for p in DEMO_PEOPLE if p.role == role)
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": person.email, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(
        "home:agency", kwargs={"agency_slug": DEMO_AGENCY_SLUG}
    )
    client.post(reverse("language_switch"), {"language": "en", "next": "/"})
    page = client.get(reverse("home:agency", kwargs={"agency_slug": DEMO_AGENCY_SLUG}))
    assert HOME_HEADINGS[role] in page.text


HOME_MARKERS = {
    Role.ADMIN: "Recent activity",
    Role.COACH: "Your caseload",
    Role.EMPLOYER_CONTACT: (
        "Figures are totals. Groups of fewer than 5 people are not shown, nor any figure "
        "from which a hidden one could be worked out, so that nobody can be recognised."
    ),
    Role.CANDIDATE: "What's next",
}


@pytest.mark.django_db
@override_settings(DEMO_MODE=True)
@pytest.mark.parametrize("language", ["en", "nl", "da", "nb"])
@pytest.mark.parametrize("role", list(Role))
def test_each_demo_role_home_in_each_language(role: Role, language: str) -> None:
    from django.utils import translation

    call_command("demo-data", stdout=StringIO())
    person = next(p for p in DEMO_PEOPLE if p.role == role)
    client = Client()
    client.post(reverse("account_login"), {"login": person.email, "password": DEMO_PASSWORD})
    client.post(reverse("language_switch"), {"language": language, "next": "/"})
    page = client.get(reverse("home:agency", kwargs={"agency_slug": DEMO_AGENCY_SLUG}))
    assert page.status_code == 200
    assert page.headers["Content-Language"] == language
    with translation.override(language):
        marker = translation.gettext(HOME_MARKERS[role])
        nav_home = translation.gettext("Home")
    text = page.content.decode().replace("&#x27;", "'")
    assert marker in text
    assert nav_home in page.content.decode()
    if language != "en":
        assert marker != HOME_MARKERS[role]
