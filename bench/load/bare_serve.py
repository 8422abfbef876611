"""Serve the bare site with exactly the gunicorn settings of ``springboard serve``.

``python -m bench.load.bare_serve --bind 127.0.0.1:PORT --workers N``: the options come from the
same ``gunicorn_options`` function the production command uses; only the WSGI application
differs, so the two rates P6 compares differ by the application alone.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load.bare_settings"

from springboard.core.management.commands.serve import (
    SpringboardServer,
    gunicorn_options,
)


class BareServer(SpringboardServer):
    def load(self) -> Any:
        from bench.load.bare_wsgi import application

        return application


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bind", required=True)
    parser.add_argument("--workers", type=int, required=True)
    args = parser.parse_args()
    # The defaults of `springboard serve` (see its --help), passed explicitly.
    options = gunicorn_options(
        binds=[args.bind],
        workers=args.workers,
        threads=1,
        timeout=30,
        graceful_timeout=30,
        max_requests=1000,
        access_log=True,
    )
    options["wsgi_app"] = "bench.load.bare_wsgi:application"
    options["proc_name"] = "springboard-bare"
    BareServer(options).run()


if __name__ == "__main__":
    main()
