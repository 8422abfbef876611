"""Coaches' comments on the sections of a profile."""

from __future__ import annotations

from django.utils.translation import gettext as _

from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.profiles.models import Profile, ProfileComment, Section
from springboard.tenancy.models import Membership


def comment_add(*, profile: Profile, author: Membership, section: str, text: str) -> ProfileComment:
    """A coach comments on one section; the candidate sees it on that section."""
    text = text.strip()
    if section not in Section.values:
        raise DomainError(_("Choose a section."), field="section")
    if not text:
        raise DomainError(_("Write a comment."), field="text")
    if len(text) > 2000:
        raise DomainError(_("Keep the comment under 2000 characters."), field="text")
    comment = ProfileComment.objects.create(
        profile=profile, author=author, section=section, text=text
    )
    audit_record(
        agency=author.agency,
        actor=author.user,
        action="profile.comment_add",
        target=profile.membership,
        data={"section": section},
    )
    return comment
