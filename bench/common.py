"""Shared helpers for the benchmarks: data location, timing, result rows, output."""

from __future__ import annotations

import json
import math
import os
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypedDict

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
DATA_ENV = "SPRINGBOARD_REFERENCE_DATA"


class Row(TypedDict):
    """One measured figure. ``ok`` compares ``value`` with ``target`` in ``direction``."""

    id: str
    metric: str
    value: float
    baseline: float | None
    ratio: float | None
    target: str
    ok: bool
    note: str


def reference_data(explicit: str | Path | None = None) -> Path | None:
    """``--data``, else ``$SPRINGBOARD_REFERENCE_DATA``, else ``<repo>/../shared/data``."""
    candidate = Path(explicit or os.environ.get(DATA_ENV) or REPO.parent / "shared" / "data")
    return candidate if candidate.is_dir() else None


def row(
    bench_id: str,
    metric: str,
    value: float,
    *,
    baseline: float | None = None,
    at_most: float | None = None,
    at_least: float | None = None,
    ratio_at_least: float | None = None,
    higher_is_better: bool = True,
    note: str = "",
) -> Row:
    """Build a row; ``ratio`` is ours/baseline when higher is better, else baseline/ours."""
    ratio = None
    if baseline is not None and value > 0 and baseline > 0:
        ratio = value / baseline if higher_is_better else baseline / value
    checks: list[bool] = []
    targets: list[str] = []
    if at_most is not None:
        checks.append(value <= at_most)
        targets.append(f"<= {at_most:g}")
    if at_least is not None:
        checks.append(value >= at_least)
        targets.append(f">= {at_least:g}")
    if ratio_at_least is not None:
        checks.append(ratio is not None and ratio >= ratio_at_least)
        targets.append(f"ratio >= {ratio_at_least:g}")
    return Row(
        id=bench_id,
        metric=metric,
        value=round(value, 4),
        baseline=None if baseline is None else round(baseline, 4),
        ratio=None if ratio is None else round(ratio, 3),
        target=", ".join(targets) or "info",
        ok=all(checks),
        note=note,
    )


def time_each(fn: Callable[[Any], object], items: Sequence[Any]) -> list[float]:
    """Wall time in seconds of ``fn(item)`` for every item."""
    out = []
    clock = time.perf_counter
    for item in items:
        start = clock()
        fn(item)
        out.append(clock() - start)
    return out


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[index]


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Median wall time of ``repeat`` calls (the median is robust to a noisy neighbour)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def write_result(bench_id: str, rows: list[Row], extra: dict[str, Any] | None = None) -> Path:
    """Write ``bench/results/<ID>.json``: the headline row's keys, ``ok`` over all rows,
    and every row under ``rows``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    head: dict[str, Any] = dict(rows[0]) if rows else {"metric": "", "value": None}
    head["id"] = bench_id
    head["ok"] = all(r["ok"] for r in rows)
    payload: dict[str, Any] = {**head, "rows": rows, **(extra or {})}
    path = RESULTS / f"{bench_id}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def write_json(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def format_table(rows: Iterable[Row]) -> str:
    """Plain-text table of rows."""
    header = ("id", "metric", "value", "baseline", "ratio", "target", "ok")
    lines = [header]
    for r in rows:
        lines.append(
            (
                r["id"],
                r["metric"],
                f"{r['value']:g}",
                "" if r["baseline"] is None else f"{r['baseline']:g}",
                "" if r["ratio"] is None else f"{r['ratio']:g}",
                r["target"],
                "yes" if r["ok"] else "NO",
            )
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(str(cell).ljust(w) for cell, w in zip(line, widths, strict=True))
        for line in lines
    )


def job_sentences(data: Path) -> list[str]:
    """Sentences of the Green et al. (2022) job-description test set, detokenised lightly."""
    path = data / "job_description_sentences_green2022" / "testset_conll.txt"
    sentences: list[str] = []
    words: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        token = line.split(" ", 1)[0] if line.strip() else ""
        if token:
            words.append(token)
        elif words:
            text = " ".join(words)
            for punct in (" .", " ,", " ;", " :", " )", " !", " ?"):
                text = text.replace(punct, punct[1])
            sentences.append(text.replace("( ", "("))
            words = []
    if words:
        sentences.append(" ".join(words))
    return sentences
