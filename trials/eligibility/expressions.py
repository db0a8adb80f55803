"""The SQL the eligibility ranking (trials.eligibility.ranking) builds its verdicts from.

`patient_answers()` asks the engine once for the patient's outcome of every distinct rule key and
tumour-type key of the published trials (`Answers`), and `with_verdicts()` turns those answers into
each trial's `verdict_rank` and `rank_unknowns`, with array tests and the expressions below
(`CountIn`, `CohortStat`; `InIds` selects a page's trials by id).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)

from trials.eligibility.engine import evaluate_criterion, tumour_type_answer
from trials.eligibility.patient import PatientFacts
from trials.eligibility.rules import (
    COHORT_PREFIX,
    parse_cohort_key,
    parse_rule_key,
    parse_tumour_type_key,
    tumour_type_key,
)
from trials.eligibility.values import Outcome, Treatments
from trials.geography.distance import ArrayExpression
from trials.record.data import CriterionData
from trials.registry.cache import cached
from trials.registry.models import Trial, TumourType
from trials.registry.querysets import TrialQuerySet


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


def rule_keys_of(trials: TrialQuerySet) -> list[str]:
    """The distinct rule keys of these trials (one query, unnesting their arrays)."""
    keys = (
        trials.annotate(key=Func(F("rule_keys"), function="unnest", output_field=TextField()))
        .values_list("key", flat=True)
        .distinct()
        .order_by()
    )
    return sorted(keys)


@dataclass(frozen=True)
class RuleKeys:
    """The distinct rule keys of the published trials, with each key's number in `Trial.rule_hashes`.

    `hashes` is None when two keys share a number (a 64-bit hash collision: about one chance in 37
    million even with a million distinct keys), which would let one key's outcome stand for
    another's: the ranking then tests the keys themselves.
    """

    keys: list[str]
    hashes: dict[str, int] | None


def _distinct_rule_keys() -> RuleKeys:
    def load() -> RuleKeys:
        hashes = dict(
            Trial.objects.published()
            .annotate(key=Func(F("rule_keys"), function="unnest", output_field=TextField()))
            .annotate(hash=Func(F("key"), Value(0), function="hashtextextended", output_field=BigIntegerField()))
            .values_list("key", "hash")
            .distinct()
            .order_by()
        )
        return RuleKeys(sorted(hashes), hashes if len(set(hashes.values())) == len(hashes) else None)

    return cached("rule-keys", (), load)


def _having_any(keys: list[str], hashes: dict[str, int] | None) -> Q:
    """The trials with any of these rule keys: an overlap of numbers when the keys have distinct ones."""
    if hashes is None:
        return Q(rule_keys__overlap=keys)
    return Q(rule_hashes__overlap=[hashes[key] for key in keys])


def _any(conditions: list[Q]) -> Q | None:
    """The OR of the conditions; None when there are none."""
    return reduce(operator.or_, conditions) if conditions else None


def _tumour_type_keys() -> list[str]:
    def load() -> list[str]:
        pairs = TumourType.objects.values_list("primary_site", "diagnosis").distinct().order_by()
        return sorted({tumour_type_key(site, diagnosis) for site, diagnosis in pairs})

    return cached("tumour-type-keys", (), load)


@dataclass(frozen=True)
class Answers:
    """The patient's outcome of every distinct key, and the SQL conditions that follow from them."""

    rules_unknown: list[str]  # a rule with a missing (or doubtful) fact: unknown, but checked
    missing_by_rule: dict[str, tuple[str, ...]]
    excluded: Q | None  # some facet or criterion is not met
    facet_unknowns: list[Q]  # each facet of a trial that can be unknown: one unknown each
    facet_missing: list[tuple[Q, str]]  # a fact that would settle an unknown facet of the trial
    cohort_keys: list[str]  # every cohort key of the published trials
    cohort_not_met: list[str]
    cohort_unsure: list[str]  # a cohort's rule with a missing (or doubtful) fact
    cohort_unknown: list[str]  # those and the cohorts' criteria without a rule
    hashes: dict[str, int] | None  # each key's number in Trial.rule_hashes (None: test the keys)

    def having_any(self, keys: list[str]) -> Q:
        return _having_any(keys, self.hashes)


