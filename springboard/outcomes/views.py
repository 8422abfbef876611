"""Pages of the outcomes app."""
