"""Django imports each app's `models` module at start-up: this one registers the registry's models.

They are defined in `trials.registry.models` (the registry), `trials.registry.publications`,
`trials.registry.drug_classes`, `trials.registry.contacts` (trial and site contacts),
`trials.registry.syncs` (the registry syncs' runs and records), `trials.registry.uploads` (admin
uploads) and `trials.review.models` (suggested rules); import them from there.
"""

from trials.registry import contacts as contact_models
from trials.registry import drug_classes as drug_class_models
from trials.registry import models as registry_models
from trials.registry import publications as publication_models
from trials.registry import syncs as sync_models
from trials.registry import uploads as upload_models
from trials.review import models as review_models

__all__ = [
    "contact_models",
    "drug_class_models",
    "publication_models",
    "registry_models",
    "review_models",
    "sync_models",
    "upload_models",
]
