"""Programme templates: shipped complete in four languages, validated, versioned, and turned
into dated plans in the candidate's language."""

from __future__ import annotations

import copy
import datetime
from html import escape
from html.parser import HTMLParser
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from springboard.lib.errors import DomainError
from springboard.privacy.models import AuditEvent
from springboard.programmes.content import (
    SHIPPED_KEYS,
    iter_texts,
    load_shipped_templates,
    shipped_content,
    validate_content,
)
from springboard.programmes.models import (
    LANGUAGE_CODES,
    Intake,
    PlanItem,
    PlanItemKind,
    PlanPhase,
    ProgrammeTemplate,
    ProgrammeTemplateVersion,
)
from springboard.programmes.services import intake_complete, template_version_create
from springboard.programmes.template_editor import (
    TemplateEditor,
    draft_from_content,
    draft_from_post,
    field_count,
)
from tests.factories import World, make_programme


def answers(**overrides: object) -> Intake:
    """Intake answers (an unsaved `Intake`), with `overrides`."""
    values: dict[str, object] = {
        "job_sought": "Warehouse manager",
        "dismissal_processing": "yes",
        "skills": "Logistics, planning",
        "training_need": "course",
        "training_detail": "Forklift licence",
        "region": "Aarhus",
        "travel_radius_km": 40,
        "hours": "full_time",
        "pay_expectation": "40 000 DKK",
        "sector_change": True,
        "self_employment": "maybe",
    }
    values.update(overrides)
    return Intake(**values)


@pytest.mark.parametrize("key", SHIPPED_KEYS)
def test_every_shipped_text_is_written_in_every_language(key: str) -> None:
    content = shipped_content(key)
    texts = iter_texts(content)
    assert len(texts) > 20
    assert set(LANGUAGE_CODES) == {"en", "nl", "da", "nb"}
    for where, text in texts:
        for language in LANGUAGE_CODES:
            assert text.get(language, "").strip(), f"{key}: {where} has no {language} text"
    # Translated, not copied: the Danish and Dutch names differ from the English one.
    assert content["name"]["da"] != content["name"]["en"] != content["name"]["nl"]


def test_shipped_templates_follow_the_product_description() -> None:
    phases = {key: [p["key"] for p in shipped_content(key)["phases"]] for key in SHIPPED_KEYS}
    assert phases["foundation-opportunities-action"] == ["foundation", "opportunities", "action"]
    assert phases["five-steps"] == ["intake", "processing", "wishes", "search", "aftercare"]
    assert len(phases["module-programme"]) == 9
    optional = [p["key"] for p in shipped_content("five-steps")["phases"] if p.get("optional")]
    assert optional == ["processing"]


@pytest.mark.django_db
def test_loading_is_idempotent_and_a_change_becomes_a_new_version() -> None:
    load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
    out = StringIO()
    call_command("load-programme-templates", stdout=out)
    assert "up to date" in out.getvalue()
    shipped = ProgrammeTemplate.objects.filter(agency=None)
    assert sorted(shipped.values_list("key", flat=True)) == sorted(SHIPPED_KEYS)
    assert ProgrammeTemplateVersion.objects.filter(template__in=shipped).count() == 3


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda c: c["name"].pop("nb"), "needs a text in each of"),
        (lambda c: c["phases"][0]["steps"][0]["tasks"][0]["title"].update(da=" "), "no text in da"),
        (lambda c: c["phases"][0]["steps"][0]["tasks"][0].update(due_days=-3), "due_days"),
        (lambda c: c["phases"][1].update(key=c["phases"][0]["key"]), "short key"),
        (lambda c: c.update(phases=[]), "at least one phase"),
        (lambda c: c.update(duration_months=24), "duration"),
    ],
)
def test_invalid_content_is_refused_with_a_clear_message(mutate: object, message: str) -> None:
    content = copy.deepcopy(shipped_content("foundation-opportunities-action"))
    mutate(content)  # type: ignore[operator]
    with pytest.raises(DomainError, match=message):
        validate_content(content)


