"""The structured editor of a programme template: phases → steps → tasks, every text in each
language, as plain labelled form fields.

It works without JavaScript. The page posts one form; its submit buttons carry an `action`:
"save", or a change to the structure ("add-phase", "add-step:0", "add-task:0.1", "remove:0.1",
"up:0.1.2", "down:0") that re-renders the form with every typed value kept and nothing saved.
Each phase, step and task is a small Django form with a prefix naming its place ("p0", "p0-s1",
"p0-s1-t2"); the entries present are read back from their (hidden) key fields, so the structure
needs no counters.

Saving builds the content document (`content.py`) and leaves the rest to
`services.template_version_create`. The forms check what belongs next to a field (a missing
text, a due day out of range); the document validation stays the final word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _

from springboard.programmes.content import MAX_DUE_DAYS
from springboard.programmes.tools import TOOLS

LANGUAGES: tuple[tuple[str, Any], ...] = tuple(settings.LANGUAGES)
_KEY = re.compile(r"^p(\d+)(?:-s(\d+))?(?:-t(\d+))?-key$")
_ACTION = re.compile(r"^(add-phase|add-step|add-task|remove|up|down)(?::(\d+(?:\.\d+){0,2}))?$")

Values = dict[str, Any]


class _TextsForm(forms.Form):
    """A form with one field per language for each of its texts: `title_en`, `title_nl`, …"""

    # (name, label, required, max_length, textarea)
    texts: ClassVar[tuple[tuple[str, Any, bool, int, bool], ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, required, max_length, textarea in self.texts:
            for code, language in LANGUAGES:
                self.fields[f"{name}_{code}"] = forms.CharField(
                    label=format_lazy("{label} ({language})", label=label, language=language),
                    required=required,
                    max_length=max_length,
                    widget=forms.Textarea(attrs={"rows": 2}) if textarea else forms.TextInput,
                )

    def text_rows(self) -> list[list[forms.BoundField]]:
        """The bound fields grouped per text, each group holding one field per language."""
        return [[self[f"{name}_{code}"] for code, _l in LANGUAGES] for name, *_r in self.texts]

    def text(self, name: str) -> dict[str, str]:
        return {code: self.cleaned_data[f"{name}_{code}"] for code, _l in LANGUAGES}


class TemplateMetaForm(_TextsForm):
    texts = (
        ("name", _("Name"), True, 200, False),
        ("description", _("Description"), True, 2000, True),
    )
    duration_months = forms.IntegerField(
        label=_("Duration (months)"),
        min_value=3,
        max_value=12,
        help_text=_("The usual length of a programme, from 3 to 12 months."),
    )


class PhaseForm(_TextsForm):
    texts = (
        ("title", _("Title"), True, 200, False),
        ("description", _("Description"), True, 2000, True),
    )
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=60)
    optional = forms.BooleanField(
        label=_("Optional: left out when the intake says the dismissal needs no processing"),
        required=False,
    )


class StepForm(_TextsForm):
    texts = (("title", _("Title"), True, 300, False),)
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=60)


class TaskForm(_TextsForm):
    texts = (
        ("title", _("Title"), True, 300, False),
        ("description", _("Description (optional)"), False, 2000, True),
    )
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=60)
    due_days = forms.IntegerField(
        label=_("Due (days after the plan is made)"),
        min_value=0,
        max_value=MAX_DUE_DAYS,
        help_text=_("A whole number from 0 to 730."),
    )
    tool = forms.ChoiceField(
        label=_("Opens"),
        required=False,
        choices=[("", _("Nothing: a plain task"))]
        + [(key, tool.name) for key, tool in TOOLS.items()],
        help_text=_("The page that does this task's work; the task is done when that work is."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        written = [code for code, _l in LANGUAGES if cleaned.get(f"description_{code}")]
        if written and len(written) < len(LANGUAGES):
            for code, _l in LANGUAGES:
                if code not in written and f"description_{code}" not in self.errors:
                    self.add_error(
                        f"description_{code}",
                        _("Write the description in every language, or leave all of them empty."),
                    )
        return cleaned


# --- the draft: the structure with the values as typed ------------------------------------------


@dataclass
class Node:
    """One phase, step or task of the draft, with its values as typed (or as stored)."""

    values: Values
    children: list[Node] = field(default_factory=list)


@dataclass
class Draft:
    meta: Values
    phases: list[Node]


def _form_values(form_class: type[_TextsForm], data: Mapping[str, Any], prefix: str) -> Values:
    """The raw posted values of one form, keyed by field name."""
    form = form_class(prefix=prefix)
    values: Values = {}
    for name, bound_field in form.fields.items():
        posted = data.get(form.add_prefix(name))
        if isinstance(bound_field.widget, forms.CheckboxInput):
            values[name] = posted not in (None, "", "false", "0", "off")
        else:
            values[name] = posted if posted is not None else ""
    return values


def _content_values(item: Mapping[str, Any], texts: tuple[str, ...], **extra: Any) -> Values:
    values: Values = dict(extra)
    for name in texts:
        text = item.get(name) or {}
        for code, _l in LANGUAGES:
            values[f"{name}_{code}"] = text.get(code, "") if isinstance(text, dict) else ""
    return values


def draft_from_content(content: Mapping[str, Any]) -> Draft:
    meta = _content_values(
        content, ("name", "description"), duration_months=content.get("duration_months", 6)
    )
    phases = [
        Node(
            _content_values(
                phase,
                ("title", "description"),
                key=phase.get("key", ""),
                optional=bool(phase.get("optional", False)),
            ),
            [
                Node(
                    _content_values(step, ("title",), key=step.get("key", "")),
                    [
                        Node(
                            _content_values(
                                task,
                                ("title", "description"),
                                key=task.get("key", ""),
                                due_days=task.get("due_days", ""),
                                tool=task.get("tool", ""),
                            )
                        )
                        for task in step.get("tasks", [])
                    ],
                )
                for step in phase.get("steps", [])
            ],
        )
        for phase in content.get("phases", [])
    ]
    return Draft(meta=meta, phases=phases)


def draft_from_post(data: Mapping[str, Any]) -> Draft:
    """Read the posted structure back: every entry posts its hidden key field."""
    found: dict[tuple[int, ...], None] = {}
    for name in data:
        if match := _KEY.match(name):
            found[tuple(int(part) for part in match.groups() if part is not None)] = None
    phases: dict[int, Node] = {}
    steps: dict[tuple[int, int], Node] = {}
    for path in sorted(found, key=lambda path: (len(path), path)):  # parents first
        if len(path) == 1:
            phases[path[0]] = Node(_form_values(PhaseForm, data, _prefix(path)))
        elif len(path) == 2 and path[0] in phases:
            steps[path] = Node(_form_values(StepForm, data, _prefix(path)))
        elif len(path) == 3 and path[:2] in steps:
            steps[path[:2]].children.append(Node(_form_values(TaskForm, data, _prefix(path))))
    for (phase, _step), node in sorted(steps.items()):
        phases[phase].children.append(node)
    return Draft(
        meta=_form_values(TemplateMetaForm, data, "t"),
        phases=[phases[p] for p in sorted(phases)],
    )


def _prefix(path: tuple[int, ...]) -> str:
    return "-".join(f"{letter}{index}" for letter, index in zip("pst", path, strict=False))


def _empty(level: int) -> Node:
    form_class = (PhaseForm, StepForm, TaskForm)[level]
    values = _form_values(form_class, {}, "x")
    if level == 0:
        return Node(values, [_empty(1)])
    if level == 1:
        return Node(values, [_empty(2)])
    return Node(values)


@dataclass
class Focus:
    """Where the keyboard focus goes after a change: a new entry's first field, or a button."""

    path: tuple[int, ...] | None = None
    button: str = ""
    error: str = ""


