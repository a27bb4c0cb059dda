"""/graph/, the panel on each record, and adding or removing a stated link."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from decisions.caching import fragments
from decisions.caching.fragments import reads_state
from decisions.graph import edges as graph
from decisions.graph.layout import draw
from decisions.graph.models import Link, LinkKind, NodeKind
from decisions.graph.references import UnknownRecord, resolve_reference
from decisions.meetings.models import Meeting
from decisions.people.models import Area
from decisions.permissions.refusals import Refused
from decisions.permissions.rules import can_edit
from decisions.precedents.models import Precedent
from decisions.records.models import Decision
from decisions.rfcs.models import RFC

MODELS: dict[str, Any] = {
    NodeKind.RFC: RFC,
    NodeKind.DECISION: Decision,
    NodeKind.MEETING: Meeting,
    NodeKind.PRECEDENT: Precedent,
}
EDIT_KEYS = {
    NodeKind.RFC: "rfc.edit",
    NodeKind.DECISION: "decision.edit",
    NodeKind.MEETING: "meeting.edit",
    NodeKind.PRECEDENT: "precedent.edit",
}


class GraphFilterForm(forms.Form):
    area = forms.ModelChoiceField(
        Area.objects.order_by("name"), required=False, to_field_name="slug", empty_label="All areas"
    )
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="From")
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="To")
    kinds = forms.MultipleChoiceField(
        choices=NodeKind.choices, required=False, widget=forms.CheckboxSelectMultiple, label="Show"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("“From” must come before “To”.")
        return data

    def wanted(self) -> graph.Filter:
        data = self.cleaned_data if self.is_valid() else {}
        since = data.get("since")
        area = data.get("area")
        kinds = tuple(k for k in graph.KIND_ORDER if k in (data.get("kinds") or graph.KIND_ORDER))
        return graph.Filter(area=area.pk if area else None, since=since, until=data.get("until"), kinds=kinds)


def _focus(value: str) -> tuple[str, int] | None:
    kind, _, pk = value.partition(":")
    if kind not in MODELS or not pk.isdigit():
        return None
    return kind, int(pk)


@require_safe
@reads_state
def graph_page(request: HttpRequest) -> HttpResponse:
    """The whole graph (filtered by area, time and kind), or one record's neighbourhood (?focus=)."""
    focus = _focus(request.GET.get("focus", ""))
    data = request.GET.copy()
    if not data.getlist("kinds"):  # every kind unless some are chosen, and the boxes say so
        data.setlist("kinds", list(graph.KIND_ORDER))
    form = GraphFilterForm(data)

    def build() -> tuple[graph.View, Any]:
        view = graph.neighbourhood(focus, depth=2) if focus else graph.select(form.wanted())
        return view, draw(view.nodes, view.edges)

    # Kept under the data state (any write gives a new key): a signed-in person's page skips the queries.
    view, drawing = fragments.cached(request, "graph", (request.get_full_path(),), build)
    if focus and view.focus is None:
        raise Http404("There is no such record to show in the graph.")
    context = {
        "form": form,
        "view": view,
        "drawing": drawing,
        "focus_node": view.nodes.get(view.focus) if view.focus else None,
        "kinds": LinkKind,
        "capped_labels": [NodeKind(k).label for k in view.capped],
        "per_kind": graph.NODES_PER_KIND,
    }
    return render(request, "decisions/graph.html", context)


def _record(kind: str, pk: int) -> Any:
    model = MODELS.get(kind)
    if model is None:
        raise Http404("No such kind of record.")
    record = model.objects.filter(pk=pk).first()
    if record is None:
        raise Http404(f"There is no {NodeKind(kind).label.lower()} {pk}.")
    return record


class LinkForm(forms.Form):
    kind = forms.ChoiceField(choices=LinkKind.choices, label="This record")
    target = forms.CharField(
        max_length=300,
        label="Other record",
        help_text="“RFC 6”, “PEP 8”, “DR-0003”, “meeting 12”, or its address.",
    )
    note = forms.CharField(max_length=300, required=False, label="Note (optional)")

    def __init__(self, *args: Any, source: tuple[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = source

    def clean_target(self) -> tuple[str, int]:
        try:
            target = resolve_reference(self.cleaned_data["target"])
        except UnknownRecord as problem:
            raise forms.ValidationError(str(problem)) from None
        if target == self.source:
            raise forms.ValidationError("A record cannot link to itself.")
        return target


def _panel_context(request: HttpRequest, kind: str, pk: int, form: LinkForm | None = None) -> dict[str, Any]:
    def build() -> tuple[graph.View, Any]:
        view = graph.neighbourhood((kind, pk), depth=1)
        return view, draw(view.nodes, view.edges)

    view, drawing = fragments.cached(request, "graph-panel", (kind, pk), build)
    record = _record(kind, pk) if request.user.is_authenticated else None
    editable = record is not None and can_edit(request.user, record)
    return {
        "view": view,
        "drawing": drawing,
        "node": view.nodes.get((kind, pk)),
        "kind": kind,
        "pk": pk,
        "here": (kind, pk),
        "editable": editable,
        "form": form or (LinkForm(source=(kind, pk)) if editable else None),
    }


@require_safe
@reads_state
def graph_panel(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """A record's links, for the panel its page loads (a page of its own without JavaScript)."""
    if kind not in MODELS:
        raise Http404("No such kind of record.")
    context = _panel_context(request, kind, pk)
    if context["node"] is None:
        raise Http404(f"There is no {NodeKind(kind).label.lower()} {pk}.")
    template = "decisions/partials/graph_panel.html" if request.htmx else "decisions/graph_links.html"
    return render(request, template, context)


@require_POST
@login_required
def link_add(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _record(kind, pk)
    if not can_edit(request.user, record):
        raise Refused(EDIT_KEYS[kind], f"link {record} to other records", record)
    form = LinkForm(request.POST, source=(kind, pk))
    if form.is_valid():
        to_kind, to_id = form.cleaned_data["target"]
        try:
            with transaction.atomic():
                Link.objects.create(
                    kind=form.cleaned_data["kind"], from_kind=kind, from_id=pk, to_kind=to_kind, to_id=to_id,
                    note=form.cleaned_data["note"], created_by=request.user,
                )  # fmt: skip
        except IntegrityError:
            form.add_error("target", "This link is already there.")
    if form.errors:
        context = _panel_context(request, kind, pk, form)
        template = "decisions/partials/graph_panel.html" if request.htmx else "decisions/graph_links.html"
        return render(request, template, context, status=422)
    if request.htmx:
        return render(request, "decisions/partials/graph_panel.html", _panel_context(request, kind, pk))
    return redirect(reverse("decisions:graph-panel", args=[kind, pk]))


@require_POST
@login_required
def link_remove(request: HttpRequest, link: int) -> HttpResponse:
    stated = Link.objects.filter(pk=link).first()
    if stated is None:
        raise Http404("That link was already removed.")
    record = _record(stated.from_kind, stated.from_id)
    if not can_edit(request.user, record):
        raise Refused(EDIT_KEYS[stated.from_kind], f"remove a link of {record}", record)
    kind, pk = stated.from_kind, stated.from_id
    stated.delete()
    if request.htmx:
        return render(request, "decisions/partials/graph_panel.html", _panel_context(request, kind, pk))
    return redirect(reverse("decisions:graph-panel", args=[kind, pk]))
