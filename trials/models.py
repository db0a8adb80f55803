"""Django imports each app's `models` module at start-up: this one registers the registry's models.

They are defined in `trials.registry.models` (the registry), `trials.registry.publications`,
`trials.registry.drug_classes` and `trials.registry.syncs` (the registry syncs' runs and records);
import them from there.
"""

from trials.registry import drug_classes as drug_class_models
from trials.registry import models as registry_models
from trials.registry import publications as publication_models
from trials.registry import syncs as sync_models

__all__ = ["drug_class_models", "publication_models", "registry_models", "sync_models"]
