"""Which record a person means when they name a link's other end: "RFC 6", "PEP 8", "DR-0003",
"decision 3", "meeting 12", "precedent 4", or the record's address on this site."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from decisions.graph.models import NodeKind
from decisions.meetings.models import Meeting
from decisions.precedents.models import Precedent
from decisions.records.models import Decision
from decisions.rfcs.models import RFC

_DECISION = re.compile(r"^(?:dr|decision)[\s\-#]*0*(\d{1,9})$", re.I)
_PLAIN = re.compile(r"^(meeting|precedent)[\s\-#]*(\d{1,12})$", re.I)
_URL_KINDS = {
    "decision-detail": NodeKind.DECISION,
    "rfc-detail": NodeKind.RFC,
    "meeting-detail": NodeKind.MEETING,
    "precedent-detail": NodeKind.PRECEDENT,
}


class UnknownRecord(ValueError):
    """The text names no record here; the message says what was understood."""


def resolve_reference(text: str) -> tuple[str, int]:
    """(kind, primary key) of the record `text` names, or UnknownRecord saying why not."""
    text = text.strip()
    if not text:
        raise UnknownRecord("Name the other record, e.g. “RFC 6”, “DR-0003”, “meeting 12” or its address.")
    if "/" in text:
        return _from_address(text)
    if match := _DECISION.match(text):
        number = int(match[1])
        pk = Decision.objects.filter(number=number).values_list("pk", flat=True).first()
        if pk is None:
            raise UnknownRecord(f"There is no decision record DR-{number:04d}.")
        return NodeKind.DECISION, pk
    if match := _PLAIN.match(text):
        kind = match[1].lower()
        model = Meeting if kind == "meeting" else Precedent
        if not model.objects.filter(pk=int(match[2])).exists():
            raise UnknownRecord(f"There is no {kind} {match[2]}.")
        return kind, int(match[2])
    pk = RFC.objects.by_reference(text).values_list("pk", flat=True).first()
    if pk is None:
        raise UnknownRecord(
            f"“{text}” names no record here: write “RFC 6”, “PEP 8”, “DR-0003”, “meeting 12”, "
            "“precedent 4” or paste the record's address."
        )
    return NodeKind.RFC, pk


def _from_address(text: str) -> tuple[str, int]:
    path = urlsplit(text).path or "/"
    try:
        match = resolve(path if path.endswith("/") else path + "/")
    except Resolver404:
        raise UnknownRecord(f"“{text}” is not the address of a record on this site.") from None
    kind = _URL_KINDS.get(match.url_name or "")
    if kind is None:
        raise UnknownRecord(f"“{text}” is not the address of an RFC, decision record, meeting or precedent.")
    if kind == NodeKind.DECISION:
        return resolve_reference(f"DR-{match.kwargs['number']}")
    if kind == NodeKind.RFC:
        series = match.kwargs.get("series", "")
        pk = (
            RFC.objects.filter(series=series, number=match.kwargs["number"])
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            raise UnknownRecord(f"There is no RFC at “{text}”.")
        return kind, pk
    return resolve_reference(f"{kind} {match.kwargs['pk']}")
