"""P7 — a two-page CV to PDF through Typst, against an HTML→PDF engine (WeasyPrint).

Both engines draw the same CV: the render model of ``springboard.cvs.content`` (a generated
Norwegian CV with æ ø å, eight jobs, checked to be exactly two pages in our PDF). Ours is
``springboard.cvs.rendering.cv_pdf`` (Typst, Debian's DejaVu/Liberation fonts); the baseline is
WeasyPrint on the HTML of the in-browser preview (``cvs/_preview.html`` with ``cvs.css``), the
HTML an HTML engine would be given. Rows:

* warm: median wall time per CV once the engine is loaded, over the batch's different CVs
  (target ≤ 50 ms, and ≥ 10x faster than WeasyPrint's median: the ratio row);
* cold: the first CV in a fresh process, engine start and font loading included (information,
  each engine in its own subprocess);
* batch: 100 different CVs one after another (information, and the ratio over the batch).

WeasyPrint is a dev dependency for this benchmark only; when it or Debian's Pango is missing the
baseline rows say so and fail rather than invent a figure.
"""

from __future__ import annotations

import io
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import REPO, Row, row

ID = "P7"
BATCH = 100
QUICK_BATCH = 20


def _django() -> None:
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "k" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    # WeasyPrint logs every layout step at INFO; the table is the output.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)


def two_page_content(seed: int = 0) -> dict[str, Any]:
    """A generated CV long enough for two A4 pages in the classic design."""
    jobs = [
        {
            "title": f"Lagerleder {n + 1}",
            "organisation": f"Nordlager Ærøskøbing AS {seed}",
            "location": "Tønsberg",
            "start": f"{2020 - 3 * n}-0{1 + n % 9}",
            "end": "" if n == 0 else f"{2023 - 3 * n}",
            "text": (
                "Ansvar for varemottak, plukk og forsendelse med tolv ansatte; innførte "
                "strekkodeskanning og ny bemanningsplan i samarbeid med tillitsvalgte. "
                "Budsjettansvar og rapportering til driftsdirektør hver måned."
            ),
            "highlights": [
                "Økte leveringspresisjonen fra 91 % til 98 % på ett år",
                "Halverte svinn ved å flytte varer med høy omløpshastighet nær porten",
                "Lærte opp åtte nye medarbeidere i truckførerbevis og HMS",
            ],
        }
        for n in range(8)
    ]
    return {
        "basics": {
            "name": f"Bjørn Åsmund Ĳsselstein {seed}",
            "headline": "Lagerleder med erfaring fra logistikk og bemanning",
            "email": "bjorn@example.no",
            "phone": "+47 400 00 000",
            "location": "Tønsberg",
            "url": "",
            "summary": "Erfaren leder som får folk og varer til å flyte. " * 4,
        },
        "sections": [
            {"kind": "work", "items": jobs},
            {
                "kind": "education",
                "items": [
                    {
                        "title": "Bachelor i logistikk",
                        "organisation": "Handelshøyskolen BI",
                        "start": "2004",
                        "end": "2007",
                    }
                ],
            },
            {
                "kind": "skills",
                "items": [{"title": s, "text": "Ekspert"} for s in ("Lagerstyring", "SAP EWM")],
            },
            {
                "kind": "languages",
                "items": [{"title": "Norsk", "text": "Morsmål"}, {"title": "Engelsk"}],
            },
        ],
    }


def _models(count: int) -> list[Any]:
    from springboard.cvs.content import clean_content, render_model

    return [render_model(clean_content(two_page_content(seed)), "nb") for seed in range(count)]


def _ours(model: Any) -> bytes:
    from springboard.cvs.rendering import cv_pdf

    return cv_pdf(model, "classic")


def _html(model: Any) -> str:
    from django.template.loader import render_to_string

    css = (REPO / "springboard" / "cvs" / "static" / "cvs" / "cvs.css").read_text()
    body = render_to_string("cvs/_preview.html", {"model": model, "design": "classic"})
    return (
        f'<!doctype html><html lang="{model.language}"><head><meta charset="utf-8">'
        f"<style>@page {{ size: A4; margin: 16mm 18mm }} {css} "
        ".cv-preview { border: 0; padding: 0; max-width: none }</style></head>"
        f"<body>{body}</body></html>"
    )


def _baseline(model: Any) -> bytes:
    from weasyprint import HTML

    pdf = HTML(string=_html(model)).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def _baseline_missing() -> str:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        return f"WeasyPrint or Debian's Pango is not installed ({error}); baseline skipped"
    return ""


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _timed(fn: Any, items: list[Any]) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - start)
    return out


def _cold(engine: str) -> float:
    """Seconds for the first CV in a fresh process (Django set up before the clock starts)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    result = subprocess.run(
        [sys.executable, "-m", "bench.p7_cv_render", "--cold", engine],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return float(json.loads(result.stdout.strip().splitlines()[-1])["seconds"])


def _cold_worker(engine: str) -> None:
    _django()
    model = _models(1)[0]
    start = time.perf_counter()
    (_ours if engine == "typst" else _baseline)(model)
    print(json.dumps({"seconds": time.perf_counter() - start}))


def run(data: Path | None, quick: bool = False) -> list[Row]:
    _django()
    batch = QUICK_BATCH if quick else BATCH
    models = _models(batch)
    # The first render loads the engine and fonts; then every CV is a different one (the same
    # input twice would be answered from Typst's memoised layout and flatter the warm figure).
    pages = _pages(_ours(models[0]))
    ours_times = _timed(_ours, models)
    ours_warm = statistics.median(ours_times) * 1e3
    ours_batch = sum(ours_times)
    ours_cold = _cold("typst") * 1e3
    note = f"{pages}-page CV in nb (generated); Typst {_typst_version()}, classic design"
    missing = _baseline_missing()
    base_warm = base_cold = base_batch = None
    if not missing:
        _baseline(models[0])  # load the engine, as for ours
        base_times = _timed(_baseline, models)
        base_warm = statistics.median(base_times) * 1e3
        base_batch = sum(base_times)
        base_cold = _cold("weasyprint") * 1e3
        base_pages = _pages(_baseline(models[0]))
        note += f"; WeasyPrint {_weasyprint_version()} ({base_pages} pages for the same CV)"
    else:
        note += f"; {missing}"
    # The headline: ours warm against the target and against WeasyPrint in the same run (a
    # missing baseline fails the ratio check rather than passing without it).
    rows = [
        row(
            ID,
            "two-page CV warm (ms) vs WeasyPrint",
            ours_warm,
            baseline=base_warm,
            at_most=50,
            ratio_at_least=10,
            higher_is_better=False,
            note=note,
        ),
        row(
            ID,
            "two-page CV cold, fresh process (ms) vs WeasyPrint",
            ours_cold,
            baseline=base_cold,
            higher_is_better=False,
        ),
        row(
            ID,
            f"batch of {batch} CVs (s) vs WeasyPrint",
            ours_batch,
            baseline=base_batch,
            higher_is_better=False,
        ),
    ]
    if pages != 2:
        rows.append(
            row(ID, "pages of the benchmark CV", pages, at_least=2, at_most=2, note="must be 2")
        )
    return rows


def _typst_version() -> str:
    import typst

    return str(getattr(typst, "__version__", "?"))


def _weasyprint_version() -> str:
    import weasyprint

    return str(weasyprint.__version__)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--cold":
        _cold_worker(sys.argv[2])
    else:
        from bench.common import format_table, write_result

        result = run(None, quick="--quick" in sys.argv)
        write_result(ID, result)
        print(format_table(result))
