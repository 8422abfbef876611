"""Pages of the assessments app."""
