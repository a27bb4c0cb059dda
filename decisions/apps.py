"""The one app: every room of decisions/ registers its models under the `decisions` label."""

from __future__ import annotations

from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class DecisionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "decisions"
    verbose_name = "RFCs, meetings and decisions"

    def ready(self) -> None:
        from decisions.caching import datastate
        from decisions.drafted import sync as drafted
        from decisions.graph import cleanup as graph_cleanup
        from decisions.markdown import fields
        from decisions.meetings import checks as meeting_checks
        from decisions.meetings import search as meeting_search
        from decisions.permissions import groups
        from decisions.precedents import search as precedent_search
        from decisions.records import references
        from decisions.records import search as decision_search
        from decisions.rfcs import search as rfc_search
        from decisions.search import index as search

        # In this order: rows that loaddata saved raw are rendered first, so the search index,
        # connected last, reads their HTML and not the stale (empty) one.
        fields.connect()
        references.connect()
        search.connect(
            rfc_search.SEARCHABLE,
            meeting_search.SEARCHABLE,
            decision_search.SEARCHABLE,
            precedent_search.SEARCHABLE,
        )
        graph_cleanup.connect()
        # RFCs drafted from a decision follow its changes, once each change commits.
        drafted.connect()
        # The data state: PostgreSQL connections notice their writes; `migrate` (re)installs it.
        datastate.connect()
        post_migrate.connect(datastate.install, sender=self, dispatch_uid="decisions.datastate")
        # Each process's copy of the sessions, kept true by the same listening connections: its
        # channel is registered before any connection opens, its trigger made by `migrate`.
        from decisions.accounts import sessions

        post_migrate.connect(sessions.install, sender=self, dispatch_uid="decisions.sessions")
        checks.register(meeting_checks.duplicate_days, checks.Tags.database)
        # The role groups hold permissions, which auth's own post_migrate receiver (connected
        # before this one) has created by then.
        post_migrate.connect(groups.install_groups, sender=self, dispatch_uid="decisions.groups")
