from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "decisions"
    verbose_name = "RFCs, meetings and decisions"

    def ready(self) -> None:
        from decisions import signals  # noqa: F401  (connects the receivers)
