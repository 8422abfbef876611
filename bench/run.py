"""Run the benchmarks: ``python -m bench.run [ID ...] [--data PATH] [--quick]``.

Discovers every ``bench/p<N>_*.py`` benchmark and ``bench/r<N>_*.py`` reliability drill
(contract in ``bench/__init__.py``), runs all or the selected ids, prints one table and
writes ``bench/results/<ID>.json``. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from pathlib import Path
from types import ModuleType

from bench.common import Row, format_table, reference_data, write_result

_MODULE = re.compile(r"^([pr])(\d+)_\w+\.py$")


def discover() -> dict[str, ModuleType]:
    """Benchmark modules (P1, P2, …, P10) and reliability drills (R1, …) by id, in order."""
    found: list[tuple[str, int, str]] = []
    for path in Path(__file__).parent.iterdir():
        match = _MODULE.match(path.name)
        if match:
            found.append((match.group(1), int(match.group(2)), path.stem))
    modules: dict[str, ModuleType] = {}
    for _, _, name in sorted(found):
        module = importlib.import_module(f"bench.{name}")
        modules[str(getattr(module, "ID", name.split("_", 1)[0].upper()))] = module
    return modules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("ids", nargs="*", help="benchmark ids (default: all), e.g. P1 P3")
    parser.add_argument("--data", help="reference data directory (default: ../shared/data)")
    parser.add_argument("--quick", action="store_true", help="smaller inputs, for smoke runs")
    args = parser.parse_args(argv)
    modules = discover()
    wanted = [i.upper() for i in args.ids] or list(modules)
    unknown = [i for i in wanted if i not in modules]
    if unknown:
        parser.error(f"unknown benchmark id(s) {unknown}; known: {list(modules)}")
    data = reference_data(args.data)
    if data is None:
        print("reference data not found: benchmarks use generated data where they can")
    rows: list[Row] = []
    for bench_id in wanted:
        print(f"running {bench_id} …", flush=True)
        result = modules[bench_id].run(data, quick=args.quick)
        write_result(bench_id, result)
        rows.extend(result)
    print(format_table(rows))
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
