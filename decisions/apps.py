"""The one app: every room of decisions/ registers its models under the `decisions` label."""

from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DecisionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "decisions"
    verbose_name = "RFCs, meetings and decisions"

    def ready(self) -> None:
        from decisions.datastate import install
        from decisions.markdown import fields
        from decisions.records import references
        from decisions.search import engine as search

        # In this order: rows that loaddata saved raw are rendered first, so the search index,
        # connected last, reads their HTML and not the stale (empty) one.
        fields.connect()
        references.connect()
        search.connect()
        post_migrate.connect(install, sender=self, dispatch_uid="decisions.datastate")
