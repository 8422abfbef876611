"""An engagement's programme settings: the template its candidates' programmes start from.

The setting belongs to programmes (`models.EngagementProgramme`, a one-to-one row per engagement
that has chosen a template), so employers needs nothing from this app. The admin chooses it on
*Programme template for this engagement* (`programmes:engagement_template`), and
`forms.ProgrammeStartForm` defaults to it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from springboard.employers.models import Engagement
from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.programmes.models import EngagementProgramme, ProgrammeTemplate
from springboard.tenancy.models import Membership


def engagement_template_of(engagement: Engagement) -> ProgrammeTemplate | None:
    settings = (
        EngagementProgramme.objects.select_related("template").filter(engagement=engagement).first()
    )
    return settings.template if settings is not None else None


def engagement_template_id(engagement_id: int) -> int | None:
    """The id of the template chosen for an engagement, or None."""
    return (
        EngagementProgramme.objects.filter(engagement_id=engagement_id)
        .values_list("template_id", flat=True)
        .first()
    )


@transaction.atomic
def engagement_template_set(
    *, engagement: Engagement, actor: Membership, template: ProgrammeTemplate | None
) -> None:
    """Choose the template for an engagement's new programmes (None: none, choose each time).
    Programmes already started keep their template version."""
    if engagement.agency_id != actor.agency_id:  # the access layer never lets this through
        raise PermissionDenied
    if template is not None and template.agency_id not in (None, engagement.agency_id):
        raise DomainError(_("Choose a template of this agency."), field="template")
    before = engagement_template_id(engagement.pk)
    after = template.pk if template is not None else None
    if before == after:
        return
    if template is None:
        EngagementProgramme.objects.filter(engagement=engagement).delete()
    else:
        EngagementProgramme.objects.update_or_create(
            engagement=engagement, defaults={"template": template}
        )
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="engagement.programme_template",
        target=engagement,
        data={"template": template.key if template is not None else None},
    )
