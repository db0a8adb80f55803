"""The admin: curating trials (registration), the registry syncs (sync_runs), the rule editor and the upload page.

Django's admin autodiscovery imports `trials.admin`; importing `registration` and `sync_runs` registers the models.
"""

from trials.admin import registration, sync_runs

__all__ = ["registration", "sync_runs"]
