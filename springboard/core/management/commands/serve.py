"""`springboard serve`: the production web server (gunicorn, see docs/deployment.md).

The command is gunicorn's master process itself, so the service manager's signals reach it
directly: SIGTERM stops gracefully (requests in flight finish within --graceful-timeout),
SIGHUP reloads the workers with the code on disk, SIGTTIN/SIGTTOU add or remove a worker.
"""

from __future__ import annotations

import json
import os
from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from gunicorn.app.base import BaseApplication

DEFAULT_BIND = "127.0.0.1:8000"
# The client's address as the proxy saw it, the request, its status, size and duration, and
# the request id that the app's own log lines and the X-Request-ID response header carry.
ACCESS_LOG_FORMAT = (
    '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
)
# Heartbeat files on a RAM disk: on a disk-backed /tmp a slow fsync can make the master take a
# busy worker for a hung one.
SHM = Path("/dev/shm")  # noqa: S108 - a fixed system path, not a temporary file


def available_cpus() -> int:
    """CPUs this process may run on (respects taskset and container CPU sets)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


def default_workers(cpus: int) -> int:
    """gunicorn's rule of thumb for sync workers: while one waits on the database, another
    computes. WEB_CONCURRENCY, the convention hosting platforms set, takes precedence."""
    configured = os.environ.get("WEB_CONCURRENCY", "").strip()
    if configured:
        try:
            return _positive(configured)
        except ArgumentTypeError as exc:
            raise CommandError(f"WEB_CONCURRENCY: {exc}") from exc
    return 2 * cpus + 1


def _whole(value: str, minimum: int) -> int:
    try:
        number = int(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"must be a whole number, not {value!r}") from exc
    if number < minimum:
        raise ArgumentTypeError(f"must be {minimum} or more, not {number}")
    return number


def _positive(value: str) -> int:
    return _whole(value, 1)


def _not_negative(value: str) -> int:
    return _whole(value, 0)


def gunicorn_options(
    *,
    binds: list[str],
    workers: int,
    threads: int,
    timeout: int,
    graceful_timeout: int,
    max_requests: int,
    access_log: bool,
) -> dict[str, Any]:
    options: dict[str, Any] = {
        "bind": binds,
        "workers": workers,
        # More than one thread switches gunicorn to its threaded worker on its own.
        "threads": threads,
        "timeout": timeout,
        "graceful_timeout": graceful_timeout,
        # Behind a proxy that reuses upstream connections (deploy/nginx/springboard.conf).
        "keepalive": 5,
        # A worker is replaced after this many requests (with jitter, so they do not all
        # restart at once): whatever memory a long-lived worker might gather is handed back.
        "max_requests": max_requests,
        "max_requests_jitter": max_requests // 10,
        "accesslog": "-" if access_log else None,
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "proc_name": "springboard",
        # gunicorn's control socket has one default path per user, which a second server on the
        # same machine would take over; signals do the same work (see the module's docstring).
        "control_socket_disable": True,
        "wsgi_app": "config.wsgi:application",
    }
    if SHM.is_dir():
        options["worker_tmp_dir"] = str(SHM)
    return options


class SpringboardServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from config.wsgi import application

        return application


class Command(BaseCommand):
    help = (
        "Run the production web server (gunicorn) for this site. Defaults: 2 x CPUs + 1 "
        "workers, 30 s timeouts, graceful stop on SIGTERM, access log on standard output."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--bind",
            action="append",
            metavar="ADDRESS",
            help=f"HOST:PORT or unix:PATH to listen on, repeatable (default {DEFAULT_BIND})",
        )
        parser.add_argument(
            "--workers",
            type=_positive,
            help="worker processes (default: WEB_CONCURRENCY, else 2 x CPUs + 1)",
        )
        parser.add_argument(
            "--threads",
            type=_positive,
            default=1,
            help="threads per worker (default 1: plain processes)",
        )
        parser.add_argument(
            "--timeout",
            type=_positive,
            default=30,
            help="seconds before a silent worker is killed and replaced (default 30)",
        )
        parser.add_argument(
            "--graceful-timeout",
            type=_positive,
            default=30,
            help="seconds that requests in flight get to finish on stop or reload (default 30)",
        )
        parser.add_argument(
            "--max-requests",
            type=_not_negative,
            default=1000,
            help="requests after which a worker is replaced; 0 never (default 1000)",
        )
        parser.add_argument(
            "--no-access-log",
            action="store_true",
            help="do not log every request (the proxy logs them)",
        )
        parser.add_argument(
            "--print-config",
            action="store_true",
            help="print the server settings as JSON and exit",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        settings = gunicorn_options(
            binds=options["bind"] or [DEFAULT_BIND],
            workers=options["workers"] or default_workers(available_cpus()),
            threads=options["threads"],
            timeout=options["timeout"],
            graceful_timeout=options["graceful_timeout"],
            max_requests=options["max_requests"],
            access_log=not options["no_access_log"],
        )
        if options["print_config"]:
            self.stdout.write(json.dumps(settings, indent=2, sort_keys=True))
            return
        # The system checks may have opened a connection; forked workers must not share it.
        connections.close_all()
        SpringboardServer(settings).run()
