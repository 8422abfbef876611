"""Writes of the opportunities app, one module per concern; re-exported here.

- `reference_data`: the O*NET interest profiles and the ESCO → O*NET crosswalk (global data).
- `training_needs`: a coach turns a missing skill into a task of the candidate's plan.
"""

from springboard.opportunities.services.reference_data import (
    ImportCounts,
    import_interest_reference_data,
)
from springboard.opportunities.services.training_needs import (
    TrainingNeedResult,
    training_need_add,
)

__all__ = [
    "ImportCounts",
    "TrainingNeedResult",
    "import_interest_reference_data",
    "training_need_add",
]
