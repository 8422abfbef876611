"""Coach photos: decoded with limits, resized and re-encoded, so what we serve never carries the
uploaded bytes, their metadata (EXIF location, camera) or a decompression bomb."""

from __future__ import annotations

import io
import warnings

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from springboard.lib.errors import DomainError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000
SIZE = (480, 480)
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})

UNREADABLE = _("Upload a JPEG, PNG or WebP photo of at most 5 MB and 25 megapixels.")


def reencode_photo(upload: UploadedFile) -> bytes:
    """The photo as a square-ish JPEG of at most 480x480 without metadata; DomainError for
    anything else (the file name and the browser's content type are never trusted)."""
    if upload.size is None or upload.size > MAX_UPLOAD_BYTES:
        raise DomainError(str(UNREADABLE), field="photo")
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError(str(UNREADABLE), field="photo")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise DomainError(str(UNREADABLE), field="photo")
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise DomainError(str(UNREADABLE), field="photo")
                image = ImageOps.exif_transpose(probe)
                image.thumbnail(SIZE)
                image = image.convert("RGB")
    except DomainError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning) as error:
        raise DomainError(str(UNREADABLE), field="photo") from error
    out = io.BytesIO()
    # A fresh image: no EXIF, ICC or comments are carried over.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()
