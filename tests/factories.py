"""factory_boy factories for the trials domain."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from trials.choices import CriterionKind, InterventionKind, Phase, Status, TrialType
from trials.models import Criterion, Hospital, Intervention, Trial, TrialIntervention, TrialSite, TumourType


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


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = Criterion

    trial = factory.SubFactory(TrialFactory)
    kind = CriterionKind.INCLUSION
    text = "Your performance status is 0 or 1"
    rule = None


class TrialSiteFactory(DjangoModelFactory):
    class Meta:
        model = TrialSite

    trial = factory.SubFactory(TrialFactory)
    hospital = factory.SubFactory(HospitalFactory)
    recruiting = True
