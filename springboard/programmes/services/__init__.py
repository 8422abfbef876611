"""Writes about programmes, one module per concern; this package only re-exports them, so
`from springboard.programmes.services import X` and `services.X` work for every service.

- `lifecycle`: creating a programme, assigning coaches, the status machine (`TRANSITIONS`).
- `intake`: the intake and the personal plan generated from it.
- `plan`: ticking tasks off, editing and adding plan items, progress.
- `wellbeing`: consent and weekly check-ins.
- `templates`: new versions of programme templates.
- `reminders`: claiming and queueing reminder e-mails.
- `activity`: the activity log every other module writes to.
- `bulk_start`: starting programmes for many enrolled people at once (a task with progress).
"""

from springboard.programmes.services.bulk_start import (
    DEFAULT_COACH_CAPACITY,
    bulk_start_create,
    bulk_start_run,
)
from springboard.programmes.services.intake import intake_complete
from springboard.programmes.services.lifecycle import (
    TRANSITIONS,
    programme_assign_coaches,
    programme_create,
    programme_transition,
)
from springboard.programmes.services.plan import (
    PlanConflict,
    plan_item_add,
    plan_item_edit,
    plan_item_set_done,
    plan_tasks_complete_for_tool,
)
from springboard.programmes.services.reminders import reminders_enqueue
from springboard.programmes.services.templates import template_version_create
from springboard.programmes.services.wellbeing import (
    week_of,
    wellbeing_checkin_submit,
    wellbeing_consent_give,
    wellbeing_consent_withdraw,
)

__all__ = [
    "DEFAULT_COACH_CAPACITY",
    "TRANSITIONS",
    "PlanConflict",
    "bulk_start_create",
    "bulk_start_run",
    "intake_complete",
    "plan_item_add",
    "plan_item_edit",
    "plan_item_set_done",
    "plan_tasks_complete_for_tool",
    "programme_assign_coaches",
    "programme_create",
    "programme_transition",
    "reminders_enqueue",
    "template_version_create",
    "week_of",
    "wellbeing_checkin_submit",
    "wellbeing_consent_give",
    "wellbeing_consent_withdraw",
]
