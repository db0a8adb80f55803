"""Time every public scenario in-process (Django test client), warm, and write artifacts/bench.{json,md}.

Each scenario is timed end to end with the whole-answer cache off (what a first request, or every
request after a change to the registry, pays); "cached answer" rows time the same request served
from the answer cache. Beside each figure: the bare database time of the same request (every SELECT
it ran, re-run under EXPLAIN ANALYZE, summed) and the ratio, so the framework's share shows; and
the PostgreSQL settings the run used.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client, override_settings

from benchmarks.seed import PREFIX, bench_trial_count
from trials.registry.models import Criterion, Trial, TrialSite
from trials.search.facets import count_facets, facet_options, trial_facets
from trials.search.filters import TrialFilters
from trials.search.matches import text_search_plan, trial_search

FULL_PATIENT: dict[str, Any] = {
    "age": 60,
    "sex": "female",
    "diagnosis": "net",
    "primary_site": "pancreas",
    "grade": "G2",
    "ki67": 5,
    "extent": "metastatic",
    "resectable": False,
    "measurable_disease": True,
    "progressed_last_12_months": True,
    "carcinoid_syndrome": False,
    "syndrome_controlled_on_ssa": True,
    "bowel_movements_per_day": 2,
    "sstr_imaging_positive": True,
    "ecog": 1,
    "prior_treatments": ["somatostatin_analogue"],
    "progressed_on": ["somatostatin_analogue"],
    "prior_systemic_lines": 1,
    "brain_metastases": False,
    "pregnant_or_breastfeeding": False,
    "creatinine_clearance": 80,
    "postcode": "M20 4BX",
}
PARTIAL_PATIENT: dict[str, Any] = {"age": 60, "primary_site": "pancreas"}

FILTERED = "q=liver&status=open&grade=G2&intervention_kind=targeted_drug"
NEAR = "near=M20&within_miles=50"
# A patient's sentence (issue 18): a tumour type, a grade, an extent and a place, no words left.
SENTENCE = "q=pancreatic+NET+grade+2+that+has+spread+near+Leeds"


@dataclass
class Result:
    name: str
    runs: int
    median_ms: float
    p95_ms: float
    max_ms: float
    queries: int
    sql_ms: float | None = None

    @property
    def ratio(self) -> float | None:
        return None if not self.sql_ms else round(self.median_ms / self.sql_ms, 1)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _facets_cached() -> int:
    trial_facets(filters=TrialFilters(q="tumour"))
    return 200


def _facets_computed() -> int:
    """The facet counts without the cache: what the first request after a change pays."""
    count_facets(TrialFilters(q="tumour"), facet_options())
    return 200


POSTGRESQL_SETTINGS = (
    "shared_buffers",
    "effective_cache_size",
    "work_mem",
    "random_page_cost",
    "jit",
    "max_parallel_workers_per_gather",
)


def _postgresql_settings() -> dict[str, str]:
    values = {}
    with connection.cursor() as cursor:
        for name in POSTGRESQL_SETTINGS:
            cursor.execute(f"SHOW {name}")
            values[name] = str(cursor.fetchone()[0])
    return values


def _bare_sql_ms(statements: list[tuple[str, Any]]) -> float | None:
    """The database's own execution time of a request's reads: each SELECT re-run under EXPLAIN ANALYZE."""
    total, explained = 0.0, 0
    with connection.cursor() as cursor:
        for sql, params in statements:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            total += float(plan[0]["Execution Time"])
            explained += 1
    return round(total, 1) if explained else None


def _explain_ms(filters: TrialFilters) -> float:
    """PostgreSQL's own execution time of the first results page of the main search query."""
    with text_search_plan(filters):
        plan = json.loads(trial_search(filters=filters)[:20].explain(format="json", analyze=True))
    return float(plan[0]["Execution Time"])


