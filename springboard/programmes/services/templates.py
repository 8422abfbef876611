"""Programme template versions: every save of a design is a new, immutable version."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.programmes.content import content_hash, validate_content
from springboard.programmes.models import ProgrammeTemplate, ProgrammeTemplateVersion
from springboard.tenancy.models import Membership


@transaction.atomic
def template_version_create(
    *, template: ProgrammeTemplate, actor: Membership, content: Any
) -> ProgrammeTemplateVersion:
    """Save an edited design as a new version; a shipped template is first copied to the agency.

    Earlier versions stay untouched, so running programmes keep the design they started with.
    """
    validate_content(content)
    if template.agency_id is None:
        template, _created = ProgrammeTemplate.objects.get_or_create(
            agency_id=actor.agency_id, key=template.key
        )
    elif template.agency_id != actor.agency_id:
        raise DomainError(_("Choose a template of this agency."))
    template = ProgrammeTemplate.objects.select_for_update().get(pk=template.pk)
    latest = template.versions.order_by("-number").first()
    digest = content_hash(content)
    if latest is not None and latest.content_sha256 == digest:
        return latest
    version = ProgrammeTemplateVersion.objects.create(
        template=template,
        number=(latest.number + 1) if latest else 1,
        content=content,
        content_sha256=digest,
        created_by=actor.user,
    )
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="programme_template.new_version",
        target=template,
        data={"version": version.number},
    )
    return version