@pytest.mark.parametrize("key", SHIPPED_KEYS)
def test_plan_generation_from_each_shipped_template(world: World, key: str) -> None:
    programme = make_programme(world.a, template_key=key)
    intake_complete(programme=programme, actor=world.a.coach, answers=answers(), language="da")
    content = shipped_content(key)
    today = timezone.localdate()
    tasks = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK)
    template_tasks = [
        task for phase in content["phases"] for step in phase["steps"] for task in step["tasks"]
    ]
    assert tasks.count() == len(template_tasks)
    for task in template_tasks:
        item = tasks.get(source_key=task["key"])
        assert item.title == task["title"]["da"]
        assert item.due_date == today + datetime.timedelta(days=task["due_days"])
        assert item.parent is not None
        assert item.parent.kind == PlanItemKind.MILESTONE
    phases = list(PlanPhase.objects.filter(programme=programme).order_by("position"))
    assert [p.title for p in phases] == [p["title"]["da"] for p in content["phases"]]
    milestones = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.MILESTONE)
    assert milestones.count() == sum(len(p["steps"]) for p in content["phases"])
    goals = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.GOAL)
    assert goals.count() == 4  # new job, training, other sectors, self-employment
    assert "Warehouse manager" in goals.get(position=0).title
    programme.refresh_from_db()
    assert programme.status == "active"
    assert programme.language == "da"
    assert programme.current_phase == phases[0]
    assert programme.progress_percent == 0


def test_optional_phase_is_left_out_when_no_processing_is_needed(world: World) -> None:
    programme = make_programme(world.a, template_key="five-steps")
    intake_complete(
        programme=programme,
        actor=world.a.coach,
        answers=answers(dismissal_processing="no", training_need="none", sector_change=False),
        language="nb",
    )
    keys = list(
        PlanPhase.objects.filter(programme=programme)
        .order_by("position")
        .values_list("source_key", flat=True)
    )
    assert keys == ["intake", "wishes", "search", "aftercare"]
    assert PlanPhase.objects.get(programme=programme, source_key="intake").title == (
        "Oppstartssamtale"
    )


