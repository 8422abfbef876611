"""The job-search activity log the benefit systems ask for (Jobnet's joblog, NAV's activity plan,
UWV's job-search activities on werk.nl), from a list of activity sources, exported as CSV or PDF.

A source is a function (candidate, first day, last day) → rows. This app brings two: activities
the candidate records in the log, and their network outreach. The job-search app adds its
applications and interviews with `register_activity_source` (from its AppConfig.ready), so this
module never imports it. docs/activity-log.md states each service's fields.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import typst
from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from springboard.network.models import (
    ActivityKind,
    Channel,
    HowApplied,
    Interaction,
    LoggedActivity,
)
from springboard.tenancy.models import Membership

TEMPLATE = Path(__file__).with_name("typst") / "activity_log.typ"
MAX_PERIOD_DAYS = 366
MAX_ROWS = 5_000


@dataclass(frozen=True)
class LogRow:
    date: datetime.date
    kind: str  # an ActivityKind value
    employer: str
    job_title: str
    how_applied: str  # shown as it is (a label), already in the reader's language
    result: str
    source: str  # "log", "network", or what a registered source calls itself


ActivitySource = Callable[[Membership, datetime.date, datetime.date], Iterable[LogRow]]


def _recorded(owner: Membership, first: datetime.date, last: datetime.date) -> Iterable[LogRow]:
    for activity in LoggedActivity.objects.filter(owner=owner, date__range=(first, last)):
        yield LogRow(
            date=activity.date,
            kind=activity.kind,
            employer=activity.employer,
            job_title=activity.job_title,
            how_applied=str(HowApplied(activity.how_applied).label) if activity.how_applied else "",
            result=activity.result,
            source="log",
        )


def _outreach(owner: Membership, first: datetime.date, last: datetime.date) -> Iterable[LogRow]:
    interactions = Interaction.objects.filter(
        owner=owner, date__range=(first, last)
    ).select_related("contact")
    for interaction in interactions:
        contact = interaction.contact
        who = (
            f"{contact.full_name} ({contact.job_title})" if contact.job_title else contact.full_name
        )
        yield LogRow(
            date=interaction.date,
            kind=ActivityKind.NETWORKING,
            employer=contact.company,
            job_title="",
            how_applied=str(Channel(interaction.channel).label),
            result=" — ".join(part for part in (who, interaction.outcome) if part),
            source="network",
        )


ACTIVITY_SOURCES: list[ActivitySource] = [_recorded, _outreach]


def register_activity_source(source: ActivitySource) -> None:
    """Add a source of log rows (the job-search app's applications and interviews)."""
    if source not in ACTIVITY_SOURCES:
        ACTIVITY_SOURCES.append(source)


def log_rows(owner: Membership, first: datetime.date, last: datetime.date) -> list[LogRow]:
    """Every source's rows of the period, oldest first, at most MAX_ROWS."""
    rows = [row for source in ACTIVITY_SOURCES for row in source(owner, first, last)]
    rows.sort(key=lambda row: (row.date, row.kind, row.employer))
    return rows[:MAX_ROWS]


# --- the services -----------------------------------------------------------------------------

# Each field's heading (in the candidate's language), by key.
FIELD_HEADINGS: dict[str, Promise] = {
    "date": gettext_lazy("Date"),
    "kind": gettext_lazy("Kind of activity"),
    "employer": gettext_lazy("Employer"),
    "job_title": gettext_lazy("Job title"),
    "how_applied": gettext_lazy("How applied"),
    "result": gettext_lazy("Result"),
}


@dataclass(frozen=True)
class BenefitService:
    key: str
    name: Promise
    fields: tuple[str, ...]
    # Our kinds → the service's categories (labels in the reader's language).
    categories: dict[str, Promise]


_APPLICATION = gettext_lazy("Application for an advertised job")
_UNSOLICITED = gettext_lazy("Unsolicited application")
_INTERVIEW = gettext_lazy("Job interview")
_OTHER_SEARCH = gettext_lazy("Other job-search activity")

SERVICES: dict[str, BenefitService] = {
    "jobnet": BenefitService(
        key="jobnet",
        name=gettext_lazy("Jobnet joblog (Denmark)"),
        fields=("date", "job_title", "employer", "kind", "how_applied", "result"),
        categories={
            ActivityKind.APPLICATION: _APPLICATION,
            ActivityKind.UNSOLICITED: _UNSOLICITED,
            ActivityKind.INTERVIEW: _INTERVIEW,
        },
    ),
    "nav": BenefitService(
        key="nav",
        name=gettext_lazy("NAV activity plan (Norway)"),
        fields=("date", "kind", "employer", "job_title", "how_applied", "result"),
        categories={
            ActivityKind.APPLICATION: gettext_lazy("Job applied for"),
            ActivityKind.UNSOLICITED: gettext_lazy("Job applied for"),
            ActivityKind.INTERVIEW: _INTERVIEW,
        },
    ),
    "uwv": BenefitService(
        key="uwv",
        name=gettext_lazy("UWV job-search activities on werk.nl (Netherlands)"),
        fields=("date", "kind", "employer", "job_title", "how_applied", "result"),
        categories={
            ActivityKind.APPLICATION: _APPLICATION,
            ActivityKind.UNSOLICITED: _UNSOLICITED,
            ActivityKind.INTERVIEW: _INTERVIEW,
            ActivityKind.JOB_FAIR: gettext_lazy("Job fair"),
            ActivityKind.NETWORKING: gettext_lazy("Networking"),
            ActivityKind.COURSE: gettext_lazy("Job-search training"),
        },
    ),
}


ServiceKey = Literal["jobnet", "nav", "uwv"]


def language_of(owner: Membership) -> AbstractContextManager[None]:
    """The candidate's language, for everything the log says (they show it to their service)."""
    return translation.override(owner.language)


def category(service: BenefitService, kind: str) -> str:
    """The service's name for one of our kinds; what it has no category for is "other"."""
    return str(service.categories.get(kind, _OTHER_SEARCH))


def table(service: BenefitService, rows: list[LogRow]) -> tuple[list[str], list[list[str]]]:
    """Headings and cells in the active language, in the service's order."""
    headings = [str(FIELD_HEADINGS[name]) for name in service.fields]
    cells = []
    for row in rows:
        values = {
            "date": formats.date_format(row.date, "SHORT_DATE_FORMAT"),
            "kind": category(service, row.kind),
            "employer": row.employer,
            "job_title": row.job_title,
            "how_applied": row.how_applied,
            "result": row.result,
        }
        cells.append([values[name] for name in service.fields])
    return headings, cells


def formula_safe(cell: str) -> str:
    """A cell a spreadsheet would run as a formula is prefixed with an apostrophe."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def export_csv(owner: Membership, service: BenefitService, rows: list[LogRow]) -> bytes:
    with language_of(owner):
        headings, cells = table(service, rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([formula_safe(h) for h in headings])
    writer.writerows([[formula_safe(c) for c in line] for line in cells])
    # With a BOM so that Excel, which most case workers open it in, reads æ ø å right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_pdf(
    owner: Membership,
    service: BenefitService,
    rows: list[LogRow],
    first: datetime.date,
    last: datetime.date,
) -> bytes:
    with language_of(owner):
        headings, cells = table(service, rows)
        data = {
            "lang": "no" if owner.language == "nb" else owner.language,
            "title": _("Job-search activities"),
            "service": str(service.name),
            "person": owner.display_name,
            "period": _("%(first)s to %(last)s")
            % {
                "first": formats.date_format(first, "DATE_FORMAT"),
                "last": formats.date_format(last, "DATE_FORMAT"),
            },
            "count": _("Activities: %(count)s") % {"count": len(rows)},
            "empty": _("No activities in this period."),
            "headings": headings,
            "rows": cells,
        }
    return typst.compile(TEMPLATE.read_bytes(), format="pdf", sys_inputs={"data": json.dumps(data)})
