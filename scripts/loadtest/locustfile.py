"""A mix of public scenarios for `make loadtest` (headless locust against 127.0.0.1 only)."""

from __future__ import annotations

import random

from locust import HttpUser, between, task

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


class Visitor(HttpUser):
    wait_time = between(0.5, 2)

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
