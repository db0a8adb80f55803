"""Django imports each app's `models` module at start-up: this one registers the registry's models.

They are defined in `trials.registry.models` (the registry), `trials.registry.syncs` (the registry
syncs' runs and records) and `trials.review.models` (suggested rules); import them from there.
"""

from trials.registry import models as registry_models
from trials.registry import syncs as sync_models
from trials.registry import uploads as upload_models
from trials.review import models as review_models

__all__ = ["registry_models", "review_models", "sync_models", "upload_models"]
