"""The sign-in page (local accounts and the providers' buttons) and "Your account" (claim your person)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialAccount
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from decisions.accounts import claims
from decisions.accounts.models import ClaimStatus, PersonClaim
from decisions.people.linking import person_for
from decisions.people.models import Person
from decisions.signoff.notices import unsubscribe_token

SEARCH_LIMIT = 20


def provider_buttons(
    request: HttpRequest, next_url: str = "", process: str = "login"
) -> list[dict[str, str]]:
    """One entry per provider switched on: its name and the URL its button posts to."""
    buttons = []
    for provider in get_social_adapter(request).list_providers(request):
        kwargs = {"process": process}
        if next_url:
            kwargs["next"] = next_url
        buttons.append(
            {"id": provider.sub_id, "name": provider.name, "url": provider.get_login_url(request, **kwargs)}
        )
    return buttons


class SignInForm(AuthenticationForm):
    """Django's form, plus: an account made by sign-up signs in once its address is confirmed."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        addresses = EmailAddress.objects.filter(user=user)
        if addresses.exists() and not addresses.filter(verified=True).exists():
            raise forms.ValidationError(
                "Confirm your e-mail address first: open the link we mailed to it when you signed up. "
                "No mail? Sign up again with the same address to have it sent again.",
                code="unconfirmed",
            )


class SignInView(LoginView):
    form_class = SignInForm
    redirect_authenticated_user = False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        next_url = self.get_redirect_url()  # "" unless it stays on this site
        context["providers"] = provider_buttons(self.request, next_url)
        context["signup_open"] = settings.SIGNUP_OPEN
        return context


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if ok else ""


def _search(query: str) -> list[Person]:
    if not query.strip():
        return []
    words = query.split()[:4]
    condition = Q()
    for word in words:
        condition &= Q(name__icontains=word) | Q(slug__icontains=word)
    return list(Person.objects.filter(condition, user__isnull=True).order_by("name", "pk")[:SEARCH_LIMIT])


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """Who you are here: your person (or claims and suggestions), your sign-ins, your password."""
    user = request.user
    problem = ""
    if request.method == "POST":
        if "withdraw" in request.POST:
            claims.withdraw(user, _int(request.POST.get("withdraw")))
            messages.success(request, "Your claim is withdrawn.")
            return redirect("account")
        person = get_object_or_404(Person, pk=_int(request.POST.get("person")))
        try:
            claim = claims.claim(user, person)
        except claims.ClaimRefused as refused:
            problem = str(refused)
        else:
            if claim.status == ClaimStatus.APPROVED:
                messages.success(
                    request, f"You are {person.name} on this site from now on ({claim.evidence})."
                )
            else:
                messages.success(
                    request,
                    f"Your claim to be {person.name} waits for staff; nothing changes until they approve it.",
                )
            return redirect("account")
    query = request.GET.get("q", "")[:200]
    linked = person_for(user)
    accounts = list(SocialAccount.objects.filter(user=user))
    context = {
        "person": linked,
        "pending": list(
            PersonClaim.objects.filter(user=user, status=ClaimStatus.PENDING).select_related("person")
        ),
        "decided": list(
            PersonClaim.objects.filter(user=user, status=ClaimStatus.REFUSED).select_related("person")[:5]
        ),
        "suggestions": [] if linked else claims.suggestions(user),
        "query": query,
        "results": [] if linked else _search(query),
        "sign_ins": [
            {"provider": claims.provider_label(a), "login": claims.provider_login(a)} for a in accounts
        ],
        "connect": [
            button
            for button in provider_buttons(request, reverse("account"), process="connect")
            if button["id"] not in {a.provider for a in accounts}
        ],
        "problem": problem,
        # The same page an e-mail's link opens, so there is one place to change it.
        "notices_url": reverse("decisions:notices", args=[unsubscribe_token(linked)]) if linked else "",
    }
    return render(request, "account/account.html", context, status=409 if problem else 200)


@login_required
@require_POST
def add_me(request: HttpRequest) -> HttpResponse:
    """ "I am not in the records yet": a new person for this account, then back to the form."""
    back = _safe_next(request) or reverse("account")
    try:
        person = claims.add_me(request.user)
    except claims.ClaimRefused as refused:
        messages.error(request, str(refused))
        return redirect(back)
    messages.success(request, f"You are {person.name} in the records from now on.")
    return redirect(back)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0
