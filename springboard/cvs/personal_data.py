"""Personal data held by the cvs app: CVs, letters, their versions and renderings."""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet

from springboard.cvs.models import (
    Cv,
    CvVersion,
    Letter,
    LetterVersion,
    LinkedInSuggestion,
    Rendering,
    VersionComment,
)
from springboard.privacy.declarations import RetentionKind, personal_data

personal_data(Cv, subject="candidate", export_as="cvs", retention=RetentionKind.CVS)
personal_data(CvVersion, subject="cv__candidate", export_as="cvs", retention=RetentionKind.CVS)
personal_data(
    Rendering,
    subject="version__cv__candidate",
    export_as="cvs",
    retention=RetentionKind.CVS,
    files=("pdf", "docx"),
)
personal_data(Letter, subject="candidate", export_as="letters", retention=RetentionKind.CVS)
personal_data(
    LetterVersion, subject="letter__candidate", export_as="letters", retention=RetentionKind.CVS
)


def _version_comments(membership: Model) -> QuerySet[VersionComment]:
    # A comment sits on a CV version or on a letter version of the candidate.
    return VersionComment.objects.filter(
        Q(cv_version__cv__candidate=membership) | Q(letter_version__letter__candidate=membership)
    )


personal_data(
    VersionComment, subject=_version_comments, export_as="cvs", retention=RetentionKind.CVS
)
personal_data(LinkedInSuggestion, subject="candidate", export_as="cvs", retention=RetentionKind.CVS)
