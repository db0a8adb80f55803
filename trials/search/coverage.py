"""How well a trial covers what a sentence named, as one number in SQL: its tumour types, grade and extent.

Best match puts the trials that cover the named tumour first, then those that do not say, and last
those whose types are all elsewhere ("did not start in the pancreas"); the same, less strongly, for
the grade and for the extent where the trial states them (its grades, its extent rules). Each part
reads an array column of the trial row, so the number costs no join.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from itertools import combinations, permutations

from django.contrib.postgres.fields import ArrayField
from django.db.models import BigIntegerField, Case, Expression, Func, IntegerField, Q, TextField, Value, When

from trials.eligibility.rules import Operator, rule_key
from trials.registry.choices import Extent
from trials.search.filters import Named

COVERS, UNSAID, ELSEWHERE = 2, 1, 0
EXACTLY = 3  # a trial for the very type named, not for a wider one that covers it


def coverage_fit(named: Named) -> Expression:
    """Tumour type x 9 + grade x 3 + extent, each 2 covers, 1 does not say, 0 rules out (the type: 3 exactly).

    The grade and the extent only order trials that fit the tumour equally well. With types ruled
    out, 36 more (more than all the rest) for every trial not for those types only.
    """
    parts: list[tuple[int, Expression]] = []
    if named.avoid_keys:
        only_avoided = Q(tumour_type_keys__contained_by=list(named.avoid_keys)) & ~Q(tumour_type_keys__len=0)
        parts.append((36, Case(When(only_avoided, then=Value(0)), default=Value(1), output_field=IntegerField())))
    if named.tumour_type:
        types = list(named.tumour_type)
        exactly = [When(tumour_type_keys__overlap=list(named.tumour_type_keys), then=Value(EXACTLY))]
        covering = Case(
            When(Q(tumour_type_coverage__overlap=types), then=Case(*exactly, default=Value(COVERS))),
            When(tumour_type_coverage__len=0, then=Value(UNSAID)),
            default=Value(ELSEWHERE),
            output_field=IntegerField(),
        )
        parts.append((9, covering))
    if named.grade:
        parts.append((3, _fit(Q(grades__overlap=list(named.grade)), Q(grades__len=0))))
    if named.extent:
        admits, rules_out = extent_rule_keys(frozenset(named.extent))
        parts.append(
            (
                1,
                Case(
                    When(_having_any(admits), then=Value(COVERS)),
                    When(_having_any(rules_out), then=Value(ELSEWHERE)),
                    default=Value(UNSAID),
                    output_field=IntegerField(),
                ),
            )
        )
    total: Expression = Value(0, output_field=IntegerField())
    for weight, part in parts:
        total = total + part * weight if weight > 1 else total + part
    return total


def _having_any(keys: list[str]) -> Q:
    """The trials with any of these rule keys, tested by their numbers (`Trial.rule_hashes`): the keys'
    numbers are computed once, when PostgreSQL plans the query, and each trial's test compares integers."""
    numbers = Func(
        Value(keys, output_field=ArrayField(TextField())),
        function="trials_rule_key_hashes",
        output_field=ArrayField(BigIntegerField()),
    )
    return Q(rule_hashes__overlap=numbers)


def _fit(covers: Q, unsaid: Q) -> Case:
    return Case(
        When(covers, then=Value(COVERS)),
        When(unsaid, then=Value(UNSAID)),
        default=Value(ELSEWHERE),
        output_field=IntegerField(),
    )


@cache
def extent_rule_keys(named: frozenset[str]) -> tuple[list[str], list[str]]:
    """The extent rules (as `Trial.rule_keys` holds them) that admit any named extent, and those that admit none."""
    admits: list[str] = []
    rules_out: list[str] = []
    for key, allowed in _extent_rules():
        (admits if allowed & named else rules_out).append(key)
    return admits, rules_out


def _extent_rules() -> Iterator[tuple[str, frozenset[str]]]:
    """Every extent rule a criterion can hold, with the extents of the patients it lets join."""
    every = frozenset(Extent.values)
    lists = [
        list(order)
        for size in range(1, len(every) + 1)
        for chosen in combinations(sorted(every), size)
        for order in permutations(chosen)
    ]
    for kind in ("inclusion", "exclusion"):
        for values in lists:
            said = frozenset(values)
            rules: list[tuple[Operator, str | list[str], frozenset[str]]] = [
                (Operator.IN, values, said),
                (Operator.NOT_IN, values, every - said),
            ]
            if len(values) == 1:
                rules.append((Operator.EQ, values[0], said))
            for operator, value, holds in rules:
                key = rule_key(kind, {"fact": "extent", "operator": operator.value, "value": value})
                yield key, holds if kind == "inclusion" else every - holds
