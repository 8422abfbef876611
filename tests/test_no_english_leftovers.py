"""No English left in Dutch, Danish or Norwegian: every page, its form errors and the common
messages, for every role.

The pages are the permission matrix's GET rows that answer 200 to the role; every form on them is
submitted empty (and GET forms with empty fields) so that their errors render; the sign-in
message comes from the real login POST and the invitation page's password errors from a real
submission. A page fails when its visible text (and its placeholders, labels and titles) contains
a string of `ENGLISH`. Text inside an element marked with another `lang` (the language switcher's
own names, ESCO names only available in English) is meant to be in that language and is skipped;
test data (people's and agencies' names) holds no phrase of the list.
"""

from __future__ import annotations

import ast
import datetime
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from allauth.account.utils import user_display
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import formats, translation
from django.utils.translation import gettext

from springboard.accounts.models import Invitation
from springboard.accounts.services import invitation_create
from springboard.accounts.tokens import invitation_token
from springboard.privacy.actions import ACTION_LABELS
from springboard.tenancy.roles import Role
from tests.employer_fixtures import make_engagement
from tests.factories import PASSWORD, World, make_member, make_programme
from tests.matrix_taxonomy import kwargs_for as taxonomy_kwargs
from tests.permission_matrix import MATRIX
from tests.test_permission_matrix import _kwargs, _persona

LANGUAGES = ("nl", "da", "nb")
ROLES = ("admin", "coach", "employer_contact", "candidate", "anonymous")
ROOT = Path(__file__).resolve().parent.parent

# English that must not reach a page in another language: Django's and allauth's messages whose
# translation has been missing or wrong, our own words that once stayed English, US times.
ENGLISH: tuple[str, ...] = (
    "Successfully signed in",
    "You have signed out",
    "This field is required",
    "Select an option",
    "Select a valid choice",
    "Enter a valid",
    "Enter a number",
    "Enter a whole number",
    "Ensure this value",
    "Not a valid",
    "Not a date",
    "This password is too short",
    "This password is too common",
    "This password is entirely numeric",
    "The password is too similar",
    "The two passwords differ",
    "Please try again",
    "No file was submitted",
    "The submitted file is empty",
    "Upload a valid",
    "Sign Up Closed",
    "sign up",
    "Sign In",
    "Sign Out",
    "Forgot your password",
    "Remember Me",
    "Coming next",
    "Bekæftet",
    "a.m.",
    "p.m.",
    # An action code instead of its label (the audit log, the admin's recent activity).
    *ACTION_LABELS,
)

# Never submitted: they end the session, switch the language, or remove the second factor the
# rest of the walk relies on.
_SKIPPED_FORM_TARGETS = {
    "language_switch",
    "account_logout",
    "mfa_deactivate_totp",
    "mfa_remove_webauthn",
    "mfa_generate_recovery_codes",
}


