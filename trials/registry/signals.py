"""Bump the search cache's generation whenever anything a search answer reads changes."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from trials.registry.cache import bump_generation


def _changed(sender: Any, **kwargs: Any) -> None:
    bump_generation()


def connect() -> None:
    from trials.registry import drug_classes, models, publications

    for model in (
        models.Trial,
        models.TrialIntervention,
        models.TrialSite,
        models.TrialSlug,
        models.Criterion,
        publications.Publication,
        drug_classes.DrugClass,
        models.TumourType,
        models.Intervention,
        models.Hospital,
        models.GlossaryTerm,
    ):
        post_save.connect(_changed, sender=model, dispatch_uid=f"trials-cache-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"trials-cache-delete-{model.__name__}")
    m2m_changed.connect(_changed, sender=models.Trial.tumour_types.through, dispatch_uid="trials-cache-m2m")
    m2m_changed.connect(
        _changed, sender=drug_classes.DrugClass.members.through, dispatch_uid="trials-cache-drug-class-members"
    )
