"""Pages of the opportunities app."""