class Command(BaseCommand):
    slow_seconds = 2.0
    help = "Seed bench trials if needed, VACUUM ANALYZE, then time each scenario (median, p95, max, queries)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--trials", type=int, default=int(os.environ.get("BENCH_TRIALS", "100000")))
        parser.add_argument("--runs", type=int, default=50)
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--output", type=Path, default=Path(settings.BASE_DIR) / "artifacts")
        parser.add_argument("--only", default="", help="Comma-separated scenario names to run.")
        parser.add_argument("--no-seed", action="store_true")
        parser.add_argument(
            "--slow-seconds", type=float, default=2.0, help="Scenarios slower than this when warm run 5 times."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_seed"] and bench_trial_count() < options["trials"]:
            call_command("seed_bench", trials=options["trials"], stdout=self.stdout)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        elif not options["no_seed"]:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        sample = Trial.objects.filter(slug__startswith=PREFIX).order_by("slug").values_list("slug", flat=True).first()
        detail = f"/trials/{sample}/"
        scenarios: dict[str, tuple[str, str, dict[str, Any] | None]] = {
            "home page": ("GET", "/", None),
            "trial page": ("GET", detail, None),
            "/trials/ no query": ("GET", "/trials/", None),
            "/trials/ selective q=lenvatinib": ("GET", "/trials/?q=lenvatinib", None),
            "/trials/ broad q=tumour": ("GET", "/trials/?q=tumour", None),
            "/trials/ q + three filters": ("GET", f"/trials/?{FILTERED}", None),
            "/trials/ postcode + 50 miles": ("GET", f"/trials/?{NEAR}", None),
            "/trials/ sentence": ("GET", f"/trials/?{SENTENCE}", None),
            "API trial": ("GET", f"/api/v1{detail}", None),
            "API list no query": ("GET", "/api/v1/trials/", None),
            "API selective q=lenvatinib": ("GET", "/api/v1/trials/?q=lenvatinib", None),
            "API broad q=tumour": ("GET", "/api/v1/trials/?q=tumour", None),
            "API q + three filters": ("GET", f"/api/v1/trials/?{FILTERED}", None),
            "API postcode + 50 miles": ("GET", f"/api/v1/trials/?{NEAR}", None),
            "API sentence": ("GET", f"/api/v1/trials/?{SENTENCE}", None),
            "eligibility full patient": ("POST", "/api/v1/eligibility/", {"patient": FULL_PATIENT}),
            "eligibility age + site only": ("POST", "/api/v1/eligibility/", {"patient": PARTIAL_PATIENT}),
        }
        runs, warmup = options["runs"], options["warmup"]
        self.slow_seconds = options["slow_seconds"]
        only = {name.strip() for name in options["only"].split(",") if name.strip()}
        client = Client()
        results: list[Result] = []
        # No throttling or page rate limits: the bench measures the work, not the rate limit.
        rates = {"anon": None, "user": None}
        unlimited = dict.fromkeys(settings.PAGE_RATE_LIMITS, "1000000/minute")
        with override_settings(
            REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates},
            PAGE_RATE_LIMITS=unlimited,
            ANSWER_CACHE_SECONDS=0,
        ):
            for name, (method, path, body) in scenarios.items():
                if only and name not in only:
                    continue

                def request(method: str = method, path: str = path, body: dict[str, Any] | None = body) -> int:
                    if method == "POST":
                        response = client.post(path, data=body, content_type="application/json")
                    else:
                        response = client.get(path)
                    return response.status_code

                results.append(self._time(name, request, options["runs"], options["warmup"]))
            with override_settings(ANSWER_CACHE_SECONDS=600):
                for name in ("trial page", "/trials/ broad q=tumour", "API broad q=tumour"):
                    if only and name not in only:
                        continue
                    path = scenarios[name][1]

                    def cached(path: str = path) -> int:
                        return client.get(path).status_code

                    results.append(self._time(f"{name} (cached answer)", cached, runs, warmup))
            if not only or "facet counts" in only:
                results.append(self._time("facet counts q=tumour (cached)", _facets_cached, runs, warmup))
                results.append(self._time("facet counts q=tumour (computed)", _facets_computed, runs, warmup))
        sql = {
            "selective q=lenvatinib": _explain_ms(TrialFilters(q="lenvatinib")),
            "broad q=tumour": _explain_ms(TrialFilters(q="tumour")),
        }
        self._write(results, sql, options["output"])

    def _time(self, name: str, request: Callable[[], int], runs: int, warmup: int) -> Result:
        slowest = 0.0
        for _ in range(warmup):
            started = time.perf_counter()
            status = request()
            slowest = time.perf_counter() - started  # the last, warm one
            if status != 200:
                raise RuntimeError(f"{name}: HTTP {status}")
        if slowest > self.slow_seconds:
            # A scenario far over every target: a few runs show that as well as fifty would.
            runs = min(runs, 5)
        times: list[float] = []
        # Count through an execute wrapper: the test client's request_started resets connection.queries.
        queries: list[tuple[str, Any]] = []

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            queries.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            request()
        bare = _bare_sql_ms(queries)
        for _ in range(runs):
            started = time.perf_counter()
            request()
            times.append((time.perf_counter() - started) * 1000)
        result = Result(
            name=name,
            runs=runs,
            median_ms=round(statistics.median(times), 1),
            p95_ms=round(_percentile(times, 0.95), 1),
            max_ms=round(max(times), 1),
            queries=len(queries),
            sql_ms=bare,
        )
        self.stdout.write(
            f"{name:40} median {result.median_ms:8.1f}  p95 {result.p95_ms:8.1f}  max {result.max_ms:8.1f} ms"
            f"  {result.queries} queries  bare SQL {result.sql_ms} ms  ratio {result.ratio}"
        )
        return result

    def _write(self, results: list[Result], sql: dict[str, float], output: Path) -> None:
        output.mkdir(parents=True, exist_ok=True)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = cursor.fetchone()[0]
        data = {
            "trials": Trial.objects.count(),
            "published": Trial.objects.published().count(),
            "criteria": Criterion.objects.count(),
            "sites": TrialSite.objects.count(),
            "database_size": size,
            "postgresql": server,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
            "postgresql_settings": _postgresql_settings(),
            "explain_execution_ms": sql,
            "results": [{**asdict(r), "ratio": r.ratio} for r in results],
        }
        (output / "bench.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        lines = [
            f"Trials: {data['trials']} ({data['published']} published), criteria: {data['criteria']}, "
            f"sites: {data['sites']}, database: {size}, PostgreSQL {server}, {data['machine']}.",
            "PostgreSQL settings: " + ", ".join(f"{k}={v}" for k, v in data["postgresql_settings"].items()) + ".",
            "",
            "| scenario | runs | median ms | p95 ms | max ms | SQL queries | bare SQL ms | ratio |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in results:
            bare = "" if r.sql_ms is None else f"{r.sql_ms:.1f}"
            ratio = "" if r.ratio is None else f"{r.ratio:.1f}"
            lines.append(
                f"| {r.name} | {r.runs} | {r.median_ms:.1f} | {r.p95_ms:.1f} | {r.max_ms:.1f} | {r.queries} "
                f"| {bare} | {ratio} |"
            )
        (output / "bench.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.stdout.write("\n".join(lines))
