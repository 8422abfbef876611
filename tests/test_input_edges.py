"""Ordinary input at the edges never becomes a 500: dates at the ends of their range, NUL (U+0000)
in any text, very long text, junk query parameters. Runs on SQLite and on PostgreSQL (which
refuses NUL in text, so a NUL reaching a query is a database error there).

The class is proved three ways:
- every form class of every Springboard app: each date field is bounded and each text field
  refuses NUL and is bounded in length (`test_every_form_field_*`);
- every page of the permission matrix, opened as a person allowed to open it, with edge values in
  every query parameter its filter forms name (and the usual `q`, `page`, `since`, `sort`, …),
  and every form it shows posted with edge values in every field (`test_page_*`);
- every operation of the API, read from its own OpenAPI schema, with edge values in every date,
  text and number input (`test_api_*`).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import string
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.fields import BaseTemporalField
from django.test import Client
from django.urls import reverse

from springboard.employers.models import Cohort, Engagement
from springboard.lib.dates import (
    EARLIEST_DATE,
    LATEST_DATE,
    BoundedDateField,
    BoundedDateTimeField,
)
from springboard.programmes.models import PlanItem, PlanItemKind, Programme
from tests.employer_fixtures import make_import
from tests.factories import AgencyWorld, World, make_programme
from tests.matrix_programmes import _with_plan
from tests.test_permission_matrix import MATRIX, _kwargs, _persona

NUL_TEXT = "Edge\x00case"
LONG_TEXT = "x" * 5000
DATE_EDGES = ("0001-01-01", "9999-12-31")
RANGE_MESSAGE = "Enter a date between 1900-01-01 and 2200-12-31."
NUL_MESSAGE = "Text must not contain the NUL character (U+0000)."


def _signed_in(client: Client, person: Any) -> Client:
    client.raise_request_exception = False  # a 500 is an assertion failure, not a traceback
    if person is not None:
        client.force_login(person.user)
    return client


# --- the reported cases ------------------------------------------------------------------------


def _engagement(side: AgencyWorld) -> Engagement:
    return Engagement.objects.create(
        agency=side.agency, employer=side.employer, name="Edges", start_date=date(2026, 1, 5)
    )


@pytest.mark.parametrize("notice_date", DATE_EDGES)
def test_cohort_form_refuses_a_notice_date_out_of_range(
    world: World, client: Client, notice_date: str
) -> None:
    engagement = _engagement(world.a)
    url = reverse(
        "employers:cohort_create",
        kwargs={"agency_slug": world.a.agency.slug, "public_id": engagement.public_id},
    )
    response = _signed_in(client, world.a.admin).post(
        url, {"name": "Round 1", "notice_date": notice_date, "expected_size": 3}
    )
    assert response.status_code == 200
    assert RANGE_MESSAGE in response.text
    assert not Cohort.objects.filter(engagement=engagement).exists()


@pytest.mark.parametrize("notice_date", DATE_EDGES)
def test_cohort_api_refuses_a_notice_date_out_of_range(
    world: World, client: Client, notice_date: str
) -> None:
    engagement = _engagement(world.a)
    url = f"/api/v1/a/{world.a.agency.slug}/engagements/{engagement.public_id}/cohorts"
    response = _signed_in(client, world.a.admin).post(
        url, {"name": "Round 1", "notice_date": notice_date}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "notice_date"
    assert not Cohort.objects.filter(engagement=engagement).exists()


def test_dates_at_the_ends_of_the_range_are_accepted(world: World, client: Client) -> None:
    engagement = _engagement(world.a)
    url = f"/api/v1/a/{world.a.agency.slug}/engagements/{engagement.public_id}/cohorts"
    signed_in = _signed_in(client, world.a.admin)
    for day in (EARLIEST_DATE, LATEST_DATE):
        body = {"name": f"Round {day.year}", "notice_date": day.isoformat()}
        response = signed_in.post(url, body, content_type="application/json")
        assert response.status_code == 201, response.text


def test_audit_log_filters_by_dates_at_the_edges(world: World, client: Client) -> None:
    url = reverse("privacy:audit", kwargs={"agency_slug": world.a.agency.slug})
    signed_in = _signed_in(client, world.a.admin)
    for query in ("since=0001-01-01", "until=9999-12-31", "since=9999-12-31&until=0001-01-01"):
        response = signed_in.get(f"{url}?{query}")
        assert response.status_code == 200, query
        assert RANGE_MESSAGE in response.text


@pytest.mark.parametrize("list_name", ["employer_list", "engagement_detail", "cohort_detail"])
@pytest.mark.parametrize("htmx", [False, True])
def test_nul_in_a_search_is_a_clear_400(
    world: World, client: Client, list_name: str, htmx: bool
) -> None:
    engagement = _engagement(world.a)
    cohort = Cohort.objects.create(engagement=engagement, name="R1", notice_date=date(2026, 2, 1))
    public_id = {"engagement_detail": engagement.public_id, "cohort_detail": cohort.public_id}
    kwargs: dict[str, Any] = {"agency_slug": world.a.agency.slug}
    if list_name in public_id:
        kwargs["public_id"] = public_id[list_name]
    headers = {"HX-Request": "true"} if htmx else {}
    response = _signed_in(client, world.a.admin).get(
        reverse(f"employers:{list_name}", kwargs=kwargs) + "?q=%00", headers=headers
    )
    assert response.status_code == 400
    assert NUL_MESSAGE in response.text


def test_nul_reaches_no_query_in_the_api(world: World, client: Client) -> None:
    signed_in = _signed_in(client, world.a.admin)
    response = signed_in.get(f"/api/v1/a/{world.a.agency.slug}/employers?q=a%00b")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"][0]["loc"] == ["query", "q"]
    body = {"name": "Fine", "registration_number": "12\x0034"}
    response = signed_in.post(
        f"/api/v1/a/{world.a.agency.slug}/employers", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "registration_number"]


@pytest.mark.parametrize(
    "document",
    [{"done": True, "note": ["ok", {"deep": "a\x00"}]}, {"ke\x00y": 1}, ["\x00"]],
)
def test_nul_anywhere_in_a_json_body_is_a_422(world: World, client: Client, document: Any) -> None:
    programme = _programme(world.a)
    item = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).first()
    assert item is not None
    url = (
        f"/api/v1/a/{world.a.agency.slug}/programmes/{programme.public_id}/plan/"
        f"{item.public_id}/done"
    )
    response = _signed_in(client, world.a.candidate).post(
        url, json.dumps(document), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "nul_character"


def test_nul_in_a_form_field_or_its_name_is_refused(world: World, client: Client) -> None:
    engagement = _engagement(world.a)
    slug = world.a.agency.slug
    signed_in = _signed_in(client, world.a.admin)
    url = reverse("employers:employer_create", kwargs={"agency_slug": slug})
    assert signed_in.post(url, {"na\x00me": "x"}).status_code == 400
    upload = SimpleUploadedFile("hr.csv", b"name,email\nAda,ada@example.test\n", "text/csv")
    response = signed_in.post(
        f"/api/v1/a/{slug}/engagements/{engagement.public_id}/imports",
        {"file": upload, "default_language": "e\x00n"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["form", "default_language"]


def test_nul_in_the_path_is_a_404(world: World, client: Client) -> None:
    signed_in = _signed_in(client, world.a.admin)
    assert signed_in.get("/a/%00/").status_code == 404
    response = signed_in.get("/api/v1/a/%00/employers")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_a_session_cookie_with_a_nul_is_no_session(world: World, client: Client) -> None:
    client.raise_request_exception = False
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    response = client.get(reverse("home:agency", kwargs={"agency_slug": world.a.agency.slug}))
    assert response.status_code == 302  # to the log-in page, as for anyone without a session
    assert client.get(reverse("account_login")).status_code == 200


# --- every form class --------------------------------------------------------------------------


def _springboard_modules() -> Iterator[str]:
    skip = {"migrations", "management", "tests", "templates", "static", "locale"}
    for config in apps.get_app_configs():
        if not config.name.startswith("springboard."):
            continue
        yield config.name
        assert config.module is not None
        for module in pkgutil.walk_packages(config.module.__path__, f"{config.name}."):
            if not skip & set(module.name.split(".")):
                yield module.name


def _subclasses(cls: type) -> Iterator[type]:
    sub: type
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _form_classes() -> list[type[forms.BaseForm]]:
    for name in _springboard_modules():
        importlib.import_module(name)
    found = {
        cls for cls in _subclasses(forms.BaseForm) if cls.__module__.startswith("springboard.")
    }
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


FORM_CLASSES = _form_classes()


def _fields_of(form_class: type[forms.BaseForm]) -> dict[str, forms.Field]:
    """Declared fields, plus those the form adds itself when it needs no arguments to build."""
    try:
        return dict(form_class().fields)
    # It needs an agency, an engagement, … (or it is a model form's base without a model): its
    # declared fields are what it has.
    except (TypeError, ValueError):
        return dict(form_class.base_fields)  # type: ignore[attr-defined]


def test_the_walk_finds_the_forms() -> None:
    names = {cls.__name__ for cls in FORM_CLASSES}
    assert {"CohortForm", "EnrolForm", "AuditFilterForm", "TransitionForm", "TaskForm"} <= names
    assert len(FORM_CLASSES) >= 25


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda cls: cls.__qualname__)
def test_every_form_field_is_bounded(form_class: type[forms.BaseForm]) -> None:
    for name, form_field in _fields_of(form_class).items():
        where = f"{form_class.__module__}.{form_class.__qualname__}.{name}"
        if isinstance(form_field, forms.TimeField):
            pass  # a time of day: bounded by its format
        elif isinstance(form_field, forms.DateTimeField):
            assert isinstance(form_field, BoundedDateTimeField), (
                f"{where}: use BoundedDateTimeField"
            )
            for edge in DATE_EDGES:
                with pytest.raises(ValidationError) as refused:
                    form_field.clean(f"{edge}T12:00")
                assert refused.value.error_list[0].code == "date_out_of_range", where
        elif isinstance(form_field, BaseTemporalField):
            assert isinstance(form_field, BoundedDateField), f"{where}: use BoundedDateField"
            for edge in DATE_EDGES:
                with pytest.raises(ValidationError) as refused:
                    form_field.clean(edge)
                assert refused.value.error_list[0].code == "date_out_of_range", where
            assert form_field.clean(EARLIEST_DATE.isoformat()) == EARLIEST_DATE
            assert form_field.clean(LATEST_DATE.isoformat()) == LATEST_DATE
        if isinstance(form_field, forms.CharField):
            with pytest.raises(ValidationError):
                form_field.clean(NUL_TEXT)
            # A UUID field's value must parse as a UUID: bounded by its format.
            if not isinstance(form_field.widget, forms.PasswordInput) and not isinstance(
                form_field, forms.UUIDField
            ):
                assert form_field.max_length is not None, f"{where}: no max_length"


# --- every page ----------------------------------------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # the input's type, or "textarea" / "select"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class HtmlForm:
    method: str
    action: str
    fields: list[FormField] = field(default_factory=list)


class _FormParser(HTMLParser):
    """The forms of a page with their fields, enough to fill them in like a browser."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[HtmlForm] = []
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(HtmlForm(a.get("method", "get").lower(), a.get("action", "")))
            return
        if not self.forms or tag not in {"input", "select", "option", "textarea", "button"}:
            return
        fields = self.forms[-1].fields
        if tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.value = a.get("value", "")
        elif tag in {"input", "button"} and a.get("name"):
            kind = a.get("type", "text" if tag == "input" else "submit").lower()
            if kind in {"checkbox", "radio"} and any(f.name == a["name"] for f in fields):
                return
            fields.append(FormField(a["name"], kind, a.get("value", "on" if kind else "")))
        elif tag == "select" and a.get("name"):
            self._select = FormField(a["name"], "select")
            fields.append(self._select)
        elif tag == "textarea" and a.get("name"):
            self._textarea = FormField(a["name"], "textarea")
            fields.append(self._textarea)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


