"""factory_boy factories for the trials domain."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar, cast

from factory.declarations import LazyFunction, Sequence, SubFactory
from factory.django import DjangoModelFactory
from factory.helpers import post_generation

from trials.registry.choices import CriterionKind, InterventionKind, Phase, Status, TrialType
from trials.registry.models import Criterion, Hospital, Intervention, Trial, TrialIntervention, TrialSite, TumourType
from trials.registry.services import trial_refresh_derived

_M = TypeVar("_M")


class ModelFactory(Protocol[_M]):
    """A factory class as the tests use it: calling it creates and saves its model."""

    def __call__(self, **kwargs: Any) -> _M: ...
    def create(self, **kwargs: Any) -> _M: ...
    def build(self, **kwargs: Any) -> _M: ...
    def create_batch(self, size: int, **kwargs: Any) -> list[_M]: ...
    def build_batch(self, size: int, **kwargs: Any) -> list[_M]: ...


def _typed(factory_class: type[DjangoModelFactory[_M]]) -> ModelFactory[_M]:
    """Return the factory class itself, typed so `XFactory(...)` is seen as the model it makes.

    factory_boy creates the instance in its metaclass's untyped `__call__`, which mypy ignores, and
    mypy also ignores a `__new__` returning another type: without this, every call is typed as the factory.
    """
    return cast("ModelFactory[_M]", factory_class)


class _TumourTypeFactory(DjangoModelFactory[TumourType]):
    class Meta:
        model = TumourType
        django_get_or_create = ("slug",)

    slug = Sequence(lambda n: f"tumour-type-{n}")
    name = Sequence(lambda n: f"Tumour type {n}")


class _InterventionFactory(DjangoModelFactory[Intervention]):
    class Meta:
        model = Intervention
        django_get_or_create = ("slug",)

    slug = Sequence(lambda n: f"drug-{n}")
    name = Sequence(lambda n: f"drug {n}")
    kind = InterventionKind.TARGETED_DRUG


class _HospitalFactory(DjangoModelFactory[Hospital]):
    class Meta:
        model = Hospital

    name = Sequence(lambda n: f"Hospital {n}")
    town = "Manchester"
    region = "North West"
    postcode = "M20 4BX"
    latitude = 53.4291
    longitude = -2.2302


class _TrialFactory(DjangoModelFactory[Trial]):
    class Meta:
        model = Trial
        skip_postgeneration_save = True

    slug = Sequence(lambda n: f"trial-{n}")
    title = Sequence(lambda n: f"A trial looking at treatment {n}")
    status = Status.OPEN
    phase = Phase.PHASE_2
    trial_type = TrialType.TREATMENT
    summary = "This trial is looking at a new treatment."
    published = True
    # A UK trial, as the seed's are: the public pages show UK trials unless asked for others.
    registry_countries = LazyFunction(lambda: ["United Kingdom"])

    # factory_boy calls a post-generation hook with the created trial, not the factory, as its first argument.
    @post_generation
    def tumour_types(trial: Trial, create: bool, extracted: list[TumourType] | None, **kwargs: object) -> None:
        if create and extracted:
            trial.tumour_types.set(extracted)

    @post_generation
    def interventions(trial: Trial, create: bool, extracted: list[Intervention] | None, **kwargs: object) -> None:
        if create and extracted:
            for position, intervention in enumerate(extracted):
                TrialIntervention.objects.create(trial=trial, intervention=intervention, position=position)

    @post_generation
    def derived(trial: Trial, create: bool, extracted: object, **kwargs: object) -> None:
        """Last: the copied fields, as trials.registry.services keeps them after every write."""
        if create:
            trial_refresh_derived(trials=[trial])


class _RefreshesItsTrial(DjangoModelFactory[_M]):
    """A trial's row (criterion, site) whose creation refreshes the trial's derived fields."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        # mypy's untyped_calls_exclude does not reach a call through super().
        obj = super()._create(model_class, *args, **kwargs)  # type: ignore[no-untyped-call]
        trial_refresh_derived(trials=[obj.trial])
        return obj


class _CriterionFactory(_RefreshesItsTrial[Criterion]):
    class Meta:
        model = Criterion

    trial = SubFactory(_TrialFactory)
    kind = CriterionKind.INCLUSION
    text = "Your performance status is 0 or 1"
    rule = None


class _TrialSiteFactory(_RefreshesItsTrial[TrialSite]):
    class Meta:
        model = TrialSite

    trial = SubFactory(_TrialFactory)
    hospital = SubFactory(_HospitalFactory)
    recruiting = True


TumourTypeFactory = _typed(_TumourTypeFactory)
InterventionFactory = _typed(_InterventionFactory)
HospitalFactory = _typed(_HospitalFactory)
TrialFactory = _typed(_TrialFactory)
CriterionFactory = _typed(_CriterionFactory)
TrialSiteFactory = _typed(_TrialSiteFactory)
