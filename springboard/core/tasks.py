from __future__ import annotations

from django.tasks import task


@task
def worker_ping(token: str) -> str:
    """Does nothing but come back: `springboard ping-worker` proves a worker picks up work."""
    return token