def _forms_of(html: str) -> list[HtmlForm]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


_TEXT_KINDS = {"text", "search", "email", "tel", "url", "textarea"}
_NAV_ACTIONS = {"/language/", "/accounts/logout/"}  # the page shell's forms, on every page


def _filled(form: HtmlForm, variant: str) -> dict[str, Any]:
    """The form as a person would send it, with `variant` in every date or text field."""
    data: dict[str, Any] = {}
    for item in form.fields:
        if item.kind == "date":
            value = {"min": DATE_EDGES[0], "max": DATE_EDGES[1], "nul": NUL_TEXT}.get(
                variant, "2026-03-02"
            )
        elif item.kind in _TEXT_KINDS:
            base = "edge@example.test" if item.kind == "email" else (item.value or "Edge case")
            value = {"nul": base + NUL_TEXT, "long": LONG_TEXT}.get(variant, base)
        elif item.kind == "select":
            choices = [o for o in item.options if o]
            value = item.value or (choices[0] if choices else "")
        elif item.kind == "number":
            value = item.value or "1"
        elif item.kind in {"file", "submit", "reset", "image"}:
            continue
        else:  # hidden, checkbox, radio
            value = item.value
        data[item.name] = value
    return data


def _page_cases(method: str) -> list[Any]:
    """(URL name, role) for every page row of the matrix, with a role allowed to open it."""
    cases = []
    for (name, row_method), roles in MATRIX.items():
        if row_method != method or name.startswith("api:"):
            continue
        if method == "POST" and (name.startswith(("account_", "mfa_")) or name in _SKIP_POSTS):
            continue
        chosen = _allowed(roles)
        if chosen is not None:
            cases.append(pytest.param(name, *chosen, id=f"{name}-{chosen[0]}"))
    return cases


