from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DecisionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "decisions"
    verbose_name = "RFCs, meetings and decisions"

    def ready(self) -> None:
        from decisions import signals  # noqa: F401  (connects the receivers)
        from decisions.datastate import install

        post_migrate.connect(install, sender=self, dispatch_uid="decisions.datastate")
