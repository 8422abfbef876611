"""P6's mixed load (run by ``bench/p6_load.py`` as a subprocess; never import this module from
Django or pytest: importing locust patches the standard library with gevent).

Three kinds of people, each paced to ``P6_RATE`` requests per second (``constant_throughput``),
so the offered load is users x rate and the achieved rate shows whether the server kept up:

* ``CandidateUser`` — a signed-in candidate: the agency home, their programme (the plan), the
  competence profile, "jobs for you", the applications list, the saved vacancies of the board;
* ``CoachUser`` — a signed-in coach (password and TOTP): the caseload, a caseload page further
  on, a candidate's programme, a candidate's job pipeline;
* ``ApiUser`` — a script with a personal Bearer token of a coach: the programme list, one
  programme, its plan, the vacancies, a candidate's pipeline;
* ``BareUser`` — the bare Django view (``bench/load/bare_urls.py``), for the baseline rate.

Sessions and tokens come from the plan file (``P6_PLAN``) that ``bench/p6_load.py`` wrote after
signing everybody in through the real login pages. A response counts as an error unless it is
200: a redirect to the login page or a 429 is a failure, not a fast success.

Every request's time is recorded by kind ("page", "api", "bare") from ``P6_WARMUP`` seconds after
all users were started until the test stops, and written as JSON to ``P6_OUT`` on exit.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from typing import Any

from locust import FastHttpUser, constant_throughput, events, task

PLAN: dict[str, Any] = json.loads(open(os.environ["P6_PLAN"], encoding="utf-8").read())  # noqa: SIM115
RATE = float(os.environ.get("P6_RATE", "1"))
WARMUP = float(os.environ.get("P6_WARMUP", "2"))
PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}

_candidates = itertools.count()
_coaches = itertools.count()
_tokens = itertools.count()
_state: dict[str, Any] = {"start": None, "end": None}
_times: dict[str, list[float]] = {"page": [], "api": [], "bare": []}
_errors: dict[str, int] = {"page": 0, "api": 0, "bare": 0}
_by_name: dict[str, list[float]] = {}
_all = {"requests": 0}  # every request of the run, also outside the measured window
_error_samples: list[str] = []


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


@events.spawning_complete.add_listener
def _spawned(user_count: int, **kwargs: Any) -> None:
    _state["start"] = time.time() + WARMUP


@events.test_stop.add_listener
def _stopped(**kwargs: Any) -> None:
    if _state["end"] is None:
        _state["end"] = time.time()


@events.request.add_listener
def _on_request(
    request_type: str, name: str, response_time: float, exception: Any, **kwargs: Any
) -> None:
    _all["requests"] += 1
    start, end = _state["start"], _state["end"]
    now = time.time()
    if start is None or now < start or end is not None:
        return
    kind = name.split(":", 1)[0]
    if kind not in _times:
        return
    _times[kind].append(response_time)
    _by_name.setdefault(name, []).append(response_time)
    if exception is not None:
        _errors[kind] += 1
        if len(_error_samples) < 10:
            _error_samples.append(f"{name}: {exception}"[:300])


@events.quitting.add_listener
def _write(**kwargs: Any) -> None:
    out = os.environ.get("P6_OUT")
    if not out:
        return
    end = _state["end"] or time.time()
    payload = {
        "start": _state["start"],
        "end": end,
        "times": _times,
        "errors": _errors,
        "by_name": _by_name,
        "all_requests": _all["requests"],
        "error_samples": _error_samples,
    }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(payload, handle)


class _Person(FastHttpUser):
    abstract = True
    wait_time = constant_throughput(RATE)
    headers: dict[str, str]

    def get(self, url: str, name: str) -> None:
        with self.client.get(
            url, name=name, headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                location = response.headers.get("Location", "") if response.headers else ""
                response.failure(f"HTTP {response.status_code} {location}".strip())


class CandidateUser(_Person):
    weight = 5

    def on_start(self) -> None:
        people = PLAN["candidates"]
        self.me = people[next(_candidates) % len(people)]
        self.base = f"/a/{PLAN['agency']}"
        self.headers = {**PROXY, "Cookie": _cookie_header(self.me["cookies"])}

    @task(3)
    def home(self) -> None:
        self.get(f"{self.base}/", "page:candidate home")

    @task(3)
    def plan(self) -> None:
        self.get(f"{self.base}/programmes/{self.me['programme']}/", "page:candidate plan")

    @task(2)
    def profile(self) -> None:
        self.get(f"{self.base}/profile/", "page:candidate profile")

    @task(2)
    def jobs_for_you(self) -> None:
        self.get(f"{self.base}/jobs/", "page:candidate jobs for you")

    @task(2)
    def applications(self) -> None:
        self.get(f"{self.base}/jobs/applications/", "page:candidate applications")


class CoachUser(_Person):
    weight = 2

    def on_start(self) -> None:
        people = PLAN["coaches"]
        self.me = people[next(_coaches) % len(people)]
        self.base = f"/a/{PLAN['agency']}"
        self.headers = {**PROXY, "Cookie": _cookie_header(self.me["cookies"])}

    @task(3)
    def caseload(self) -> None:
        self.get(f"{self.base}/programmes/", "page:coach caseload")

    @task(1)
    def caseload_later_page(self) -> None:
        self.get(f"{self.base}/programmes/?page=2&sort=progress", "page:coach caseload page 2")

    @task(3)
    def candidate_programme(self) -> None:
        programme = random.choice(self.me["programmes"])
        self.get(f"{self.base}/programmes/{programme}/", "page:coach candidate programme")

    @task(1)
    def candidate_pipeline(self) -> None:
        candidate = random.choice(self.me["candidates"])
        self.get(f"{self.base}/jobs/candidates/{candidate}/", "page:coach candidate pipeline")


class ApiUser(_Person):
    weight = 3

    def on_start(self) -> None:
        tokens = PLAN["tokens"]
        # One token per API user: the per-token rate limit (120 a minute) is never the limit.
        self.me = tokens[next(_tokens) % len(tokens)]
        self.base = f"/api/v1/a/{PLAN['agency']}"
        self.headers = {**PROXY, "Authorization": f"Bearer {self.me['token']}"}

    @task(2)
    def programmes(self) -> None:
        self.get(f"{self.base}/programmes/", "api:programme list")

    @task(3)
    def programme(self) -> None:
        programme = random.choice(self.me["programmes"])
        self.get(f"{self.base}/programmes/{programme}", "api:programme")

    @task(3)
    def plan(self) -> None:
        programme = random.choice(self.me["programmes"])
        self.get(f"{self.base}/programmes/{programme}/plan", "api:programme plan")

    @task(1)
    def vacancies(self) -> None:
        self.get(f"{self.base}/jobs/vacancies", "api:vacancies")

    @task(1)
    def pipeline(self) -> None:
        candidate = random.choice(self.me["candidates"])
        self.get(f"{self.base}/jobs/candidates/{candidate}/pipeline", "api:candidate pipeline")


class BareUser(_Person):
    weight = 1

    def on_start(self) -> None:
        self.headers = dict(PROXY)

    @task
    def hello(self) -> None:
        self.get("/", "bare:hello")
