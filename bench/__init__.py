"""Benchmarks (docs/QUALITY.md, "Speed"): ``python -m bench.run [ID ...]``.

Contract for a benchmark module ``bench/p<N>_<name>.py``:

* ``ID``: its id, e.g. ``"P1"``;
* ``run(data: pathlib.Path | None, quick: bool = False) -> list[bench.common.Row]``:
  measure, always including a baseline or peer in the same run, and return rows built with
  :func:`bench.common.row`. ``data`` is the reference-data directory or ``None`` when it is
  absent (use generated data then and say so in the row's ``note``).

The runner prints a table and writes ``bench/results/<ID>.json``.
"""
