"""The admin: curating trials (registration), the rule editor (forms) and the upload page (imports).

Django's admin autodiscovery imports `trials.admin`; importing `registration` registers the models.
"""

from trials.admin import registration

__all__ = ["registration"]