class _VisibleText(HTMLParser):
    """The text a reader sees or hears, without what is marked as being in another language."""

    _SILENT = frozenset({"script", "style", "template"})
    _VOID = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}
    )  # fmt: skip
    _ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")

    def __init__(self, page_language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_language = page_language
        self.stack: list[tuple[str, bool]] = []  # (tag, this element's content is skipped)
        self.parts: list[str] = []

    def _skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = (values.get("lang") or "").split("-")[0]
        foreign = bool(lang) and tag != "html" and lang != self.page_language
        if not self._skipping() and not foreign:
            self.parts.extend(str(values[a]) for a in self._ATTRIBUTES if values.get(a))
            if (
                tag == "input"
                and values.get("type") in {"submit", "button"}
                and values.get("value")
            ):
                self.parts.append(str(values["value"]))
        if tag not in self._VOID:
            self.stack.append((tag, foreign or tag in self._SILENT))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.parts.append(data)


def visible_text(html: str, language: str) -> str:
    parser = _VisibleText(language)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_in(html: str, language: str) -> list[str]:
    text = visible_text(html, language)
    return [phrase for phrase in ENGLISH if phrase in text]


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.current = {
                "method": (values.get("method") or "get").lower(),
                "action": values.get("action") or "",
                "fields": [],
            }
            self.forms.append(self.current)
        elif (
            self.current is not None
            and tag in {"input", "select", "textarea"}
            and values.get("name")
            and values.get("type") not in {"submit", "button", "hidden"}
        ):
            self.current["fields"].append(values["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None


def forms_of(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _url_name(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return ""


def _pages(role: str) -> list[tuple[str, str]]:
    """(URL name, relation) of every HTML page the matrix lets `role` open (200)."""
    pages = []
    for (name, method), roles in MATRIX.items():
        if method != "GET" or name.startswith("api:") or name in {"healthz", "readyz"}:
            continue
        for relation, status in roles.get(role, {}).items():
            if status == 200:
                pages.append((name, relation))
                break
    return pages


def _check(response: Any, language: str, where: str, found: dict[str, list[str]]) -> None:
    content_type = response.headers.get("Content-Type", "")
    if not (response.status_code == 200 and content_type.startswith("text/html")):
        return
    if leftovers := english_in(response.text, language):
        found[where] = leftovers


def _follow(client: Client, response: Any) -> Any:
    """One internal redirect, so that the message it leaves is rendered."""
    if response.status_code not in {301, 302, 303}:
        return response
    location = response["Location"]
    if urlsplit(location).netloc in {"", "testserver"}:
        return client.get(location)
    return response


def _walk(
    client: Client,
    name: str,
    relation: str,
    world: World,
    role: str,
    language: str,
    found: dict[str, list[str]],
    submitted: set[tuple[str, str]],
) -> None:
    url = reverse(name, kwargs=_kwargs(name, relation, world) or None)
    response = client.get(url)
    assert response.status_code == 200, f"GET {url} as {role}"
    assert response.headers["Content-Language"] == language, url
    if not response.headers.get("Content-Type", "").startswith("text/html"):
        return  # a file (a calendar, a PDF, a CSV): checked by its own app's tests
    _check(response, language, f"GET {url}", found)
    for form in forms_of(response.text):
        action = urljoin(url, form["action"]) if form["action"] else url
        target = _url_name(urlsplit(action).path)
        method = form["method"]
        if not target or target in _SKIPPED_FORM_TARGETS or (method, target) in submitted:
            continue
        submitted.add((method, target))
        if method == "post":
            response = _follow(client, client.post(action, {}))
        else:
            response = client.get(action, dict.fromkeys(form["fields"], ""))
        _check(response, language, f"{method.upper()} {action} ({target}) empty", found)


def _set_language(client: Client, world: World, role: str, language: str) -> None:
    persona = _persona(world.a, role)
    if persona is not None:
        persona.user.language = language
        persona.user.save(update_fields=["language"])
        client.force_login(persona.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


class _RolledBack(Exception):
    pass


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_pages_and_form_errors_are_translated(
    world: World, client: Client, role: str, language: str
) -> None:
    _set_language(client, world, role, language)
    found: dict[str, list[str]] = {}
    submitted: set[tuple[str, str]] = set()
    pages = _pages(role)
    assert len(pages) >= 8, pages
    for name, relation in pages:
        # Each page with its own objects (made as the permission matrix makes them) and its
        # forms' empty submissions, undone afterwards: the next page starts from the same world.
        try:
            with transaction.atomic():
                _walk(client, name, relation, world, role, language, found, submitted)
                raise _RolledBack
        except _RolledBack:
            pass
    assert not found, f"English in {language} for {role}: {found}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("cookie", [True, False], ids=["cookie", "no-cookie"])
def test_sign_in_message_is_in_the_persons_language(
    world: World, client: Client, language: str, cookie: bool
) -> None:
    """allauth writes the message during the login POST, before the person's language is known
    to the request: from a browser in another language (no cookie) it must still be theirs."""
    user = world.a.candidate.user
    user.language = language
    user.save(update_fields=["language"])
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    page = client.get(response["Location"], follow=True)
    assert page.headers["Content-Language"] == language
    assert not english_in(page.text, language)
    with translation.override(language):
        message = gettext("Successfully signed in as %(name)s.") % {"name": user_display(user)}
    assert message in page.text.replace("&#x27;", "'")  # the message is there, in their language


def _invitation_url(world: World) -> str:
    invitation: Invitation = invitation_create(
        agency=world.a.agency,
        actor=world.a.admin.user,
        email="new.candidate@example.test",
        role=Role.COACH,
    )
    token = invitation_token(key=invitation.key, agency_slug=world.a.agency.slug, mailbox=True)
    return reverse(
        "accounts:invitation_accept", kwargs={"agency_slug": world.a.agency.slug, "token": token}
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "password",
    [
        ("short", "short"),
        ("password123", "password123"),
        ("12345678901234", "12345678901234"),
        ("new.candidate@example.test", "new.candidate@example.test"),
        ("a-long-passphrase-1", "a-long-passphrase-2"),
        ("", ""),
    ],
    ids=["too-short", "too-common", "numeric", "like-the-address", "differ", "empty"],
)
def test_invitation_page_password_errors(
    world: World, client: Client, language: str, password: tuple[str, str]
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = _invitation_url(world)
    response = client.post(
        url, {"full_name": "New Person", "password1": password[0], "password2": password[1]}
    )
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    assert "is-invalid" in response.text
    assert not (leftovers := english_in(response.text, language)), leftovers


def test_invitation_page_prefills_the_name_hr_supplied(world: World, client: Client) -> None:
    invitation = invitation_create(
        agency=world.a.agency,
        actor=world.a.admin.user,
        email="named@example.test",
        role=Role.COACH,
        full_name="Ada Lovelace",
    )
    token = invitation_token(key=invitation.key, agency_slug=world.a.agency.slug, mailbox=True)
    url = reverse(
        "accounts:invitation_accept", kwargs={"agency_slug": world.a.agency.slug, "token": token}
    )
    assert 'value="Ada Lovelace"' in client.get(url).text


@pytest.mark.parametrize("language", LANGUAGES)
def test_import_errors_are_translated(
    world: World, client: Client, language: str, django_capture_on_commit_callbacks: Any
) -> None:
    """A file with a row without name and a row with a broken address, uploaded in `language`."""
    _set_language(client, world, "admin", language)
    engagement = make_engagement(world.a)
    content = b"name,email\n,nameless@example.test\nBroken Address,not-an-address\n"
    upload_url = reverse(
        "employers:import_upload",
        kwargs={"agency_slug": world.a.agency.slug, "public_id": engagement.public_id},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            upload_url,
            {"file": SimpleUploadedFile("hr.csv", content, "text/csv"), "default_language": "nl"},
        )
    assert response.status_code == 302, response.text[-2000:]
    location = response["Location"]
    detail = client.get(location)
    errors_url = reverse(
        "employers:import_errors",
        kwargs={
            "agency_slug": world.a.agency.slug,
            "public_id": resolve(location).kwargs["public_id"],
        },
    )
    for page in (detail, client.get(errors_url)):
        assert page.status_code == 200
        assert not (leftovers := english_in(page.text, language)), leftovers


def test_english_dates_are_unambiguous(world: World, client: Client) -> None:
    """English pages write "28 Nov 2026 13:55", never "11/28/2026 1:55 p.m."."""
    moment = datetime.datetime(2026, 11, 28, 13, 55)
    with translation.override("en"):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "28 Nov 2026 13:55"
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "28 Nov 2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "28 November 2026, 13:55"
    client.force_login(world.a.admin.user)
    home = client.get(reverse("home:agency", kwargs={"agency_slug": world.a.agency.slug}))
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b|a\.m\.|p\.m\.", home.text)


def _recorded_action_codes() -> set[str]:
    """Every action code a service passes to `audit_record` (a literal, a conditional of
    literals, or a local variable assigned literals)."""
    codes: set[str] = set()

    def literals(node: ast.AST | None, scope: ast.AST) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.IfExp):
            return literals(node.body, scope) | literals(node.orelse, scope)
        if isinstance(node, ast.Name):
            found: set[str] = set()
            for assign in ast.walk(scope):
                if isinstance(assign, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == node.id for t in assign.targets
                ):
                    found |= literals(assign.value, scope)
            return found
        return set()

    for path in (ROOT / "springboard").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for call in ast.walk(function):
                if (
                    isinstance(call, ast.Call)
                    and getattr(call.func, "id", getattr(call.func, "attr", "")) == "audit_record"
                ):
                    for keyword in call.keywords:
                        if keyword.arg == "action":
                            codes |= literals(keyword.value, function)
    return codes


def test_every_recorded_action_has_a_label() -> None:
    codes = _recorded_action_codes()
    assert {"programme.create", "wellbeing.read", "enrolment_import.retry"} <= codes
    missing = sorted(code for code in codes if code not in ACTION_LABELS)
    assert not missing, f"add labels to springboard/privacy/actions.py for {missing}"


def test_visible_text_skips_other_languages_and_scripts() -> None:
    html = (
        '<html lang="nl"><body><p>Hallo <span lang="en">Sign In</span></p>'
        '<script>var a = "This field is required";</script>'
        '<input placeholder="Enter a valid date"><option lang="en">English</option></body></html>'
    )
    assert english_in(html, "nl") == ["Enter a valid"]


# --- entry, the admin's home and the ESCO names -----------------------------------------------


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_login_page_says_how_to_get_an_invitation(client: Client, language: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("account_login")).text
    assert reverse("account_signup") not in page
    with translation.override(language):
        expected = gettext("No account yet?")
    assert expected in page
    closed = client.get(reverse("account_signup")).text
    with translation.override(language):
        assert gettext("Accounts come by invitation") in closed
    assert "Sign Up Closed" not in closed


def test_agencies_page_words_by_count(world: World, client: Client) -> None:
    client.force_login(world.a.admin.user)
    one = client.get(reverse("agencies:list")).text
    assert "more than one agency" not in one
    assert "You work with this agency:" in one
    make_member(world.b.agency, Role.COACH, user=world.a.admin.user)
    assert "more than one agency" in client.get(reverse("agencies:list")).text


def test_admin_home_shows_action_labels_and_no_coming_next(world: World, client: Client) -> None:
    make_programme(world.a)
    client.force_login(world.a.admin.user)
    slug = world.a.agency.slug
    home = client.get(reverse("home:agency", kwargs={"agency_slug": slug})).text
    assert "Coming next" not in home
    assert "Programme started" in home
    assert "programme.create" not in home
    audit = client.get(reverse("privacy:audit", kwargs={"agency_slug": slug})).text
    assert "Programme started" in audit
    assert "programme.create" not in visible_text(audit, "en")
    filtered = client.get(
        reverse("privacy:audit", kwargs={"agency_slug": slug}), {"action": "programme.create"}
    )
    assert filtered.status_code == 200
    assert "Programme started" in filtered.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_english_only_esco_names_are_marked(world: World, client: Client, language: str) -> None:
    _set_language(client, world, "candidate", language)
    name = "taxonomy:skill_detail"
    url = reverse(name, kwargs=taxonomy_kwargs(name, "own_agency", world))
    page = client.get(url).text
    with translation.override(language):
        marker = gettext("in English")
    assert '<span lang="en">matrix concept</span>' in page
    assert f"({marker})" in page
