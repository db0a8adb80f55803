"""A mix of public scenarios for `make loadtest` (headless locust against 127.0.0.1 only).

Users have no think time (LOADTEST_WAIT seconds between requests, default 0), as in the issue's
measurement. FastHttpUser (geventhttpclient) keeps locust's own share of the two cores small: it
runs on the same machine as the server it measures. Every answer's X-Answer-Cache header is
counted, and the whole-answer cache's hit rate is written to artifacts/loadtest_<users>_cache.json
when the run stops.
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from pathlib import Path
from typing import Any

from locust import FastHttpUser, constant, events, task

ANSWERS: Counter[str] = Counter()


@events.request.add_listener
def _count_answer(response: Any = None, **kwargs: Any) -> None:
    if response is not None and getattr(response, "headers", None) is not None:
        ANSWERS[response.headers.get("X-Answer-Cache", "not cacheable")] += 1


@events.quitting.add_listener
def _write_hit_rate(environment: Any, **kwargs: Any) -> None:
    cacheable = ANSWERS["hit"] + ANSWERS["miss"]
    summary = {**ANSWERS, "hit_rate": round(ANSWERS["hit"] / cacheable, 3) if cacheable else None}
    users = environment.parsed_options.num_users if environment.parsed_options else "run"
    Path("artifacts").mkdir(exist_ok=True)
    Path(f"artifacts/loadtest_{users}_cache.json").write_text(json.dumps(summary) + "\n", encoding="utf-8")


QUERIES = ["lenvatinib", "tumour", "liver", "everolimus", "pancreas", "carcinoid", "PRRT", "octreotide"]
FULL_PATIENT = {
    "age": 60,
    "sex": "female",
    "diagnosis": "net",
    "primary_site": "pancreas",
    "grade": "G2",
    "ecog": 1,
    "prior_treatments": ["somatostatin_analogue"],
    "postcode": "M20 4BX",
}


class Visitor(FastHttpUser):
    wait_time = constant(float(os.environ.get("LOADTEST_WAIT", "0")))

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(5)
    def search(self) -> None:
        self.client.get(f"/trials/?q={random.choice(QUERIES)}", name="/trials/?q=")  # noqa: S311

    @task(3)
    def filtered(self) -> None:
        self.client.get(
            "/trials/?q=liver&status=open&grade=G2&intervention_kind=targeted_drug", name="/trials/ filters"
        )

    @task(2)
    def near(self) -> None:
        self.client.get("/trials/?near=M20&within_miles=50", name="/trials/ near")

    @task(5)
    def trial(self) -> None:
        self.client.get(f"/trials/bench-{random.randrange(0, 100_000):07d}/", name="trial page")  # noqa: S311

    @task(3)
    def api(self) -> None:
        self.client.get(f"/api/v1/trials/?q={random.choice(QUERIES)}", name="API list")  # noqa: S311

    @task(1)
    def eligibility(self) -> None:
        self.client.post("/api/v1/eligibility/", json={"patient": FULL_PATIENT, "status": ["open"]}, name="eligibility")
