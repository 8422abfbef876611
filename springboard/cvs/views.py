"""Pages of the cvs app."""
