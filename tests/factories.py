"""factory_boy factories for the trials domain."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from trials.registry.choices import CriterionKind, InterventionKind, Phase, Status, TrialType
from trials.registry.models import Criterion, Hospital, Intervention, Trial, TrialIntervention, TrialSite, TumourType
from trials.registry.services import trial_refresh_derived


class TumourTypeFactory(DjangoModelFactory):
    class Meta:
        model = TumourType
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"tumour-type-{n}")
    name = factory.Sequence(lambda n: f"Tumour type {n}")


class InterventionFactory(DjangoModelFactory):
    class Meta:
        model = Intervention
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"drug-{n}")
    name = factory.Sequence(lambda n: f"drug {n}")
    kind = InterventionKind.TARGETED_DRUG


class HospitalFactory(DjangoModelFactory):
    class Meta:
        model = Hospital

    name = factory.Sequence(lambda n: f"Hospital {n}")
    town = "Manchester"
    region = "North West"
    postcode = "M20 4BX"
    latitude = 53.4291
    longitude = -2.2302


class TrialFactory(DjangoModelFactory):
    class Meta:
        model = Trial
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"trial-{n}")
    title = factory.Sequence(lambda n: f"A trial looking at treatment {n}")
    status = Status.OPEN
    phase = Phase.PHASE_2
    trial_type = TrialType.TREATMENT
    summary = "This trial is looking at a new treatment."
    published = True

    @factory.post_generation
    def tumour_types(self, create: bool, extracted: list[TumourType] | None, **kwargs: object) -> None:
        if create and extracted:
            self.tumour_types.set(extracted)

    @factory.post_generation
    def interventions(self, create: bool, extracted: list[Intervention] | None, **kwargs: object) -> None:
        if create and extracted:
            for position, intervention in enumerate(extracted):
                TrialIntervention.objects.create(trial=self, intervention=intervention, position=position)

    @factory.post_generation
    def derived(self, create: bool, extracted: object, **kwargs: object) -> None:
        """Last: the copied fields, as trials.registry.services keeps them after every write."""
        if create:
            trial_refresh_derived(trials=[self])


class _RefreshesItsTrial(DjangoModelFactory):
    """A trial's row (criterion, site) whose creation refreshes the trial's derived fields."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        obj = super()._create(model_class, *args, **kwargs)
        trial_refresh_derived(trials=[obj.trial])
        return obj


class CriterionFactory(_RefreshesItsTrial):
    class Meta:
        model = Criterion

    trial = factory.SubFactory(TrialFactory)
    kind = CriterionKind.INCLUSION
    text = "Your performance status is 0 or 1"
    rule = None


class TrialSiteFactory(_RefreshesItsTrial):
    class Meta:
        model = TrialSite

    trial = factory.SubFactory(TrialFactory)
    hospital = factory.SubFactory(HospitalFactory)
    recruiting = True