def patient_answers(facts: PatientFacts, vocabulary: Treatments) -> Answers:
    rules_not_met: list[str] = []
    rules_unknown: list[str] = []
    missing_by_rule: dict[str, tuple[str, ...]] = {}
    cohort_keys: list[str] = []
    cohort_not_met: list[str] = []
    cohort_unsure: list[str] = []
    cohort_unknown: list[str] = []
    rule_keys = _distinct_rule_keys()
    for key in rule_keys.keys:
        if key.startswith(COHORT_PREFIX):
            cohort_keys.append(key)
            rule_part = parse_cohort_key(key)[1]
            if not rule_part:
                cohort_unknown.append(key)
                continue
        else:
            rule_part = key
        kind, rule = parse_rule_key(rule_part)
        outcome = evaluate_criterion(CriterionData(kind=kind, text="", rule=rule), facts, vocabulary)
        in_cohort = key.startswith(COHORT_PREFIX)
        if outcome.outcome is Outcome.NOT_MET:
            (cohort_not_met if in_cohort else rules_not_met).append(key)
        elif outcome.outcome is Outcome.UNKNOWN:
            if in_cohort:
                cohort_unsure.append(key)
                cohort_unknown.append(key)
            else:
                rules_unknown.append(key)
            missing_by_rule[key] = outcome.missing_facts
    hashes = rule_keys.hashes
    not_met: list[Q] = []
    unknown: list[Q] = []
    missing: list[tuple[Q, str]] = []
    if rules_not_met:
        not_met.append(_having_any(rules_not_met, hashes))

    age_limited = Q(min_age__isnull=False) | Q(max_age__isnull=False)
    if facts.age is None:
        unknown.append(age_limited)
        missing.append((age_limited, "age"))
    else:
        not_met.append(Q(min_age__gt=facts.age) | Q(max_age__lt=facts.age))
    for value, column, fact in ((facts.sex, "sexes", "sex"), (facts.value("grade"), "grades", "grade")):
        limited = Q(**{f"{column}__len__gt": 0})
        if value is None:
            unknown.append(limited)
            missing.append((limited, fact))
        else:
            not_met.append(limited & ~Q(**{f"{column}__contains": [value]}))

    # Tumour types: met if any type surely matches, unknown if none does and some might, else not met.
    keys = _tumour_type_keys()
    answers = {key: tumour_type_answer(*parse_tumour_type_key(key), facts) for key in keys}
    sure = [key for key, answer in answers.items() if answer is True]
    maybe = [key for key, answer in answers.items() if answer is None]
    open_question = Q(tumour_type_keys__len__gt=0)
    if sure:
        open_question &= ~Q(tumour_type_keys__overlap=sure)
    if maybe:
        might = open_question & Q(tumour_type_keys__overlap=maybe)
        not_met.append(open_question & ~Q(tumour_type_keys__overlap=maybe))
        unknown.append(might)
        # What would settle it: the site if one of the trial's types names a site, the diagnosis
        # if one names a diagnosis (of those the patient has not given).
        for position, fact in enumerate(("primary_site", "diagnosis")):
            naming = [key for key in keys if parse_tumour_type_key(key)[position]]
            if getattr(facts, fact) is None and naming:
                missing.append((might & Q(tumour_type_keys__overlap=naming), fact))
    else:
        not_met.append(open_question)
    # No tumour type and not marked "any NET": which NETs it takes is unknown, and no answer settles it.
    unknown.append(Q(tumour_type_keys__len=0, any_net=False))
    return Answers(
        rules_unknown,
        missing_by_rule,
        _any(not_met),
        unknown,
        missing,
        cohort_keys,
        cohort_not_met,
        cohort_unsure,
        cohort_unknown,
        hashes,
    )


def with_verdicts(answers: Answers, trials: TrialQuerySet) -> TrialQuerySet:
    """The trials annotated with `verdict_rank` (0 likely, 1 possibly, 2 not) and `rank_unknowns`.

    The verdict needs only whether some checked point is unknown (cheap array tests); the number of
    unknowns is counted only for the possibly eligible trials, the only ones ranked by it.
    """
    unknown_points = list(answers.facet_unknowns)
    counted: Any = F("unchecked_criteria")
    for condition in answers.facet_unknowns:
        counted = counted + Case(When(condition, then=Value(1)), default=Value(0))
    if answers.rules_unknown:
        unknown_points.append(answers.having_any(answers.rules_unknown))
        counted = counted + CountIn("rule_keys", answers.rules_unknown)
    never = Q(pk__isnull=True)
    excluded = answers.excluded or never
    if answers.cohort_keys:
        # A trial with cohorts is also ruled out when every cohort is, unsure when no cohort is sure,
        # and counts the unknowns of its best cohort (figures computed for those trials only).
        arrays = (answers.cohort_not_met, answers.cohort_unsure, answers.cohort_unknown)
        has_cohorts = answers.having_any(answers.cohort_keys)
        trials = trials.alias(
            **{
                f"cohorts_{figure}": Case(
                    When(has_cohorts, then=CohortStat(figure, *arrays)),
                    default=Value(default),
                    output_field=field,
                )
                for figure, default, field in (
                    ("excluded", False, BooleanField()),
                    ("unsure", False, BooleanField()),
                    ("unknowns", 0, IntegerField()),
                )
            }
        )
        excluded = excluded | Q(cohorts_excluded=True)
        unknown_points.append(Q(cohorts_unsure=True))
        counted = counted + F("cohorts_unknowns")
    # `excluded` may be NULL (an age limit the trial does not have): only TRUE counts, as in the engine.
    return trials.alias(
        excluded=ExpressionWrapper(excluded, output_field=BooleanField()),
        unsure=ExpressionWrapper(_any(unknown_points) or never, output_field=BooleanField()),
    ).annotate(
        verdict_rank=Case(When(excluded=True, then=Value(2)), When(unsure=True, then=Value(1)), default=Value(0)),
        # Possibly eligible trials rank by their unknowns, criteria without a rule included (tested
        # here on `excluded` and `unsure`, not on the whole verdict_rank expression again).
        rank_unknowns=Case(
            When(excluded=True, then=Value(0)),
            When(unsure=True, then=ExpressionWrapper(counted, output_field=IntegerField())),
            default=Value(0),
        ),
    )