# The shell's language switch and log-out act on the session, not on stored data.
_SKIP_POSTS = {"language_switch"}


def _allowed(roles: dict[str, dict[str, int]]) -> tuple[str, str] | None:
    for role in ("admin", "coach", "candidate", "employer_contact", "anonymous"):
        for relation, status in roles.get(role, {}).items():
            if status < 400 and not relation.startswith(("other", "token_other")):
                return role, relation
    return None


def _page_url(name: str, relation: str, world: World) -> str:
    kwargs = _kwargs(name, "own_agency" if relation == "any" else relation, world)
    return reverse(name, kwargs=kwargs or None)


def _assert_no_server_error(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


QUERY_NAMES = ("q", "page", "since", "until", "sort", "status", "role", "risk", "action", "actor")
QUERY_VALUES = (
    NUL_TEXT,
    LONG_TEXT,
    *DATE_EDGES,
    "-1",
    "0",
    "99999999999999999999",
    "abc",
    "",
)


@pytest.mark.parametrize(("name", "role", "relation"), _page_cases("GET"))
def test_page_query_parameters_at_the_edges(
    world: World, client: Client, name: str, role: str, relation: str
) -> None:
    """Every page with junk in every query parameter it reads (its filter forms name them)."""
    signed_in = _signed_in(client, _persona(world.a, role))
    url = _page_url(name, relation, world)
    page = signed_in.get(url)
    _assert_no_server_error(page, f"GET {url}")
    names = set(QUERY_NAMES)
    if page.get("Content-Type", "").startswith("text/html"):
        for form in _forms_of(page.text):
            if form.method == "get":
                names |= {item.name for item in form.fields}
    for value in QUERY_VALUES:
        for headers in ({}, {"HX-Request": "true"}):
            query = urlencode(dict.fromkeys(sorted(names), value))
            response = signed_in.get(f"{url}?{query}", headers=headers)
            _assert_no_server_error(response, f"GET {url}?… = {value[:20]!r} {headers}")
            if value == NUL_TEXT:
                assert response.status_code == 400, url
                assert NUL_MESSAGE in response.text


@pytest.mark.parametrize(("name", "role", "relation"), _page_cases("POST"))
@pytest.mark.parametrize("variant", ["min", "max", "nul", "long"])
def test_page_forms_with_edge_values(
    world: World, client: Client, name: str, role: str, relation: str, variant: str
) -> None:
    """Every form a page shows, posted back with edge dates, NUL or very long text in every
    field; a POST-only endpoint gets the same in a few names it could read."""
    signed_in = _signed_in(client, _persona(world.a, role))
    url = _page_url(name, relation, world)
    page = signed_in.get(url) if (name, "GET") in MATRIX else None
    own_forms: list[HtmlForm] = []
    if page is not None and page.status_code == 200:
        own_forms = [
            form
            for form in _forms_of(page.text)
            if form.method == "post"
            and form.action not in _NAV_ACTIONS
            and urlsplit(form.action).path in {"", url}
        ]
    if not own_forms:
        value = {"min": DATE_EDGES[0], "max": DATE_EDGES[1], "nul": NUL_TEXT}.get(
            variant, LONG_TEXT
        )
        own_forms = [
            HtmlForm("post", url, [FormField(n, "text", value) for n in ("done", "action", "x")])
        ]
    for form in own_forms:
        data = _filled(form, variant)
        response = signed_in.post(url, data)
        _assert_no_server_error(response, f"POST {url} ({variant}) {sorted(data)}")
        kinds = {item.kind for item in form.fields}
        if variant == "nul" and kinds & (_TEXT_KINDS | {"date"}):
            assert response.status_code == 400, url
        if variant in {"min", "max"} and "date" in kinds:
            assert response.status_code == 200, url
            assert RANGE_MESSAGE in response.text, url


# --- every API operation -----------------------------------------------------------------------


def _programme(side: AgencyWorld) -> Programme:
    return _with_plan(make_programme(side, candidate=side.candidate, coaches=[side.coach]), side)


def _path_values(side: AgencyWorld) -> dict[str, str]:
    engagement = _engagement(side)
    programme = _programme(side)
    item = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).first()
    assert item is not None
    return {
        "agency_slug": side.agency.slug,
        "employer_id": str(side.employer.public_id),
        "engagement_id": str(engagement.public_id),
        "import_id": str(make_import(engagement).public_id),
        "programme_id": str(programme.public_id),
        "item_id": str(item.public_id),
    }


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for alternative in schema.get("anyOf", []):  # `X | None`: the X
        if alternative.get("type") != "null":
            return _resolve(alternative, spec)
    return schema


