"""Coaches' comments on a candidate's strengths and wellbeing factors."""

from __future__ import annotations

from django.utils.translation import gettext as _

from springboard.assessments.models import Attempt, Comment, InstrumentKind
from springboard.lib.errors import DomainError
from springboard.tenancy.models import Membership

MAX_COMMENT = 2000


def comment_add(*, attempt: Attempt, author: Membership, text: str) -> Comment:
    if attempt.version.instrument.kind == InstrumentKind.LIKERT:
        raise DomainError(_("Comments are for strengths and wellbeing factors."))
    text = text.strip()
    if not text:
        raise DomainError(_("Write a comment."), field="text")
    if len(text) > MAX_COMMENT:
        raise DomainError(
            _("Write at most %(count)s characters.") % {"count": MAX_COMMENT}, field="text"
        )
    return Comment.objects.create(attempt=attempt, author=author, text=text)
