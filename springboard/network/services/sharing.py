"""The candidate's choice to show their network to their coaches, and its withdrawal: a consent
in the one consent model (`springboard.privacy.consents`), which records and audits it."""

from __future__ import annotations

from springboard.privacy.consents import services as consents
from springboard.privacy.models.consents import Consent, ConsentPurpose
from springboard.tenancy.models import Membership


def network_share(*, owner: Membership) -> Consent:
    return consents.grant(actor=owner, purpose=ConsentPurpose.SHARE_NETWORK)


def network_share_withdraw(*, owner: Membership) -> bool:
    """Stop sharing at once; False if the network was not shared."""
    return consents.withdraw(actor=owner, purpose=ConsentPurpose.SHARE_NETWORK) is not None
