"""Which models hold personal data, and what export, erasure and retention do with them.

Every app that stores something about a person declares each such model once, in its own
`personal_data.py` (found and imported when the privacy app is ready): either `personal_data(...)`
(where the rows of one person are, under which export file, under which retention kind, and
whether erasure deletes or anonymises them) or `out_of_scope(...)` with the reason. A test walks
the model graph and fails on any model that can reach a person but has neither, so a new model
cannot be forgotten by the export, the erasure or the retention job.

The person is a `tenancy.Membership`: what an agency holds about someone is held per agency, so
exporting or erasing in one agency never reads or touches what another agency holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionKind(models.TextChoices):
    """Kinds of record an agency sets a retention period for (days after the last programme)."""

    ACCOUNT = "account", _("Account and enrolment")
    PROFILE = "profile", _("Competence profile")
    ASSESSMENTS = "assessments", _("Tests and questionnaires")
    CVS = "cvs", _("CVs and letters")
    JOB_SEARCH = "job_search", _("Applications and job search")
    NETWORK = "network", _("Network")
    COACHING = "coaching", _("Coaching sessions and notes")
    PLAN = "plan", _("Programme plan and activity")
    WELLBEING = "wellbeing", _("Wellbeing check-ins")
    OUTCOMES = "outcomes", _("Outcomes and aftercare")
    CONSENTS = "consents", _("Consents")
    AUDIT = "audit", _("Audit log")


OnErase = Literal["delete", "anonymise", "keep"]
# Rows of one person in one agency: a path from the model to its `tenancy.Membership`
# ("profile__membership"; "" for Membership itself), or a function returning them.
Subject = str | Callable[[models.Model], models.QuerySet[Any]]


@dataclass(frozen=True)
class PersonalData:
    model: type[models.Model]
    subject: Subject
    export_as: str  # file stem in the export ZIP: "profile" → profile.json
    retention: RetentionKind
    # delete: rows go; anonymise: rows stay (employer reports count them) with `anonymise`
    # applied; keep: rows stay as they are (only with a reason, e.g. the erasure record itself).
    on_erase: OnErase = "delete"
    anonymise: Mapping[str, Any] = field(default_factory=dict)
    files: tuple[str, ...] = ()  # FileFields whose files go into the export and go on erasure
    exclude: tuple[str, ...] = ()  # fields never exported (secrets, internal keys)
    reason: str = ""  # why `keep` (required then)

    def rows(self, membership: models.Model) -> models.QuerySet[Any]:
        """This person's rows in this model (one agency: the membership's)."""
        if callable(self.subject):
            return self.subject(membership)
        if self.subject == "":
            return self.model._default_manager.filter(pk=membership.pk)
        return self.model._default_manager.filter(**{self.subject: membership})


@dataclass(frozen=True)
class OutOfScope:
    model: type[models.Model]
    reason: str


_registry: dict[type[models.Model], PersonalData | OutOfScope] = {}


def personal_data(
    model: type[models.Model],
    *,
    subject: Subject,
    export_as: str,
    retention: RetentionKind,
    on_erase: OnErase = "delete",
    anonymise: Mapping[str, Any] | None = None,
    files: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    reason: str = "",
) -> None:
    """Declare that `model` holds personal data of the person reached through `subject`."""
    if on_erase == "anonymise" and not anonymise:
        raise ValueError(f"{model._meta.label}: anonymise needs the fields to overwrite")
    if on_erase == "keep" and not reason:
        raise ValueError(f"{model._meta.label}: keeping rows on erasure needs a reason")
    _register(
        PersonalData(
            model=model,
            subject=subject,
            export_as=export_as,
            retention=retention,
            on_erase=on_erase,
            anonymise=dict(anonymise or {}),
            files=files,
            exclude=exclude,
            reason=reason,
        )
    )


def out_of_scope(model: type[models.Model], reason: str) -> None:
    """Declare that `model` holds no personal data to export or erase, and why."""
    if not reason.strip():
        raise ValueError(f"{model._meta.label}: out of scope needs a reason")
    _register(OutOfScope(model=model, reason=reason))


def _register(entry: PersonalData | OutOfScope) -> None:
    existing = _registry.get(entry.model)
    if existing is not None and existing != entry:
        raise ValueError(f"{entry.model._meta.label} is declared twice")
    _registry[entry.model] = entry


def declarations() -> list[PersonalData]:
    """Every personal-data declaration, in a stable order (app label, model name)."""
    return sorted(
        (d for d in _registry.values() if isinstance(d, PersonalData)),
        key=lambda d: d.model._meta.label,
    )


def declaration_for(model: type[models.Model]) -> PersonalData | OutOfScope | None:
    return _registry.get(model)


def declared_models() -> set[type[models.Model]]:
    return set(_registry)
