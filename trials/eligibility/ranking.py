"""Eligibility for every published trial at registry scale: ranked in SQL, explained per page.

`trials.eligibility.engine.evaluate()` explains one trial criterion by criterion. Doing that for 100k trials
would read millions of criteria per request. Instead each trial row carries what its verdict depends
on (kept by trials.registry.services: `rule_keys`, `unchecked_criteria`, `tumour_type_keys`, the facets, and
`site_hospital_ids` for distance), and per request:

1. the engine evaluates each *distinct* rule key and tumour-type key once for the patient, with the
   same code that explains a trial (`evaluate_criterion`, `tumour_type_answer`);
2. SQL gives every trial its verdict and unknown count from those answers, and counts and sorts them
   exactly as `trials.eligibility.engine.rank()` does (verdict, unknowns, distance, title, slug);
3. only the trials on the page asked for are loaded with their criteria and evaluated in full.

Distance is the costliest sort key, and only breaks ties, so it is computed only for the trials in
the (verdict, unknowns) groups that the page overlaps. Unknown never excludes a trial: only a
criterion or facet that is definitely not met does, as in the engine.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import Any, NamedTuple, overload

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connections
from django.db.models import Case, Count, F, FloatField, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import Collate, Lower
from django.urls import reverse

from trials.eligibility.engine import NO_PHASE_RANK, PHASE_ORDER, Sort, evaluate
from trials.eligibility.expressions import InIds, patient_answers, rule_keys_of, with_verdicts
from trials.eligibility.facts import questions_for
from trials.eligibility.patient import PatientFacts
from trials.eligibility.rules import CLASS_PREFIX
from trials.eligibility.values import VERDICT_ORDER, Treatments, TrialEvaluation, TrialFacts, TumourTypeFacts, Verdict
from trials.geography.distance import HospitalMiles, NearestSiteMiles
from trials.geography.postcodes import place_for_postcode
from trials.record.data import CriterionData
from trials.registry.cache import cached
from trials.registry.models import Criterion, Intervention, Trial
from trials.registry.querysets import TrialQuerySet

VERDICT_RANKS = VERDICT_ORDER  # the engine's order of verdicts, as numbers SQL sorts by
VERDICTS_BY_RANK = {rank: verdict for verdict, rank in VERDICT_RANKS.items()}
NOT_ELIGIBLE_RANK = VERDICT_RANKS[Verdict.NOT_ELIGIBLE]
CHUNK = 200  # trials evaluated in full at a time when a whole ranking is iterated (CSV)


class _Group(NamedTuple):
    """The trials that share a verdict and a number of unknowns: they rank together."""

    verdict_rank: int
    unknowns: int
    trials: int
    ids: list[int] | None  # None for the not-eligible groups


def treatments() -> Treatments:
    """The intervention vocabulary the engine words treatments with (cached until it changes)."""

    def load() -> Treatments:
        # One query: each intervention with the classes it belongs to (a class without members
        # matches nothing; a rule naming one is worded from its slug).
        rows = list(
            Intervention.objects.annotate(
                class_slugs=ArrayAgg("drug_classes__slug", default=Value([])),
                class_names=ArrayAgg("drug_classes__name", default=Value([])),
            ).values_list("slug", "kind", "name", "class_slugs", "class_names")
        )
        classes: dict[str, set[str]] = {}
        class_names: dict[str, str] = {}
        for slug, _kind, _name, class_slugs, names in rows:
            for class_slug, class_name in zip(class_slugs, names, strict=True):
                if class_slug is None:
                    continue
                classes.setdefault(CLASS_PREFIX + class_slug, set()).add(slug)
                # "Platinum agents" reads "any of the platinum agents"; "VEGF/VEGFR inhibitors" keeps its capitals.
                lower = class_name[1:2].islower()
                class_names[CLASS_PREFIX + class_slug] = class_name[0].lower() + class_name[1:] if lower else class_name
        return Treatments(
            kinds={s: k for s, k, *_ in rows},
            names={s: n for s, _, n, *_ in rows},
            classes={ref: frozenset(members) for ref, members in classes.items()},
            class_names=class_names,
        )

    return cached("treatments", (), load)


ORDER = [F("verdict_rank").asc(), F("rank_unknowns").asc()]
# The engine's PHASE_ORDER in SQL, for a ranking sorted by phase first.
PHASE_RANK = Case(
    *(When(phase=phase, then=Value(position)) for phase, position in PHASE_ORDER.items()),
    default=Value(NO_PHASE_RANK),
    output_field=IntegerField(),
)
TIE_BREAK = [Collate(Lower("title"), "C").asc(), F("slug").asc()]


class RankedTrials(Sequence[TrialEvaluation]):
    """Every published trial (of `statuses`, or among `slugs`) ranked for the patient; lazy.

    `len()` and `counts` cost one grouped query; an index or a slice loads and evaluates just those
    trials (four queries). Iterating evaluates the whole ranking in chunks. Sorted by distance or
    phase first (`sort`), a page sorts every selected trial, as `engine.rank(by=sort)` does.
    """

    def __init__(
        self,
        facts: PatientFacts,
        *,
        statuses: Sequence[str] | None = None,
        slugs: Sequence[str] | None = None,
        verdict: str | None = None,
        sort: str = Sort.VERDICT,
    ) -> None:
        self.facts = facts
        self.sort = Sort(sort)
        self.statuses = list(statuses) if statuses else None
        self.slugs = list(slugs) if slugs is not None else None
        self.verdict = Verdict(verdict) if verdict else None
        self.treatments = treatments()
        self._answers = patient_answers(facts, self.treatments)
        self._hospital_miles = HospitalMiles(place_for_postcode(facts.postcode)) if facts.postcode else None

    def with_verdict(self, verdict: str | None) -> RankedTrials:
        """The same ranking, only the trials with this verdict (all of them for None)."""
        return RankedTrials(self.facts, statuses=self.statuses, slugs=self.slugs, verdict=verdict, sort=self.sort)

    def with_sort(self, sort: str) -> RankedTrials:
        """The same trials sorted by `sort` first."""
        if Sort(sort) is self.sort:
            return self
        return RankedTrials(self.facts, statuses=self.statuses, slugs=self.slugs, verdict=self.verdict, sort=sort)

    def _trials(self) -> TrialQuerySet:
        trials = Trial.objects.published()
        if self.statuses:
            trials = trials.with_status(self.statuses)
        if self.slugs is not None:
            trials = trials.filter(slug__in=self.slugs)
        return with_verdicts(self._answers, trials)

    @cached_property
    def _groups(self) -> list[_Group]:
        """Every (verdict_rank, rank_unknowns) group and its trials' ids, in rank order: one query.

        The not-eligible trials are one group (their unknowns are not counted: 0).
        """
        # Each trial's verdict and unknowns are computed once, in a subquery of three narrow columns
        # (OFFSET 0 keeps PostgreSQL from merging it into the grouping, which would then sort every
        # trial's arrays and evaluate the verdict again for the ids), then grouped by hashing. Ids
        # are collected for the groups still in play only: the not-eligible group is most of the
        # registry, and collecting its ids costs more than finding them again.
        trials = self._trials()
        rows = trials.order_by().values_list("pk", "verdict_rank", "rank_unknowns")  # type: ignore[misc]  # annotations
        rows_sql, params = rows.query.sql_with_params()
        grouped = (  # only Django's own SQL is formatted in; every value is a parameter
            "SELECT verdict_rank, rank_unknowns, count(*), array_agg(id) FILTER (WHERE verdict_rank < %s)"  # noqa: S608
            f" FROM ({rows_sql} OFFSET 0) AS ranked (id, verdict_rank, rank_unknowns)"
            " GROUP BY verdict_rank, rank_unknowns ORDER BY verdict_rank, rank_unknowns"
        )
        with connections[trials.db].cursor() as cursor:
            cursor.execute(grouped, [NOT_ELIGIBLE_RANK, *params])
            return [_Group(*row) for row in cursor.fetchall()]

    @property
    def counts(self) -> dict[str, int]:
        """How many trials have each verdict (whatever `verdict` this ranking is limited to)."""
        counts = {verdict.value: 0 for verdict in Verdict}
        for group in self._groups:
            counts[VERDICTS_BY_RANK[group.verdict_rank].value] += group.trials
        return counts

    def _selected_groups(self) -> list[_Group]:
        if self.verdict is None:
            return self._groups
        return [group for group in self._groups if group.verdict_rank == VERDICT_RANKS[self.verdict]]

    def __len__(self) -> int:
        return sum(group.trials for group in self._selected_groups())

    @overload
    def __getitem__(self, index: int) -> TrialEvaluation: ...
    @overload
    def __getitem__(self, index: slice) -> list[TrialEvaluation]: ...
    def __getitem__(self, index: int | slice) -> TrialEvaluation | list[TrialEvaluation]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("RankedTrials slices take no step.")
            return self._evaluations(start, stop)
        position = index + len(self) if index < 0 else index
        found = self._evaluations(position, position + 1) if 0 <= position < len(self) else []
        if not found:
            raise IndexError(index)
        return found[0]

    def __iter__(self) -> Iterator[TrialEvaluation]:
        """Every trial in rank order: one ordered query, then evaluated CHUNK trials at a time."""
        rows = self._page_rows(0, len(self))
        for start in range(0, len(rows), CHUNK):
            yield from self._evaluate_rows(rows[start : start + CHUNK])

    def _page_rows(self, start: int, stop: int) -> list[tuple[int, float | None]]:
        """The (pk, distance) of the trials ranked start..stop-1, in rank order."""
        if self.sort is not Sort.VERDICT:
            return self._sorted_rows(start, stop)
        selected = self._selected_groups()
        trials = self._trials()
        # Only the trials of the groups the rows are in are sorted (and measured); found by id when
        # the groups have their ids, so that their conditions are not evaluated over the registry.
        skipped, seen, rows_in = 0, 0, []
        for group in selected:
            if seen + group.trials <= start:
                skipped += group.trials
            elif seen < stop:
                rows_in.append(group)
            seen += group.trials
        if sum(group.trials for group in rows_in) < self._trials_total():  # not every trial
            ids = [pk for group in rows_in for pk in group.ids or ()]
            ruled_out = any(group.ids is None for group in rows_in)
            if ids and ruled_out:
                trials = trials.filter(InIds(ids) | Q(verdict_rank=NOT_ELIGIBLE_RANK))
            elif ids:
                trials = trials.filter(InIds(ids))
            else:
                trials = trials.filter(Q(verdict_rank=NOT_ELIGIBLE_RANK))
        if self._hospital_miles is None:
            ordered = trials.order_by(*ORDER, *TIE_BREAK).values_list("pk", flat=True)
            return [(pk, None) for pk in ordered[start - skipped : stop - skipped]]
        with_distance = (
            trials.annotate(distance_miles=NearestSiteMiles(self._hospital_miles))
            .order_by(*ORDER, F("distance_miles").asc(nulls_last=True), *TIE_BREAK)
            .values_list("pk", "distance_miles")
        )
        return list(with_distance[start - skipped : stop - skipped])

    def _sorted_rows(self, start: int, stop: int) -> list[tuple[int, float | None]]:
        """The rows start..stop-1 sorted by distance or phase first, then in rank order."""
        trials = self._trials()
        if self.verdict is not None:
            trials = trials.filter(Q(verdict_rank=VERDICT_RANKS[self.verdict]))
        distance: Any = Value(None, output_field=FloatField())
        if self._hospital_miles is not None:
            distance = NearestSiteMiles(self._hospital_miles)
        first = F("distance_miles").asc(nulls_last=True) if self.sort is Sort.DISTANCE else F("phase_rank").asc()
        ordered = (
            trials.annotate(distance_miles=distance, phase_rank=PHASE_RANK)
            .order_by(first, *ORDER, F("distance_miles").asc(nulls_last=True), *TIE_BREAK)
            .values_list("pk", "distance_miles")
        )
        return list(ordered[start:stop])

    def _trials_total(self) -> int:
        return sum(group.trials for group in self._groups)

    def _evaluations(self, start: int, stop: int) -> list[TrialEvaluation]:
        return self._evaluate_rows(self._page_rows(start, stop)) if start < stop else []

    def _evaluate_rows(self, rows: list[tuple[int, float | None]]) -> list[TrialEvaluation]:
        distances = dict(rows)
        loaded = {trial.pk: trial for trial in _load([pk for pk, _ in rows])}
        return [evaluate(_trial_facts(loaded[pk], distances[pk]), self.facts, self.treatments) for pk, _ in rows]

    def questions(self) -> list[str]:
        """The questions that would settle the unknown facts of the trials not ruled out (two queries)."""
        answers = self._answers
        in_play = self._trials().filter(Q(verdict_rank__lt=NOT_ELIGIBLE_RANK))
        missing: set[str] = set()
        unknown_keys = answers.rules_unknown + answers.cohort_unsure
        if unknown_keys:
            for key in rule_keys_of(in_play.filter(answers.having_any(unknown_keys))):
                missing.update(answers.missing_by_rule.get(key, ()))
        if answers.facet_missing:
            aggregates = {f"fact_{i}": Count("pk", filter=q) for i, (q, _fact) in enumerate(answers.facet_missing)}
            counts = in_play.aggregate(**aggregates)
            missing.update(fact for i, (_q, fact) in enumerate(answers.facet_missing) if counts[f"fact_{i}"])
        return questions_for(missing)


def _load(pks: list[int]) -> list[Trial]:
    return list(
        Trial.objects.filter(pk__in=pks)
        .only("slug", "title", "status", "phase", "min_age", "max_age", "sexes", "grades", "any_net")
        .prefetch_related(
            Prefetch("tumour_types"),
            Prefetch("criteria", queryset=Criterion.objects.order_by("position", "id")),
        )
    )


def _trial_facts(trial: Trial, distance_miles: float | None) -> TrialFacts:
    return TrialFacts(
        slug=trial.slug,
        title=trial.title,
        status=trial.status,
        phase=trial.phase,
        url=reverse("trials:detail", kwargs={"slug": trial.slug}),
        min_age=trial.min_age,
        max_age=trial.max_age,
        sexes=tuple(trial.sexes),
        grades=tuple(trial.grades),
        tumour_types=tuple(
            TumourTypeFacts(name=t.name, primary_site=t.primary_site, diagnosis=t.diagnosis)
            for t in trial.tumour_types.all()
        ),
        criteria=tuple(
            CriterionData(kind=c.kind, text=c.text, rule=c.rule, registry_text=c.registry_text, cohort=c.cohort)
            for c in trial.criteria.all()
        ),
        distance_miles=distance_miles,
        any_net=trial.any_net,
    )


def eligibility_for_published_trials(
    facts: PatientFacts,
    *,
    statuses: Sequence[str] | None = None,
    slugs: Sequence[str] | None = None,
    verdict: str | None = None,
    sort: str = Sort.VERDICT,
) -> RankedTrials:
    """Every published trial (of `statuses`, or among `slugs`) ranked for the patient (lazily)."""
    return RankedTrials(facts, statuses=statuses, slugs=slugs, verdict=verdict, sort=sort)
