"""Coaches' comments on a CV or letter version."""

from __future__ import annotations

from django.utils.translation import gettext as _

from springboard.cvs.models import CvVersion, LetterVersion, VersionComment
from springboard.lib.errors import DomainError
from springboard.tenancy.models import Membership

MAX_COMMENT = 2000


def comment_add(
    *, version: CvVersion | LetterVersion, author: Membership, text: str
) -> VersionComment:
    text = text.strip()
    if not text:
        raise DomainError(_("Write a comment first."), field="text")
    if len(text) > MAX_COMMENT:
        raise DomainError(
            _("At most %(limit)s characters, please.") % {"limit": MAX_COMMENT}, field="text"
        )
    if isinstance(version, CvVersion):
        return VersionComment.objects.create(cv_version=version, author=author, text=text)
    return VersionComment.objects.create(letter_version=version, author=author, text=text)
