from django.apps import AppConfig


class TrialsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "trials"
    verbose_name = "Trials registry"

    def ready(self) -> None:
        from trials.registry import cache, signals
        from trialsearch import checks  # noqa: F401 (registers the deploy checks)

        signals.connect()
        cache.connect()
