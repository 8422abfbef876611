"""The privacy app's models, one module per feature (audit, settings, consents, exports…)."""

from springboard.privacy.models.alumni import AlumniNotice  # noqa: F401
from springboard.privacy.models.audit import AuditEvent, PrivacySettings
from springboard.privacy.models.consents import Consent, ConsentEvent, ConsentPurpose  # noqa: F401
from springboard.privacy.models.erasure import ErasureRequest  # noqa: F401
from springboard.privacy.models.exports import ExportJob, ExportStatus  # noqa: F401

__all__ = ["AuditEvent", "PrivacySettings"]