def _edge_values(schema: dict[str, Any]) -> list[Any]:
    if schema.get("format") == "date":
        return [*DATE_EDGES, NUL_TEXT]
    if schema.get("type") == "string" and schema.get("format") != "binary":
        return [NUL_TEXT, LONG_TEXT, ""]
    if schema.get("type") in {"integer", "number"}:
        return [-1, 10**20, "1\x00"]
    return []


def _ordinary(schema: dict[str, Any]) -> Any:
    if "default" in schema:
        return schema["default"]
    if schema.get("format") == "date":
        return "2026-03-02"
    if "enum" in schema:
        return schema["enum"][0]
    return {"integer": 1, "number": 1, "boolean": True, "string": "Edge case"}.get(
        str(schema.get("type"))
    )


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def _names_in(path: str) -> list[str]:
    return [name for _text, name, _spec, _conv in string.Formatter().parse(path) if name]


def _api_persona(world: World, path: str, method: str) -> Any:
    if path.endswith("/done"):
        return world.a.candidate  # ticking a task: the candidate (or a coach), not an admin
    if path.endswith("/employer-report"):
        return world.a.contact
    return world.a.admin


def test_api_inputs_at_the_edges(world: World, client: Client) -> None:
    """Each date, text and number input of each operation (query, JSON body, form), one at a
    time, with edge values: never a 5xx, and every answer is JSON."""
    spec = client.get("/api/v1/openapi.json").json()
    values = _path_values(world.a)
    calls = 0
    for path, method, operation in _operations(spec):
        signed_in = _signed_in(Client(), _api_persona(world, path, method))
        # An id this walk has no object for gets a random one: inputs are validated first.
        path_values = {name: values.get(name, str(uuid.uuid4())) for name in _names_in(path)}
        url = "/api/v1" + path.removeprefix("/api/v1").format(**path_values)
        query = {
            p["name"]: _resolve(p["schema"], spec)
            for p in operation.get("parameters", [])
            if p["in"] == "query"
        }
        for name, schema in query.items():
            for value in _edge_values(schema):
                response = signed_in.generic(method.upper(), f"{url}?{urlencode({name: value})}")
                _check_api(response, f"{method} {url} ?{name}={str(value)[:20]!r}")
                calls += 1
        content = operation.get("requestBody", {}).get("content", {})
        for media_type, body in content.items():
            schema = _resolve(body["schema"], spec)
            properties = {k: _resolve(v, spec) for k, v in schema.get("properties", {}).items()}
            ordinary = {k: _ordinary(v) for k, v in properties.items()}
            for name, property_schema in properties.items():
                for value in _edge_values(property_schema):
                    data = {**ordinary, name: value}
                    response = _send(signed_in, method, url, media_type, data, properties)
                    _check_api(response, f"{method} {url} {name}={str(value)[:20]!r}")
                    if property_schema.get("format") == "date" and value in DATE_EDGES:
                        assert response.status_code == 422, (url, name, response.text)
                    calls += 1
    assert calls > 50  # the walk really ran over the operations


def _send(
    client: Client,
    method: str,
    url: str,
    media_type: str,
    data: dict[str, Any],
    properties: dict[str, dict[str, Any]],
) -> Any:
    if media_type == "application/json":
        return client.generic(
            method.upper(), url, json.dumps(data), content_type="application/json"
        )
    form = {k: v for k, v in data.items() if v is not None}
    for name, schema in properties.items():
        if schema.get("format") == "binary":
            form[name] = SimpleUploadedFile("hr.csv", b"name,email\nAda,ada@example.test\n")
    return client.post(url, form)


def _check_api(response: Any, what: str) -> None:
    _assert_no_server_error(response, what)
    assert response["Content-Type"].startswith("application/json"), what
