"""A precedent as the search index stores it: title, organisation and summary, then its lessons."""

from __future__ import annotations

from django.db.models import QuerySet

from decisions.precedents.models import Precedent
from decisions.search import text
from decisions.search.documents import Document, Searchable
from decisions.search.models import SearchKind


def precedent_document(precedent: Precedent) -> Document:
    return Document(
        SearchKind.PRECEDENT,
        precedent.pk,
        precedent.title,
        text.join(precedent.organization, text.plain(text.rendered(precedent, "summary"))),
        text.plain(text.rendered(precedent, "lessons")),
        precedent.get_absolute_url(),
        precedent.date,
    )


def _everything(using: str | None) -> QuerySet:
    return Precedent.objects.using(using).order_by("pk")


SEARCHABLE = Searchable(
    kind=SearchKind.PRECEDENT,
    model=Precedent,
    reads=frozenset({"title", "organization", "summary", "summary_html", "lessons", "lessons_html", "date"}),
    document=lambda precedent, using: precedent_document(precedent),
    everything=_everything,
    build=precedent_document,
)