# Fields each entry posts: the page must stay under DATA_UPLOAD_MAX_NUMBER_FIELDS, or Django
# refuses the whole request.
_FIELDS_PER_PHASE = 2 + 2 * len(LANGUAGES)  # key, optional, title, description
_FIELDS_PER_STEP = 1 + len(LANGUAGES)  # key, title
_FIELDS_PER_TASK = 3 + 2 * len(LANGUAGES)  # key, due_days, tool, title, description
_FIELDS_OTHER = 3 + 2 * len(LANGUAGES)  # csrf token, action, duration, name, description


def field_count(draft: Draft) -> int:
    return _FIELDS_OTHER + sum(
        _FIELDS_PER_PHASE
        + sum(_FIELDS_PER_STEP + _FIELDS_PER_TASK * len(step.children) for step in phase.children)
        for phase in draft.phases
    )


def _too_large(draft: Draft) -> bool:
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    needed = _FIELDS_PER_PHASE + _FIELDS_PER_STEP + _FIELDS_PER_TASK
    return limit is not None and field_count(draft) + needed > limit


def apply_action(draft: Draft, action: str) -> Focus | None:
    """Change the draft's structure; None when the action is not a change of structure."""
    match = _ACTION.match(action)
    if match is None:
        return None
    verb, where = match.groups()
    path = tuple(int(part) for part in where.split(".")) if where else ()
    if verb.startswith("add") and _too_large(draft):
        return Focus(error=str(_("The template is as large as the editor can save.")))
    try:
        if verb == "add-phase" and not path:
            draft.phases.append(_empty(0))
            return Focus(path=(len(draft.phases) - 1,))
        if verb == "add-step" and len(path) == 1:
            steps = draft.phases[path[0]].children
            steps.append(_empty(1))
            return Focus(path=(*path, len(steps) - 1))
        if verb == "add-task" and len(path) == 2:
            tasks = draft.phases[path[0]].children[path[1]].children
            tasks.append(_empty(2))
            return Focus(path=(*path, len(tasks) - 1))
        if verb in {"remove", "up", "down"} and path:
            siblings = _siblings(draft, path)
            index = path[-1]
            if verb == "remove":
                del siblings[index]
                parent = path[:-1]
                add = ("add-phase", "add-step", "add-task")[len(parent)]
                return Focus(button=f"{add}:{_where(parent)}" if parent else add)
            target = index - 1 if verb == "up" else index + 1
            if 0 <= target < len(siblings):
                siblings[index], siblings[target] = siblings[target], siblings[index]
                index = target
            moved = (*path[:-1], index)
            # At either end the button pressed is gone: focus its opposite.
            if index == 0:
                verb = "down"
            elif index == len(siblings) - 1:
                verb = "up"
            return Focus(button=f"{verb}:{_where(moved)}" if len(siblings) > 1 else "")
    except IndexError:
        return Focus()
    return Focus()