class _FormFields(HTMLParser):
    """The values a browser would post from the page's form (inputs, textareas, checkboxes)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        name = attr.get("name") or ""
        if tag == "option" and self._select is not None and "selected" in attr:
            self.values[self._select] = attr.get("value") or ""
        if tag == "form" and "novalidate" in attr:
            self._in_form = True
        elif not self._in_form or not name or name == "csrfmiddlewaretoken":
            return
        elif tag == "input" and attr.get("type") == "checkbox":
            if "checked" in attr:
                self.values[name] = "on"
        elif tag == "input" and attr.get("type") != "submit":
            self.values[name] = attr.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""
        elif tag == "select":
            self._select = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.values[self._textarea] += (
                data.removeprefix("\n") if not self.values[self._textarea] else data
            )


def _form_of(html: str) -> dict[str, str]:
    parser = _FormFields()
    parser.feed(html)
    return parser.values


def _edit_url(world: World, template: ProgrammeTemplate) -> str:
    return reverse(
        "programmes:template_edit",
        kwargs={"agency_slug": world.a.agency.slug, "public_id": template.public_id},
    )


def _press(client: Client, url: str, form: dict[str, str], action: str) -> dict[str, str]:
    """Press one of the editor's structure buttons; returns the re-rendered form's values."""
    response = client.post(url, {**form, "action": action})
    assert response.status_code == 200
    assert "Not saved yet" in response.text
    return _form_of(response.text)


def _texts(en: str) -> dict[str, str]:
    return {"en": en, "nl": f"{en} (nl)", "da": f"{en} (da)", "nb": f"{en} (nb)"}


def _fill(form: dict[str, str], prefix: str, name: str, en: str) -> None:
    for language, text in _texts(en).items():
        form[f"{prefix}-{name}_{language}"] = text


def test_structured_editor_saves_exactly_the_edited_design(world: World, client: Client) -> None:
    running = make_programme(world.a, template_key="five-steps")
    shipped = running.template_version
    original = shipped.content
    client.force_login(world.a.admin.user)
    url = _edit_url(world, shipped.template)
    page = client.get(url)
    # Every language's texts are on the page, each in a labelled field.
    for language in LANGUAGE_CODES:
        assert escape(original["name"][language]) in page.text
        assert escape(original["phases"][0]["title"][language]) in page.text
    assert '<label class="form-label" for="id_p0-title_da">' in page.text
    form = _form_of(page.text)
    assert form["t-name_nb"] == original["name"]["nb"]
    assert form["p1-optional"] == "on"

    # Add a phase (with its first step and task), and fill it in.
    form = _press(client, url, form, "add-phase")
    new = len(original["phases"])
    assert form[f"p{new}-key"] == ""
    _fill(form, f"p{new}", "title", "Keeping the job")
    _fill(form, f"p{new}", "description", "The first months in the new job.")
    _fill(form, f"p{new}-s0", "title", "Settling in")
    _fill(form, f"p{new}-s0-t0", "title", "Meet your coach after the first month")
    form[f"p{new}-s0-t0-due_days"] = "200"
    # Add a task to the first step of the first phase.
    form = _press(client, url, form, "add-task:0.0")
    added = len(original["phases"][0]["steps"][0]["tasks"])
    _fill(form, f"p0-s0-t{added}", "title", "Bring your CV")
    _fill(form, f"p0-s0-t{added}", "description", "The latest one.")
    form[f"p0-s0-t{added}-due_days"] = "3"
    # Change a Danish text, and remove the second step of the first phase that has two.
    form["p1-title_da"] = "Bearbejd afskedigelsen"
    p = next(i for i, phase in enumerate(original["phases"]) if len(phase["steps"]) > 1)
    form = _press(client, url, form, f"remove:{p}.1")
    assert (
        f"p{p}-s1-key" not in form
        or form[f"p{p}-s1-key"] == (original["phases"][p]["steps"][2]["key"])
    )
    # Nothing is saved until the save button.
    assert not ProgrammeTemplate.objects.filter(agency=world.a.agency).exists()
    response = client.post(url, {**form, "action": "save"})
    assert response.status_code == 302

    expected = copy.deepcopy(original)
    expected["phases"][0]["steps"][0]["tasks"].append(
        {
            "key": "bring-your-cv",
            "title": _texts("Bring your CV"),
            "description": _texts("The latest one."),
            "due_days": 3,
        }
    )
    expected["phases"][1]["title"]["da"] = "Bearbejd afskedigelsen"
    del expected["phases"][p]["steps"][1]
    expected["phases"].append(
        {
            "key": "keeping-the-job",
            "optional": False,
            "title": _texts("Keeping the job"),
            "description": _texts("The first months in the new job."),
            "steps": [
                {
                    "key": "settling-in",
                    "title": _texts("Settling in"),
                    "tasks": [
                        {
                            "key": "meet-your-coach-after-the-first-month",
                            "title": _texts("Meet your coach after the first month"),
                            "due_days": 200,
                        }
                    ],
                }
            ],
        }
    )
    own = ProgrammeTemplate.objects.get(agency=world.a.agency, key="five-steps")
    version = own.versions.get()
    assert version.content == expected
    assert version.created_by == world.a.admin.user
    assert AuditEvent.objects.filter(action="programme_template.new_version").count() == 1
    # The running programme keeps the version it started on.
    running.refresh_from_db()
    assert running.template_version == shipped
    assert shipped.content == original
    # The agency's own copy now replaces the shipped one; agency B still sees the shipped one.
    page = client.get(reverse("programmes:templates", kwargs={"agency_slug": world.a.agency.slug}))
    assert str(own.public_id) in page.text
    assert str(shipped.template.public_id) not in page.text
    assert not ProgrammeTemplate.objects.filter(agency=world.b.agency).exists()
    # Editing the agency's own template saves its next version.
    form = _form_of(client.get(_edit_url(world, own)).text)
    form["t-name_en"] = "Five steps, our way"
    assert client.post(_edit_url(world, own), {**form, "action": "save"}).status_code == 302
    assert own.versions.count() == 2
    assert own.versions.first().content["name"]["en"] == "Five steps, our way"  # type: ignore[union-attr]
    second = template_version_create(template=own, actor=world.a.admin, content=expected)
    assert second.number == 3


def test_moving_entries_up_and_down(world: World, client: Client) -> None:
    load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
    template = ProgrammeTemplate.objects.get(agency=None, key="foundation-opportunities-action")
    original = template.versions.get().content
    client.force_login(world.a.admin.user)
    url = _edit_url(world, template)
    form = _form_of(client.get(url).text)
    response = client.post(url, {**form, "action": "down:0"})
    # The moved phase keeps the focus on its button, for pressing again.
    assert 'value="down:1" class="btn btn-sm btn-outline-secondary" autofocus' in response.text
    form = _press(client, url, _form_of(response.text), "up:0.0.1")
    assert client.post(url, {**form, "action": "save"}).status_code == 302
    content = ProgrammeTemplate.objects.get(agency=world.a.agency).versions.get().content
    assert [p["key"] for p in content["phases"]] == [
        original["phases"][1]["key"],
        original["phases"][0]["key"],
        original["phases"][2]["key"],
    ]
    tasks = [t["key"] for t in content["phases"][0]["steps"][0]["tasks"]]
    before = [t["key"] for t in original["phases"][1]["steps"][0]["tasks"]]
    assert tasks == [before[1], before[0], *before[2:]]


def test_editor_errors_are_shown_by_the_field_and_nothing_is_written(
    world: World, client: Client
) -> None:
    load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
    template = ProgrammeTemplate.objects.get(agency=None, key="module-programme")
    client.force_login(world.a.admin.user)
    url = _edit_url(world, template)
    form = _form_of(client.get(url).text)
    form["p0-title_en"] = "  "
    form["p0-s0-t0-due_days"] = "999"
    form["p0-s0-t0-description_nl"] = "Alleen in het Nederlands"
    form["p1-title_da"] = "Min egen danske titel"
    form["t-duration_months"] = "24"
    response = client.post(url, {**form, "action": "save"})
    assert response.status_code == 200
    text = response.text
    assert "Nothing was saved" in text
    assert 'id="id_p0-title_en-error"' in text
    assert 'aria-invalid="true" aria-describedby="id_p0-title_en-error"' in text
    assert 'id="id_p0-s0-t0-due_days-error"' in text
    assert "less than or equal to 730" in text
    assert 'id="id_p0-s0-t0-description_da-error"' in text
    assert 'id="id_t-duration_months-error"' in text
    # Every typed value comes back, the wrong ones included.
    again = _form_of(text)
    assert again["p1-title_da"] == "Min egen danske titel"
    assert again["p0-s0-t0-due_days"] == "999"
    assert again["p0-s0-t0-description_nl"] == "Alleen in het Nederlands"
    assert again == form
    # A step without tasks is named at the step.
    form = _form_of(client.get(url).text)
    tasks = len(template.versions.get().content["phases"][0]["steps"][0]["tasks"])
    for _ in range(tasks):
        form = _press(client, url, form, "remove:0.0.0")
    response = client.post(url, {**form, "action": "save"})
    assert "Add at least one task." in response.text
    assert not ProgrammeTemplate.objects.filter(agency=world.a.agency).exists()
    assert ProgrammeTemplateVersion.objects.count() == len(SHIPPED_KEYS)
    assert not AuditEvent.objects.filter(action="programme_template.new_version").exists()


def test_editor_reads_the_structure_whatever_the_order_of_the_posted_fields() -> None:
    content = shipped_content("module-programme")
    draft = draft_from_content(content)
    bound = TemplateEditor(draft, bound=True)
    posted: dict[str, Any] = {}
    for form in [bound.meta, *(entry.form for entry in bound.entries())]:
        posted.update(form.data)
    shuffled = dict(reversed(list(posted.items())))
    editor = TemplateEditor(draft_from_post(shuffled), bound=True)
    assert editor.is_valid()
    assert editor.content() == content


def test_editor_query_counts(
    world: World, client: Client, django_assert_max_num_queries: Any
) -> None:
    load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
    template = ProgrammeTemplate.objects.get(agency=None, key="module-programme")
    client.force_login(world.a.admin.user)
    url = _edit_url(world, template)
    with django_assert_max_num_queries(12):
        form = _form_of(client.get(url).text)
    with django_assert_max_num_queries(12):
        client.post(url, {**form, "action": "add-task:2.0"})
    form["t-name_en"] = "Our modules"
    with django_assert_max_num_queries(20):
        assert client.post(url, {**form, "action": "save"}).status_code == 302


def test_editor_stays_under_the_limit_of_posted_fields(
    world: World, client: Client, settings: Any
) -> None:
    load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
    template = ProgrammeTemplate.objects.get(agency=None, key="module-programme")
    client.force_login(world.a.admin.user)
    url = _edit_url(world, template)
    form = _form_of(client.get(url).text)
    draft = draft_from_content(template.versions.get().content)
    # The count the editor plans with is what the page posts (with the token and the action),
    # the unticked "optional" boxes included.
    unticked = sum(1 for phase in draft.phases if not phase.values["optional"])
    assert field_count(draft) == len(form) + 2 + unticked
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = field_count(draft) + 10
    response = client.post(url, {**form, "action": "add-phase"})
    assert response.status_code == 200
    assert "as large as the editor can save" in response.text
    assert f"p{len(draft.phases)}-key" not in _form_of(response.text)
