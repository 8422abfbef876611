"""The rows of a profile's sections (jobs, achievements, education, languages): one way to
add, change over a known version, and delete them."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from springboard.lib.errors import DomainError
from springboard.profiles.models import (
    Achievement,
    CareerEntry,
    Education,
    LanguageSkill,
    Profile,
    ProfileSkill,
)
from springboard.profiles.services.profile import ProfileConflict

SectionRow = TypeVar("SectionRow", CareerEntry, Achievement, Education, LanguageSkill)

# How many rows one section may hold: enough for any career, a bound for a misbehaving client.
SECTION_MAX_ROWS = 200


def _check_partial_dates(values: dict[str, Any]) -> None:
    start = (values.get("start_year"), values.get("start_month"))
    end = (values.get("end_year"), values.get("end_month"))
    if end[1] and not end[0]:
        raise DomainError(_("Give the year as well as the month."), field="end_year")
    if start[1] and not start[0]:
        raise DomainError(_("Give the year as well as the month."), field="start_year")
    if start[0] and end[0] and (end[0], end[1] or 12) < (start[0], start[1] or 1):
        raise DomainError(_("The end must not be before the start."), field="end_year")


def _validate(row: models.Model) -> None:
    """The model's own bounds, as a domain error (forms and schemas checked them already; this
    keeps a caller that did not from storing a bad row)."""
    try:
        row.full_clean(exclude=["profile", "occupation"], validate_unique=False)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error


def section_row_save[SectionRow: (CareerEntry, Achievement, Education, LanguageSkill)](
    *,
    profile: Profile,
    model: type[SectionRow],
    row: SectionRow | None,
    expected_version: int | None,
    values: dict[str, Any],
    skills: list[ProfileSkill] | None = None,
) -> SectionRow:
    """Add a row (`row` None) or change one over the version the editor started from.

    `values` are model fields already validated by a form or schema; linked rows (a job, skills)
    must belong to the same profile. Achievements take their `skills` separately.
    """
    if "start_year" in values or "end_year" in values:
        _check_partial_dates(values)
    career = values.get("career_entry")
    if career is not None and career.profile_id != profile.pk:
        raise DomainError(_("Choose one of your own jobs."), field="career_entry")
    if skills and any(skill.profile_id != profile.pk for skill in skills):
        raise DomainError(_("Choose skills of your own profile."), field="skills")
    with transaction.atomic():
        if row is None:
            if model.objects.filter(profile=profile).count() >= SECTION_MAX_ROWS:
                raise DomainError(_("This section is full."))
            saved = model(profile=profile, **values)
            _validate(saved)
            saved.save()
        else:
            saved = model.objects.select_for_update().get(pk=row.pk, profile=profile)
            if saved.version != expected_version:
                raise ProfileConflict
            for name, value in values.items():
                setattr(saved, name, value)
            saved.version += 1
            _validate(saved)
            saved.save()
        if skills is not None and isinstance(saved, Achievement):
            saved.skills.set(skills)
    return saved


def section_row_delete(*, profile: Profile, row: models.Model) -> None:
    type(row)._default_manager.filter(pk=row.pk, profile=profile).delete()
