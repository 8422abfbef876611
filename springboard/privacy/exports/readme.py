"""README.txt of an export: what each file of the ZIP holds, in the person's language."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from springboard.tenancy.models import Membership

# One line per `export_as` kind a declaration uses.
KIND_TEXTS: dict[str, Promise] = {
    "account": gettext_lazy(
        "Your account: name, e-mail addresses, language, role in the agency, sign-in methods "
        "(never their secrets) and the invitation you accepted."
    ),
    "enrolment": gettext_lazy(
        "Your enrolment: what your former employer passed on (job title, department, dates)."
    ),
    "programme": gettext_lazy(
        "Your programme: dates, status and its history, your coaches and your intake interview."
    ),
    "plan": gettext_lazy(
        "Your plan: phases, tasks and what was done, the activity log and reminders sent."
    ),
    "wellbeing": gettext_lazy("Your wellbeing check-ins."),
    "profile": gettext_lazy(
        "Your competence profile: career, skills, achievements, education, languages, comments, "
        "and the CVs you uploaded with what was read from them."
    ),
    "assessments": gettext_lazy(
        "Your tests and questionnaires with your answers, scores and comments."
    ),
    "cvs": gettext_lazy("Your CVs, every saved version, comments on them and suggestions."),
    "letters": gettext_lazy("Your letters and every saved version."),
    "applications": gettext_lazy(
        "Your job search: applications with their stages, interviews and offers, your own "
        "vacancies, target companies, saved searches and logged activities."
    ),
    "network": gettext_lazy(
        "Your network: the contacts you entered or imported, your contact moments, follow-ups "
        "and message drafts."
    ),
    "coaching": gettext_lazy(
        "Your coaching: sessions and your ratings, notes your coach shared with you, workshop "
        "seats and requests to change coach."
    ),
    "budget": gettext_lazy("Your budget: what was spent on you and your training requests."),
    "outcomes": gettext_lazy("Your outcome (the new job or other result) and aftercare answers."),
    "consents": gettext_lazy("Your consents, with when you gave or withdrew each one."),
    "requests": gettext_lazy("Your earlier exports and erasure requests."),
    "work": gettext_lazy(
        "Your work as staff: your coach profile, availability, engagements you are a contact "
        "for and digests sent to you."
    ),
    "audit": gettext_lazy(
        "Who read or changed your data (about_you) and what you did (by_you): when, who with "
        "their role, and what."
    ),
}


def readme_text(
    *, membership: Membership, kinds: Sequence[str], exported_at: datetime.datetime
) -> str:
    """The README in the active language (the caller activates the person's)."""
    when = timezone.localtime(exported_at).strftime("%Y-%m-%d %H:%M")
    lines = [
        _("Your data at %(agency)s") % {"agency": membership.agency.name},
        "",
        _(
            "This archive holds everything %(agency)s keeps about you in Springboard, as of "
            "%(when)s. It holds nothing that another agency keeps about you."
        )
        % {"agency": membership.agency.name, "when": when},
        _(
            "Each .json file is a JSON document: the records of one kind, grouped by type of "
            "record. Dates are in ISO 8601; people other than you appear by name and role only."
        ),
        "",
        _("Files in this archive:"),
        "",
        "README.txt: " + _("this explanation."),
    ]
    for kind in kinds:
        text = KIND_TEXTS.get(kind)
        description = str(text) if text is not None else _("Other records of this kind.")
        lines.append(f"{kind}.json: {description}")
    lines.append(
        "files/: " + _("the documents themselves (uploaded CVs, rendered CVs, imports), by kind.")
    )
    lines += [
        "",
        _("Questions about your data, or a request to correct or erase it: contact %(agency)s.")
        % {"agency": membership.agency.name},
        "",
    ]
    return "\n".join(lines)
