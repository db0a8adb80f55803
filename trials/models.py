"""Django imports each app's `models` module at start-up: this one registers the registry's models.

They are defined in `trials.registry.models`; import them from there.
"""

from trials.registry import models as registry_models

__all__ = ["registry_models"]