def _where(path: tuple[int, ...]) -> str:
    return ".".join(str(index) for index in path)


def _siblings(draft: Draft, path: tuple[int, ...]) -> list[Node]:
    siblings = draft.phases
    for index in path[:-1]:
        siblings = siblings[index].children
    if not 0 <= path[-1] < len(siblings):
        raise IndexError(path)
    return siblings


# --- the editor: forms for the draft, and the content they make ----------------------------------


@dataclass
class Entry:
    """One phase, step or task as rendered: its form, place, position and children."""

    form: _TextsForm
    path: tuple[int, ...]
    count: int  # how many siblings it has, itself included
    children: list[Entry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return _where(self.path)

    @property
    def up_action(self) -> str:
        return f"up:{self.where}"

    @property
    def down_action(self) -> str:
        return f"down:{self.where}"

    @property
    def remove_action(self) -> str:
        return f"remove:{self.where}"

    @property
    def add_action(self) -> str:
        return f"{('add-step', 'add-task')[len(self.path) - 1]}:{self.where}"

    @property
    def number(self) -> int:
        return self.path[-1] + 1

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(index + 1 for index in self.path)

    @property
    def is_first(self) -> bool:
        return self.path[-1] == 0

    @property
    def is_last(self) -> bool:
        return self.path[-1] == self.count - 1

    @property
    def anchor(self) -> str:
        return "entry-" + _prefix(self.path)


class TemplateEditor:
    """The forms of one draft. Bound to its values (to validate them) or showing them."""

    def __init__(self, draft: Draft, *, bound: bool, focus: Focus | None = None) -> None:
        self.bound = bound
        self.meta = self._form(TemplateMetaForm, draft.meta, "t")
        self.phases = [
            self._entry(PhaseForm, phase, (p,), len(draft.phases))
            for p, phase in enumerate(draft.phases)
        ]
        self.errors: list[str] = [focus.error] if focus and focus.error else []
        self.failed = False  # a save was refused: the page says so at the top
        self.changed = focus is not None
        self.focus_button = focus.button if focus else ""
        if focus is not None and focus.path is not None:
            entry = self._find(focus.path)
            if entry is not None and entry.path == focus.path:
                entry.form.fields["title_en"].widget.attrs["autofocus"] = True

    def _form(self, form_class: type[_TextsForm], values: Values, prefix: str) -> _TextsForm:
        if not self.bound:
            return form_class(initial=values, prefix=prefix)
        data: dict[str, Any] = {}
        for name, value in values.items():
            if value is False:
                continue
            data[f"{prefix}-{name}"] = "on" if value is True else value
        return form_class(data=data, prefix=prefix)

    def _entry(
        self, form_class: type[_TextsForm], node: Node, path: tuple[int, ...], count: int
    ) -> Entry:
        child_class: type[_TextsForm] | None = {1: StepForm, 2: TaskForm}.get(len(path))
        return Entry(
            form=self._form(form_class, node.values, _prefix(path)),
            path=path,
            count=count,
            children=[
                self._entry(child_class, child, (*path, i), len(node.children))
                for i, child in enumerate(node.children)
            ]
            if child_class is not None
            else [],
        )

    def _find(self, path: tuple[int, ...]) -> Entry | None:
        entries, found = self.phases, None
        for index in path:
            if not 0 <= index < len(entries):
                return found
            found = entries[index]
            entries = found.children
        return found

    def entries(self) -> Iterator[Entry]:
        for phase in self.phases:
            yield phase
            for step in phase.children:
                yield step
                yield from step.children

    def is_valid(self) -> bool:
        valid = self.meta.is_valid()
        if not self.phases:
            self.errors.append(str(_("Add at least one phase.")))
            valid = False
        for entry in self.entries():
            valid = entry.form.is_valid() and valid
            if len(entry.path) < 3 and not entry.children:
                entry.errors.append(
                    str(_("Add at least one step."))
                    if len(entry.path) == 1
                    else str(_("Add at least one task."))
                )
                valid = False
        return valid

    def content(self) -> dict[str, Any]:
        """The template document of a valid editor; new entries get a key of their own."""
        keys = {e.form.cleaned_data["key"] for e in self.entries() if e.form.cleaned_data["key"]}
        keys_given: set[str] = set()

        def key_of(entry: Entry, fallback: str) -> str:
            key = entry.form.cleaned_data["key"]
            if key and key not in keys_given:
                keys_given.add(key)
                return str(key)
            base = slugify(entry.form.cleaned_data["title_en"])[:50] or fallback
            candidate, n = base, 2
            while candidate in keys or candidate in keys_given:
                candidate, n = f"{base}-{n}", n + 1
            keys_given.add(candidate)
            return candidate

        def task(entry: Entry) -> dict[str, Any]:
            form = entry.form
            item: dict[str, Any] = {"key": key_of(entry, "task"), "title": form.text("title")}
            description = form.text("description")
            if any(description.values()):
                item["description"] = description
            if form.cleaned_data["tool"]:
                item["tool"] = form.cleaned_data["tool"]
            item["due_days"] = form.cleaned_data["due_days"]
            return item

        return {
            "name": self.meta.text("name"),
            "description": self.meta.text("description"),
            "duration_months": self.meta.cleaned_data["duration_months"],
            "phases": [
                {
                    "key": key_of(phase, "phase"),
                    "optional": bool(phase.form.cleaned_data["optional"]),
                    "title": phase.form.text("title"),
                    "description": phase.form.text("description"),
                    "steps": [
                        {
                            "key": key_of(step, "step"),
                            "title": step.form.text("title"),
                            "tasks": [task(t) for t in step.children],
                        }
                        for step in phase.children
                    ],
                }
                for phase in self.phases
            ],
        }
