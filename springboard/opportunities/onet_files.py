"""Reading O*NET's Interests.txt and Nesta's ESCO → O*NET crosswalk (no Django here, so the
benchmark and the importer read the files the same way).

* `Interests.txt` (O*NET 29.3, tab-separated): per O*NET-SOC code six levels on scale OI (1-7)
  and three high points on scale IH (1=R … 6=C, 0=none).
* `nesta_esco_onet_crosswalk_Nov2020.csv`: ESCO occupation URI → O*NET-SOC **2010** code. O*NET
  29.3 uses SOC 2019 codes; most did not change. A code O*NET no longer has is linked to the
  same SOC code's main occupation (`XX-XXXX.00`) when that exists (`SOC_PARENT`), and skipped
  otherwise (counted).
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path
from typing import Any

from springboard.opportunities.ranking import RIASEC

INTERESTS_FILE = "Interests.txt"
CROSSWALK_FILE = "nesta_esco_onet_crosswalk_Nov2020.csv"
MAX_FILE_BYTES = 20 * 1024 * 1024
# How a crosswalk code was found in this O*NET release (stored as `EscoOnetLink.match`).
EXACT = "exact"
SOC_PARENT = "soc_parent"

AREA_FIELDS = ("realistic", "investigative", "artistic", "social", "enterprising", "conventional")
# O*NET element ids of the six areas (scale OI) and the three high points (scale IH).
_AREA_ELEMENTS = {
    f"1.B.1.{letter}": name for letter, name in zip("abcdef", AREA_FIELDS, strict=True)
}
_HIGH_POINT_ELEMENTS = ("1.B.1.g", "1.B.1.h", "1.B.1.i")
_ONET_CODE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
_URI = re.compile(r"^https?://\S{1,240}$")


def find_file(root: Path, name: str) -> Path | None:
    found = sorted(p for p in root.rglob(name) if p.is_file())
    return found[0] if found else None


def _read_text(path: Path) -> str:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"{path} is larger than {MAX_FILE_BYTES} bytes")
    return path.read_text(encoding="utf-8-sig", errors="replace")


def _level(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) and 1 <= value <= 7 else None


def parse_interests(path: Path) -> tuple[dict[str, dict[str, Any]], int]:
    """O*NET code → {title, six levels, high_point}; and how many rows were unusable."""
    rows = csv.DictReader(_read_text(path).splitlines(), delimiter="\t")
    profiles: dict[str, dict[str, Any]] = {}
    high_points: dict[str, dict[str, str]] = {}
    skipped = 0
    for row in rows:
        code = (row.get("O*NET-SOC Code") or "").strip()
        element = (row.get("Element ID") or "").strip()
        scale = (row.get("Scale ID") or "").strip()
        raw = (row.get("Data Value") or "").strip()
        if not _ONET_CODE.match(code):
            skipped += 1
            continue
        entry = profiles.setdefault(code, {"title": (row.get("Title") or "").strip()[:200]})
        if scale == "OI" and element in _AREA_ELEMENTS:
            level = _level(raw)
            if level is None:
                skipped += 1
            else:
                entry[_AREA_ELEMENTS[element]] = level
        elif scale == "IH" and element in _HIGH_POINT_ELEMENTS:
            try:
                number = int(float(raw))
            except ValueError:
                skipped += 1
                continue
            if 1 <= number <= 6:
                high_points.setdefault(code, {})[element] = RIASEC[number - 1]
        else:
            skipped += 1
    complete: dict[str, dict[str, Any]] = {}
    for code, entry in profiles.items():
        if all(name in entry for name in AREA_FIELDS):
            points = high_points.get(code, {})
            entry["high_point"] = "".join(points[e] for e in _HIGH_POINT_ELEMENTS if e in points)
            complete[code] = entry
        else:
            skipped += 1
    return complete, skipped


def parse_crosswalk(path: Path, onet_codes: set[str]) -> tuple[dict[str, dict[str, Any]], int]:
    """ESCO URI → {onet_code, crosswalk_code, match, confidence}; and rows skipped."""
    links: dict[str, dict[str, Any]] = {}
    skipped = 0
    for row in csv.DictReader(_read_text(path).splitlines()):
        uri = (row.get("concept_uri") or "").strip()
        code = (row.get("onet_code") or "").strip()
        try:
            confidence = float(row.get("confidence") or "0")
        except ValueError:
            confidence = 0.0
        if not _URI.match(uri) or not _ONET_CODE.match(code) or not math.isfinite(confidence):
            skipped += 1
            continue
        if code in onet_codes:
            target, match = code, EXACT
        elif f"{code[:7]}.00" in onet_codes:
            target, match = f"{code[:7]}.00", SOC_PARENT
        else:
            skipped += 1
            continue
        known = links.get(uri)
        if known is None or confidence > known["confidence"]:
            links[uri] = {
                "onet_code": target,
                "crosswalk_code": code,
                "match": match,
                "confidence": confidence,
            }
    return links, skipped
