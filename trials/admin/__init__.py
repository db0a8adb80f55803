"""The admin: curating trials (registration), registry syncs (sync_runs), suggested rules (review), the upload page.

Django's admin autodiscovery imports `trials.admin`; importing `registration`, `review` and `sync_runs`
registers the models.
"""

from trials.admin import registration, review, sync_runs

__all__ = ["registration", "review", "sync_runs"]
