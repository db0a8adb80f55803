"""The SQL expressions the eligibility ranking (trials.eligibility.ranking) builds its verdicts from."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db.models import BooleanField, F, Func, IntegerField, TextField, Value

from trials.geography.distance import ArrayExpression


class CountIn(ArrayExpression):
    """`(SELECT count(*) FROM unnest(<array>) AS key WHERE key = ANY(<values>))`: with repeats."""

    output_field = IntegerField()
    sql = "(SELECT count(*) FROM unnest({array}) AS key WHERE key = ANY(({values})::text[]))"

    def __init__(self, array: str, values: list[str]) -> None:
        super().__init__(F(array), Value(values, output_field=ArrayField(TextField())))


class CohortStat(Func):
    """One figure over a trial's cohorts, from its cohort keys (`rules.cohort_key`) and the patient's
    answers: whether every cohort is ruled out (`excluded`), whether none is sure (`unsure`: each is
    ruled out or has an unknown checked point), or the fewest unknowns of a cohort not ruled out
    (`unknowns`), as the engine chooses the best cohort."""

    COHORTS = (
        "SELECT split_part(key, E'\\t', 1) AS cohort, bool_or(key = ANY(%s::text[])) AS excluded,"
        " bool_or(key = ANY(%s::text[])) AS unsure, count(*) FILTER (WHERE key = ANY(%s::text[])) AS unknowns"
        " FROM unnest({array}) AS key WHERE starts_with(key, 'cohort:') GROUP BY 1"
    )
    FIGURES: dict[str, tuple[str, BooleanField[Any, Any] | IntegerField[Any, Any]]] = {
        "excluded": ("coalesce(bool_and(excluded), false)", BooleanField()),
        "unsure": ("coalesce(NOT bool_or(NOT excluded AND NOT unsure), false)", BooleanField()),
        "unknowns": ("coalesce(min(unknowns) FILTER (WHERE NOT excluded), 0)", IntegerField()),
    }

    def __init__(self, figure: str, not_met: list[str], unsure: list[str], unknown: list[str]) -> None:
        self.figure = figure
        self.arrays = [not_met, unsure, unknown]
        super().__init__(F("rule_keys"), output_field=self.FIGURES[figure][1])

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        array, params = compiler.compile(self.get_source_expressions()[0])
        inner = self.COHORTS.format(array=array)
        # Only the column and the fixed SQL above are formatted in; the answers are parameters.
        sql = f"(SELECT {self.FIGURES[self.figure][0]} FROM ({inner}) AS cohorts)"  # noqa: S608
        return sql, [*self.arrays, *params]


class InIds(ArrayExpression):
    """`id = ANY(<ids>)`: one array parameter however many ids (an IN list has one per id)."""

    output_field = BooleanField()
    sql = "{array} = ANY(({values})::bigint[])"

    def __init__(self, ids: list[int]) -> None:
        super().__init__(F("pk"), Value(ids, output_field=ArrayField(IntegerField())))
