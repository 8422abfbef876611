"""Personal data held by the opportunities app: training needs turned into plan tasks."""

from __future__ import annotations

from springboard.opportunities.models import TrainingNeedTask
from springboard.privacy.declarations import RetentionKind, personal_data

personal_data(
    TrainingNeedTask,
    subject="programme__candidate",
    export_as="plan",
    retention=RetentionKind.PLAN,
)
