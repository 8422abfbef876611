"""Single sign-on for agency staff through the agency's own identity provider (docs/sso.md)."""
