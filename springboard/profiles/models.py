"""Models of the profiles app."""
