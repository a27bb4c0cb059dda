"""What the RFC list and an RFC page show besides the RFC's text, each in one query."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import TextField
from django.db.models.functions import Cast

from decisions.caching.union import DATE, DATETIME, INT, TEXT, PreparedUnion, Relation, Rows, fingerprint
from decisions.drafted.pages import rfc_relation as drafted_relation
from decisions.models import RFC, Area, Decision, Meeting, MeetingSeries, Person, RFCAlias, RFCStatusChange
from decisions.signoff.pages import relations as signoff_relations
from decisions.sources.links import RecordHome, home_from_rows, home_relation
from decisions.sources.models import RecordKind


@dataclass
class RFCRows:
    """One page of the RFC list: RFCs in page order with `author_names` and `area_names`."""

    ids: list[int]
    rows: Rows

    @cached_property
    def rfcs(self) -> list[RFC]:
        rfcs = {owner: RFC(pk=owner, **row) for owner, row in self.rows["rfc"]}
        for rfc in rfcs.values():
            rfc.author_names, rfc.area_names = [], []
        for owner, row in sorted(self.rows["author"], key=lambda item: (item[1]["name"], item[1]["id"])):
            rfcs[owner].author_names.append(row["name"])
        for owner, row in sorted(self.rows["area"], key=lambda item: (item[1]["name"], item[1]["id"])):
            rfcs[owner].area_names.append(row["name"])
        return [rfcs[pk] for pk in self.ids if pk in rfcs]


def _rfc_list_relations(ids: Any) -> list[Relation]:
    return [
        Relation("rfc", RFC.objects.filter(pk__in=ids), "pk",
                 {"number": (INT, "number"), "series": (TEXT, "series"), "title": (TEXT, "title"),
                  "status": (TEXT, "status"), "updated_at": (DATETIME, "updated_at")}),
        Relation("author", RFC.authors.through.objects.filter(rfc__in=ids), "rfc_id",
                 {"id": (INT, "person_id"), "name": (TEXT, "person__name")}),
        Relation("area", RFC.areas.through.objects.filter(rfc__in=ids), "rfc_id",
                 {"id": (INT, "area_id"), "name": (TEXT, "area__name")}),
    ]  # fmt: skip


_RFC_LIST = PreparedUnion(_rfc_list_relations)


def rfc_list_rows(ids: list[int]) -> tuple[RFCRows, str]:
    """The RFCs `ids` as the list shows them (authors and areas by name), in one query."""
    if not ids:
        return RFCRows([], {"rfc": [], "author": [], "area": []}), fingerprint({})
    rows = _RFC_LIST.rows_of(ids)
    return RFCRows(ids, rows), fingerprint(rows)


# What an RFC page shows ------------------------------------------------------------------------


def _rfc_relations(numbers: Any, series: str) -> list[Relation]:
    """The RFC's own row (not its text: that is only read when the page is not cached) and lists."""
    own = {"series": series, "number__in": numbers}
    of_rfc = {"rfc__series": series, "rfc__number__in": numbers}
    return [
        Relation("rfc", RFC.objects.filter(**own), "pk",
                 {"number": (INT, "number"), "version": (INT, "version"), "shepherd_id": (INT, "shepherd_id"),
                  "shepherd_user_id": (INT, "shepherd__user_id"), "supersedes_id": (INT, "supersedes_id"),
                  "supersedes_number": (INT, "supersedes__number"), "series": (TEXT, "series"),
                  "title": (TEXT, "title"), "slug": (TEXT, "slug"), "status": (TEXT, "status"),
                  "body_format": (TEXT, "body_format"), "discussion_url": (TEXT, "discussion_url"),
                  "source": (TEXT, "source"), "toc": (TEXT, Cast("toc", TextField())),
                  "metadata": (TEXT, Cast("metadata", TextField())), "shepherd_name": (TEXT, "shepherd__name"),
                  "shepherd_slug": (TEXT, "shepherd__slug"), "supersedes_series": (TEXT, "supersedes__series"),
                  "supersedes_title": (TEXT, "supersedes__title"), "created_on": (DATE, "created_on"),
                  "updated_at": (DATETIME, "updated_at")}),
        Relation("author", RFC.authors.through.objects.filter(**of_rfc), "rfc_id",
                 {"id": (INT, "person_id"), "user_id": (INT, "person__user_id"), "name": (TEXT, "person__name"),
                  "slug": (TEXT, "person__slug")}),
        Relation("area", RFC.areas.through.objects.filter(**of_rfc), "rfc_id",
                 {"id": (INT, "area_id"), "name": (TEXT, "area__name"), "slug": (TEXT, "area__slug")}),
        Relation("superseded_by", RFC.objects.filter(supersedes__series=series, supersedes__number__in=numbers),
                 "supersedes_id",
                 {"id": (INT, "pk"), "number": (INT, "number"), "series": (TEXT, "series"), "title": (TEXT, "title")}),
        Relation("decision", Decision.related_rfcs.through.objects.filter(**of_rfc), "rfc_id",
                 {"id": (INT, "decision_id"), "number": (INT, "decision__number"),
                  "title": (TEXT, "decision__title"), "status": (TEXT, "decision__status")}),
        Relation("meeting", Meeting.rfcs.through.objects.filter(**of_rfc), "rfc_id",
                 {"id": (INT, "meeting_id"), "date": (DATE, "meeting__date"), "title": (TEXT, "meeting__title"),
                  "series": (TEXT, "meeting__series__name")}),
        Relation("status", RFCStatusChange.objects.filter(**of_rfc), "rfc_id",
                 {"id": (INT, "pk"), "to_status": (TEXT, "to_status"), "note": (TEXT, "note"),
                  "changed_at": (DATETIME, "changed_at")}),
        Relation("alias", RFCAlias.objects.filter(**of_rfc), "rfc_id",
                 {"id": (INT, "pk"), "alias": (TEXT, "alias")}),
        home_relation(RecordKind.RFC, RFC.objects.filter(**own).values("pk")),
        # The decision it was drafted from, if any (decisions.drafted.pages).
        drafted_relation(series, numbers),
        # The sign-off panel's motions, teams, positions and concerns (decisions.signoff.pages).
        *signoff_relations("rfc", {"series": series, "number__in": numbers}),
    ]  # fmt: skip


