"""What the home page lists: recent RFCs and meetings, open decisions and action items, in one query."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from decisions.caching.union import DATE, DATETIME, INT, TEXT, PreparedUnion, Relation, Rows, fingerprint
from decisions.models import RFC, ActionItem, Decision, DecisionOwner, Meeting, MeetingSeries, Person, Topic


def _home_relations(_ids: Any) -> list[Relation]:
    """The dashboard's four lists, each limited in a subquery as the page used to query them."""
    recent_rfcs = RFC.objects.order_by("-updated_at").values("pk")[:8]
    open_decisions = Decision.objects.open().order_by("-number").values("pk")[:8]
    open_actions = ActionItem.objects.open().order_by("status", "due_on", "pk").values("pk")[:10]
    recent_meetings = Meeting.objects.order_by("-date").values("pk")[:6]
    topics = Topic.objects.filter(meeting=OuterRef("pk"), loose=False).order_by().values("meeting")
    topic_count = Coalesce(Subquery(topics.annotate(n=Count("pk")).values("n")), 0)
    return [
        Relation("rfc", RFC.objects.filter(pk__in=recent_rfcs), "pk",
                 {"number": (INT, "number"), "series": (TEXT, "series"), "title": (TEXT, "title"),
                  "status": (TEXT, "status"), "updated_at": (DATETIME, "updated_at")}),
        Relation("decision", Decision.objects.filter(pk__in=open_decisions), "pk",
                 {"number": (INT, "number"), "title": (TEXT, "title")}),
        Relation("owner", DecisionOwner.objects.filter(decision__in=open_decisions), "decision_id",
                 {"id": (INT, "person_id"), "name": (TEXT, "person__name")}),
        Relation("action", ActionItem.objects.filter(pk__in=open_actions), "pk",
                 {"owner_id": (INT, "owner_id"), "meeting_id": (INT, "meeting_id"), "text": (TEXT, "text"),
                  "status": (TEXT, "status"), "owner_name": (TEXT, "owner_name"), "name": (TEXT, "owner__name"),
                  "slug": (TEXT, "owner__slug"), "series": (TEXT, "meeting__series__name"),
                  "due_on": (DATE, "due_on"), "date": (DATE, "meeting__date")}),
        Relation("meeting", Meeting.objects.filter(pk__in=recent_meetings), "pk",
                 {"topic_count": (INT, topic_count), "series": (TEXT, "series__name"), "date": (DATE, "date")}),
    ]  # fmt: skip


_HOME = PreparedUnion(_home_relations)


@dataclass
class Dashboard:
    """The home page's lists, built from the rows only when the page is not in the cache."""

    rows: Rows
    nulls_first: bool  # how the database orders undated action items

    @cached_property
    def recent_rfcs(self) -> list[RFC]:
        rfcs = [RFC(pk=owner, **row) for owner, row in self.rows["rfc"]]
        return sorted(rfcs, key=lambda rfc: (rfc.updated_at, rfc.pk), reverse=True)

    @cached_property
    def open_decisions(self) -> list[Decision]:
        decisions = {owner: Decision(pk=owner, **row) for owner, row in self.rows["decision"]}
        for decision in decisions.values():
            decision.owner_list = []
        for owner, row in sorted(self.rows["owner"], key=lambda item: (item[1]["name"], item[1]["id"])):
            decisions[owner].owner_list.append(Person(pk=row["id"], name=row["name"]))
        return sorted(decisions.values(), key=lambda decision: -decision.number)

    @cached_property
    def open_actions(self) -> list[ActionItem]:
        items = []
        for owner, row in self.rows["action"]:
            person = (
                Person(pk=row["owner_id"], name=row["name"], slug=row["slug"]) if row["owner_id"] else None
            )
            meeting = None
            if row["meeting_id"]:
                meeting = Meeting(
                    pk=row["meeting_id"], date=row["date"], series=MeetingSeries(name=row["series"])
                )
            items.append(
                ActionItem(
                    pk=owner, owner=person, owner_name=row["owner_name"], text=row["text"], status=row["status"],
                    due_on=row["due_on"], meeting=meeting,
                )
            )  # fmt: skip

        def order(item: ActionItem) -> tuple:
            undated_last = (item.due_on is None) != self.nulls_first
            return (item.status, undated_last, item.due_on or datetime.date.min, item.pk)

        return sorted(items, key=order)

    @cached_property
    def recent_meetings(self) -> list[Meeting]:
        meetings = []
        for owner, row in self.rows["meeting"]:
            meeting = Meeting(pk=owner, date=row["date"], series=MeetingSeries(name=row["series"]))
            meeting.topic_count = row["topic_count"]
            meetings.append(meeting)
        return sorted(meetings, key=lambda meeting: (meeting.date, meeting.pk), reverse=True)


def dashboard(using: str = DEFAULT_DB_ALIAS) -> tuple[Dashboard, str]:
    """The home page's four lists in one query, and a fingerprint of them."""
    rows = _HOME.rows(using=using)
    return Dashboard(rows, nulls_first=connections[using].vendor == "sqlite"), fingerprint(rows)
