"""The privacy app's models, one module per feature (audit, settings, consents, exports…)."""

from springboard.privacy.models.audit import AuditEvent, PrivacySettings

__all__ = ["AuditEvent", "PrivacySettings"]