_RFC_PAGES = {
    series: PreparedUnion(lambda ids, series=series: _rfc_relations(ids, series))
    for series in ("", "rust", "pep", "kep")
}


@dataclass
class RFCPage:
    """One RFC as its page shows it, built from the rows of one query."""

    rfc: RFC
    rows: Rows

    def _sorted(self, tag: str, key: Callable[[dict[str, Any]], Any]) -> list[dict[str, Any]]:
        return sorted((row for _, row in self.rows[tag]), key=key)

    @cached_property
    def authors(self) -> list[Person]:
        return [Person(pk=r["id"], name=r["name"], slug=r["slug"], user_id=r["user_id"])
                for r in self._sorted("author", lambda r: (r["name"], r["id"]))]  # fmt: skip

    @cached_property
    def areas(self) -> list[Area]:
        return [
            Area(pk=r["id"], name=r["name"], slug=r["slug"])
            for r in self._sorted("area", lambda r: r["name"])
        ]

    @cached_property
    def superseded_by(self) -> list[RFC]:
        return [RFC(pk=r["id"], series=r["series"], number=r["number"], title=r["title"])
                for r in self._sorted("superseded_by", lambda r: (r["series"], r["number"]))]  # fmt: skip

    @cached_property
    def decisions(self) -> list[Decision]:
        return [Decision(pk=r["id"], number=r["number"], title=r["title"], status=r["status"])
                for r in self._sorted("decision", lambda r: -r["number"])]  # fmt: skip

    @cached_property
    def meetings(self) -> list[Meeting]:
        return [Meeting(pk=r["id"], date=r["date"], title=r["title"], series=MeetingSeries(name=r["series"]))
                for r in self._sorted("meeting", lambda r: (r["date"], r["id"]))][::-1]  # fmt: skip

    @cached_property
    def status_changes(self) -> list[RFCStatusChange]:
        return [RFCStatusChange(pk=r["id"], to_status=r["to_status"], note=r["note"], changed_at=r["changed_at"])
                for r in self._sorted("status", lambda r: (r["changed_at"], r["id"]))]  # fmt: skip

    @cached_property
    def aliases(self) -> list[RFCAlias]:
        return [RFCAlias(pk=r["id"], alias=r["alias"]) for r in self._sorted("alias", lambda r: r["alias"])]

    @cached_property
    def home(self) -> RecordHome | None:
        """The file it was synced from (decisions.sources.links), if any."""
        return home_from_rows(self.rows)

    @property
    def editor_user_ids(self) -> set[int]:
        """Accounts linked to its authors and shepherd: they may edit it (decisions.permissions)."""
        ids = {person.user_id for person in self.authors if person.user_id}
        return ids | ({self.rfc.shepherd_user_id} if self.rfc.shepherd_user_id else set())


def rfc_page(series: str, number: int) -> tuple[RFCPage | None, str]:
    """The RFC and everything its page shows besides its text, in one query, with a fingerprint."""
    union = _RFC_PAGES.get(series)
    rows = union.rows(number) if union else {}
    if not rows or not rows["rfc"]:
        return None, ""
    pk, own = rows["rfc"][0]
    shepherd = Person(pk=own["shepherd_id"], name=own.pop("shepherd_name"), slug=own.pop("shepherd_slug"))
    supersedes = RFC(
        pk=own["supersedes_id"], series=own.pop("supersedes_series") or "",
        number=own.pop("supersedes_number"), title=own.pop("supersedes_title"),
    )  # fmt: skip
    shepherd_user_id = own.pop("shepherd_user_id")
    own["toc"] = json.loads(own["toc"] or "[]")
    own["metadata"] = json.loads(own["metadata"] or "{}")
    rfc = RFC(pk=pk, **own)
    rfc.shepherd_user_id = shepherd_user_id
    if own["shepherd_id"]:
        rfc.shepherd = shepherd
    if own["supersedes_id"]:
        rfc.supersedes = supersedes
    return RFCPage(rfc, rows), fingerprint(rows)
