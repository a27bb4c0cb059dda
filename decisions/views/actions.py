"""Action items: the open list and inline status changes (htmx); the feed is in decisions.feeds."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from decisions.models import ActionItem, ActionItemStatus, Person
from decisions.permissions import can_change_action_item


@require_safe
def action_item_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", ActionItemStatus.OPEN)
    items = ActionItem.objects.select_related("owner", "meeting__series", "decision").order_by(
        F("owner__name").asc(nulls_last=True), F("due_on").asc(nulls_last=True), "pk"
    )
    if status in ActionItemStatus.values:
        items = items.filter(status=status)
    if owner := request.GET.get("owner"):
        items = items.filter(owner__slug=owner)
    page = Paginator(items, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "query": query.urlencode(),
        "status": status,
        "statuses": ActionItemStatus.choices,
        "owners": Person.objects.filter(action_items__isnull=False).distinct().values_list("slug", "name"),
        "owner": owner,
    }
    return render(request, "decisions/action_item_list.html", context)


@login_required
@require_POST
def action_item_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ActionItem.objects.select_related("owner", "meeting__series", "decision"), pk=pk)
    if not can_change_action_item(request.user, item):
        raise PermissionDenied("Only the owner of this action item or an editor may change it.")
    status = request.POST.get("status")
    if status not in ActionItemStatus.values:
        return HttpResponse(f"“{status}” is not a status.", status=422)
    # The form says which status the person saw; a change made by someone else since then is not
    # overwritten silently (the conditional update is atomic, so two clicks cannot both land).
    seen = request.POST.get("was") or item.status
    if not ActionItem.objects.filter(pk=item.pk, status=seen).update(status=status):
        item.refresh_from_db(fields=["status"])
        conflict = (
            f"Someone else changed this item to “{item.get_status_display()}” after you opened the page; "
            "nothing was changed. Choose again if you still want to."
        )
        context = {"item": item, "user": request.user, "conflict": conflict}
        return render(request, "decisions/partials/action_item.html", context, status=409)
    item.status = status
    if request.htmx:
        return render(request, "decisions/partials/action_item.html", {"item": item, "user": request.user})
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = reverse("decisions:action-item-list")  # never send people off the site
    return redirect(back)
