"""Personal data held by the network app: the candidate's own contacts and their activity.

A contact in a candidate's network is the candidate's record (they entered or imported it), so
it is exported with everything the candidate wrote about them.
"""

from __future__ import annotations

from springboard.network.models import (
    Contact,
    ContactImport,
    ContactKey,
    FollowUpReminder,
    Interaction,
    LoggedActivity,
    MessageDraft,
)
from springboard.privacy.declarations import RetentionKind, personal_data

for model in (Contact, Interaction, MessageDraft):
    personal_data(model, subject="owner", export_as="network", retention=RetentionKind.NETWORK)
personal_data(
    ContactImport,
    subject="owner",
    export_as="network",
    retention=RetentionKind.NETWORK,
    files=("content",),
)
personal_data(
    ContactKey,
    subject="owner",
    export_as="network",
    retention=RetentionKind.NETWORK,
    # A normalised e-mail, phone or name used to find duplicates on import: internal.
    exclude=("key",),
)
personal_data(
    FollowUpReminder,
    subject="interaction__owner",
    export_as="network",
    retention=RetentionKind.NETWORK,
)
personal_data(
    LoggedActivity,
    subject="owner",
    export_as="applications",
    retention=RetentionKind.JOB_SEARCH,
)
