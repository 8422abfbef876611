"""The shape of a programme template's content, its validation, and loading the shipped ones.

A template is data: phases → steps → suggested tasks with a due day relative to the start of
the plan. Every text is a mapping {"en", "nl", "da", "nb"} so a plan comes out in the
candidate's language. The shipped templates live in `data/*.json`; `load_shipped_templates`
is idempotent (a changed file becomes a new version, an unchanged one writes nothing) and is
used by the data migration, `springboard load-programme-templates` and the demo.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from springboard.lib.errors import DomainError
from springboard.programmes.models import LANGUAGE_CODES
from springboard.programmes.tools import TOOL_KEYS

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_KEYS = ("foundation-opportunities-action", "five-steps", "module-programme")
MAX_DUE_DAYS = 730


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def _text(value: Any, where: str, *, required: bool = True) -> None:
    if value is None and not required:
        return
    if not isinstance(value, dict) or set(value) != set(LANGUAGE_CODES):
        raise DomainError(
            _("%(where)s needs a text in each of: %(languages)s.")
            % {"where": where, "languages": ", ".join(LANGUAGE_CODES)}
        )
    for language, text in value.items():
        if not isinstance(text, str) or not text.strip():
            raise DomainError(
                _("%(where)s has no text in %(language)s.") % {"where": where, "language": language}
            )


def _key(value: Any, where: str, seen: set[str]) -> None:
    if not isinstance(value, str) or not value or len(value) > 60 or value in seen:
        raise DomainError(_("%(where)s needs a short key of its own.") % {"where": where})
    seen.add(value)


def validate_content(content: Any) -> dict[str, Any]:
    """Check a whole template document; the first problem is raised as a DomainError."""
    if not isinstance(content, dict):
        raise DomainError(_("The template must be a JSON object."))
    _text(content.get("name"), _("The name"))
    _text(content.get("description"), _("The description"))
    months = content.get("duration_months")
    if not isinstance(months, int) or not 3 <= months <= 12:
        raise DomainError(_("The duration must be a whole number of months from 3 to 12."))
    phases = content.get("phases")
    if not isinstance(phases, list) or not phases:
        raise DomainError(_("The template needs at least one phase."))
    keys: set[str] = set()
    for p, phase in enumerate(phases, start=1):
        where = _("Phase %(number)s") % {"number": p}
        if not isinstance(phase, dict):
            raise DomainError(_("%(where)s must be a JSON object.") % {"where": where})
        _key(phase.get("key"), where, keys)
        _text(phase.get("title"), where)
        _text(phase.get("description"), where)
        if not isinstance(phase.get("optional", False), bool):
            raise DomainError(_("%(where)s: optional must be true or false.") % {"where": where})
        steps = phase.get("steps")
        if not isinstance(steps, list) or not steps:
            raise DomainError(_("%(where)s needs at least one step.") % {"where": where})
        for s, step in enumerate(steps, start=1):
            where = _("Phase %(phase)s, step %(step)s") % {"phase": p, "step": s}
            if not isinstance(step, dict):
                raise DomainError(_("%(where)s must be a JSON object.") % {"where": where})
            _key(step.get("key"), where, keys)
            _text(step.get("title"), where)
            tasks = step.get("tasks")
            if not isinstance(tasks, list) or not tasks:
                raise DomainError(_("%(where)s needs at least one task.") % {"where": where})
            for t, task in enumerate(tasks, start=1):
                where = _("Phase %(phase)s, step %(step)s, task %(task)s") % {
                    "phase": p,
                    "step": s,
                    "task": t,
                }
                if not isinstance(task, dict):
                    raise DomainError(_("%(where)s must be a JSON object.") % {"where": where})
                _key(task.get("key"), where, keys)
                _text(task.get("title"), where)
                _text(task.get("description"), where, required=False)
                if "tool" in task and task["tool"] not in TOOL_KEYS:
                    raise DomainError(
                        _("%(where)s names an unknown tool: %(tool)s.")
                        % {"where": where, "tool": str(task["tool"])[:60]}
                    )
                due = task.get("due_days")
                if (
                    not isinstance(due, int)
                    or isinstance(due, bool)
                    or not 0 <= due <= MAX_DUE_DAYS
                ):
                    raise DomainError(
                        _("%(where)s needs due_days: a whole number of days from 0 to 730.")
                        % {"where": where}
                    )
    return content


def iter_texts(content: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every translatable text of a template document with a path naming it (for tests)."""
    texts: list[tuple[str, Any]] = [
        ("name", content["name"]),
        ("description", content["description"]),
    ]
    for phase in content["phases"]:
        texts += [(f"{phase['key']}.title", phase["title"])]
        texts += [(f"{phase['key']}.description", phase["description"])]
        for step in phase["steps"]:
            texts.append((f"{step['key']}.title", step["title"]))
            for task in step["tasks"]:
                texts.append((f"{task['key']}.title", task["title"]))
                if "description" in task:
                    texts.append((f"{task['key']}.description", task["description"]))
    return texts


def shipped_content(key: str) -> dict[str, Any]:
    return validate_content(json.loads((DATA_DIR / f"{key}.json").read_text(encoding="utf-8")))


def load_shipped_templates(template_model: Any, version_model: Any) -> list[str]:
    """Create or update the shipped templates; returns the keys that got a new version.

    Takes the model classes so the data migration can pass its historical models.
    """
    changed: list[str] = []
    for key in SHIPPED_KEYS:
        content = shipped_content(key)
        digest = content_hash(content)
        template, _created = template_model.objects.get_or_create(agency=None, key=key)
        latest = version_model.objects.filter(template=template).order_by("-number").first()
        if latest is not None and latest.content_sha256 == digest:
            continue
        version_model.objects.create(
            template=template,
            number=(latest.number + 1) if latest else 1,
            content=content,
            content_sha256=digest,
        )
        changed.append(key)
    return changed
