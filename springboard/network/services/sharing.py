"""The candidate's choice to show their network to their coaches, and its withdrawal."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from springboard.network.models import NetworkShare
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Membership


@transaction.atomic
def network_share(*, owner: Membership) -> NetworkShare:
    current = NetworkShare.objects.filter(owner=owner, withdrawn_at__isnull=True).first()
    if current is not None:
        return current
    share = NetworkShare.objects.create(owner=owner)
    audit_record(agency=owner.agency, actor=owner.user, action="network.share", target=owner)
    return share


@transaction.atomic
def network_share_withdraw(*, owner: Membership) -> bool:
    withdrawn = NetworkShare.objects.filter(owner=owner, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if withdrawn:
        audit_record(
            agency=owner.agency, actor=owner.user, action="network.share_withdraw", target=owner
        )
    return bool(withdrawn)
