"""Pages of the profiles app."""
