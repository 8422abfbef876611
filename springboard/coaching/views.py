"""Pages of the coaching app."""
