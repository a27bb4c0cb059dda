"""An RFC as the search index stores it: its label and title, its summary, the rest of its text."""

from __future__ import annotations

from django.db.models import QuerySet

from decisions.rfcs.models import RFC
from decisions.search import text
from decisions.search.documents import Document, Searchable
from decisions.search.models import SearchKind


def rfc_document(rfc: RFC) -> Document:
    summary, body = text.split_summary(text.blocks_of(text.rendered(rfc, "body")))
    return Document(
        SearchKind.RFC,
        rfc.pk,
        f"{rfc.label}: {rfc.title}",
        summary,
        body,
        rfc.get_absolute_url(),
        rfc.created_on,
    )


def _everything(using: str | None) -> QuerySet:
    return RFC.objects.using(using).order_by("pk")


SEARCHABLE = Searchable(
    kind=SearchKind.RFC,
    model=RFC,
    reads=frozenset({"number", "title", "body", "body_html", "created_on"}),
    document=lambda rfc, using: rfc_document(rfc),
    everything=_everything,
    build=rfc_document,
)
