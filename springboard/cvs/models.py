"""Models of the cvs app."""
