"""A person's export: everything one agency holds about them, as a ZIP they download."""
