"""An interview as an iCalendar (RFC 5545) event, for the candidate's own calendar."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from springboard.jobs.models import Interview


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (a space starts each continuation)."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = ""
    for char in line:
        if len((current + char).encode()) > (75 if not parts else 74):
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def interview_ics(interview: Interview, *, host: str) -> bytes:
    application = interview.application
    end = interview.starts_at + datetime.timedelta(minutes=interview.minutes)
    summary = _("Interview: %(title)s at %(employer)s") % {
        "title": application.title,
        "employer": application.employer,
    }
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Springboard//Job search//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{interview.public_id}@{host.split(':')[0] or 'springboard'}",
        f"DTSTAMP:{_utc(datetime.datetime.now(datetime.UTC))}",
        f"DTSTART:{_utc(interview.starts_at)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{_escape(summary)}",
    ]
    if interview.location:
        lines.append(f"LOCATION:{_escape(interview.location)}")
    if interview.preparation:
        lines.append(f"DESCRIPTION:{_escape(interview.preparation)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()
