"""Writes of the network app, one module per concern."""

from springboard.network.services.activity_log import logged_activity_delete, logged_activity_record
from springboard.network.services.contacts import (
    contact_create,
    contact_delete,
    contact_merge,
    contact_set_circle,
    contact_update,
    normalise_tags,
)
from springboard.network.services.imports import (
    ImportResult,
    contact_import_apply,
    contact_import_receive,
    contacts_import_now,
)
from springboard.network.services.outreach import (
    draft_save,
    follow_up_done,
    follow_up_reminders_enqueue,
    interaction_record,
)
from springboard.network.services.sharing import network_share, network_share_withdraw

__all__ = [
    "ImportResult",
    "contact_create",
    "contact_delete",
    "contact_import_apply",
    "contact_import_receive",
    "contact_merge",
    "contact_set_circle",
    "contact_update",
    "contacts_import_now",
    "draft_save",
    "follow_up_done",
    "follow_up_reminders_enqueue",
    "interaction_record",
    "logged_activity_delete",
    "logged_activity_record",
    "network_share",
    "network_share_withdraw",
    "normalise_tags",
]
