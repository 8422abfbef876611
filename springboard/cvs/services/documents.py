"""Creating CVs and letters and saving their immutable versions."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from springboard.cvs import tasks
from springboard.cvs.content import CONTROLS, clean_content
from springboard.cvs.models import Cv, CvVersion, Letter, LetterVersion
from springboard.lib.errors import DomainError
from springboard.programmes.services import plan_tasks_complete_for_tool
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role

# A candidate with more documents than this has lost track; the list would not help them either.
MAX_DOCUMENTS = 50
LETTER_LIMITS = {"recipient": 300, "subject": 200, "body": 8000}


def renderings_enqueue(version_ids: Iterable[UUID | str]) -> None:
    """Render these versions once the transaction commits (one task for the whole batch)."""
    ids = [str(version_id) for version_id in version_ids]
    if ids:
        transaction.on_commit(partial(tasks.render_cv_versions.enqueue, version_ids=ids))


class VersionConflict(Exception):
    """The document moved on since the editor opened it; `current` is the newer version."""

    def __init__(self, current: CvVersion | LetterVersion) -> None:
        super().__init__("version conflict")
        self.current = current


def _check_candidate(candidate: Membership) -> None:
    if candidate.role != Role.CANDIDATE:
        raise DomainError(_("Only candidates have CVs and letters."))


def cv_create(
    *,
    candidate: Membership,
    saved_by: Membership,
    title: str,
    language: str,
    design: str,
    target_role: str = "",
    content: dict[str, Any],
) -> Cv:
    """A new CV with its first version (content cleaned; raises ContentError)."""
    _check_candidate(candidate)
    cleaned = clean_content(content)
    with transaction.atomic():
        if Cv.objects.filter(candidate=candidate).count() >= MAX_DOCUMENTS:
            raise DomainError(_("You have too many CVs; delete one first."))
        cv = Cv.objects.create(
            agency_id=candidate.agency_id,
            candidate=candidate,
            title=title,
            language=language,
            design=design,
            target_role=target_role,
            latest_number=1,
        )
        first = CvVersion.objects.create(cv=cv, number=1, content=cleaned, saved_by=saved_by)
        renderings_enqueue([first.public_id])
        # A plan task "write your CV" is done once the candidate has one.
        plan_tasks_complete_for_tool(candidate=candidate, tool="cv", actor=saved_by)
    return cv


def cv_version_save(
    *, cv: Cv, saved_by: Membership, base_number: int, content: dict[str, Any]
) -> CvVersion:
    """A new version over `base_number`; raises VersionConflict when another save came first."""
    cleaned = clean_content(content)
    with transaction.atomic():
        locked = Cv.objects.select_for_update().get(pk=cv.pk)
        if locked.latest_number != base_number:
            raise VersionConflict(locked.versions.order_by("-number").first() or CvVersion())
        locked.latest_number += 1
        locked.save(update_fields=["latest_number", "updated_at"])
        version = CvVersion.objects.create(
            cv=locked, number=locked.latest_number, content=cleaned, saved_by=saved_by
        )
        renderings_enqueue([version.public_id])
    cv.latest_number = locked.latest_number
    return version


def cv_settings_update(*, cv: Cv, title: str, language: str, design: str, target_role: str) -> Cv:
    """Name, language, design and target role: not content, so no new version. A new design or
    language re-renders every version in the background."""
    looks_changed = (cv.language, cv.design) != (language, design)
    cv.title, cv.language, cv.design, cv.target_role = title, language, design, target_role
    with transaction.atomic():
        cv.save(update_fields=["title", "language", "design", "target_role", "updated_at"])
        if looks_changed:
            renderings_enqueue(cv.versions.values_list("public_id", flat=True))
    return cv


def _delete(document: Cv | Letter) -> None:
    """Delete with every version, unless something else points at a version (an application
    that names the exact version sent protects it)."""
    try:
        with transaction.atomic():
            document.delete()
    except (ProtectedError, RestrictedError) as error:
        raise DomainError(
            _("A version of this was sent with an application, so it is kept.")
        ) from error


def cv_delete(*, cv: Cv) -> None:
    _delete(cv)


def clean_letter(content: dict[str, Any]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for name, limit in LETTER_LIMITS.items():
        value = content.get(name) or ""
        if not isinstance(value, str):
            raise DomainError(_("Expected text."), field=name)
        value = CONTROLS.sub("", value).strip()
        if len(value) > limit:
            raise DomainError(
                _("At most %(limit)s characters, please.") % {"limit": limit}, field=name
            )
        cleaned[name] = value
    return cleaned


def letter_create(
    *,
    candidate: Membership,
    saved_by: Membership,
    title: str,
    language: str,
    design: str,
    vacancy_ref: UUID | None = None,
    content: dict[str, Any],
) -> Letter:
    _check_candidate(candidate)
    cleaned = clean_letter(content)
    with transaction.atomic():
        if Letter.objects.filter(candidate=candidate).count() >= MAX_DOCUMENTS:
            raise DomainError(_("You have too many letters; delete one first."))
        letter = Letter.objects.create(
            agency_id=candidate.agency_id,
            candidate=candidate,
            title=title,
            language=language,
            design=design,
            vacancy_ref=vacancy_ref,
            latest_number=1,
        )
        LetterVersion.objects.create(letter=letter, number=1, content=cleaned, saved_by=saved_by)
    return letter


def letter_version_save(
    *,
    letter: Letter,
    saved_by: Membership,
    base_number: int,
    content: dict[str, Any],
    title: str | None = None,
) -> LetterVersion:
    cleaned = clean_letter(content)
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        if locked.latest_number != base_number:
            raise VersionConflict(locked.versions.order_by("-number").first() or LetterVersion())
        locked.latest_number += 1
        if title:
            locked.title = title
        locked.save(update_fields=["latest_number", "title", "updated_at"])
        version = LetterVersion.objects.create(
            letter=locked, number=locked.latest_number, content=cleaned, saved_by=saved_by
        )
    letter.latest_number, letter.title = locked.latest_number, locked.title
    return version


def letter_delete(*, letter: Letter) -> None:
    _delete(letter)
