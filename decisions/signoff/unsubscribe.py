"""The page an e-mail's unsubscribe link opens: how the person hears of sign-off, changed without
signing in (the signed token in the link names them; decisions.signoff.notices makes it).

A GET only shows the choice (mail scanners open links); a POST of the form saves it, and a mail
client's one-click unsubscribe (RFC 8058, `List-Unsubscribe=One-Click`) turns e-mail off. The
token is the credential, so the page takes no CSRF token: a forged post needs the token itself.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from decisions.models import NoticeChoice, Person
from decisions.signoff.notices import address_of, person_from_token


class NoticeForm(forms.Form):
    notices = forms.ChoiceField(
        label="Send me sign-off e-mail", choices=NoticeChoice.choices, widget=forms.RadioSelect
    )


def masked(address: str) -> str:
    """a…@example.org: enough to recognise one's own address, not to harvest it from a link."""
    name, _, domain = address.partition("@")
    return f"{name[:1]}…@{domain}" if domain else ""


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def notices(request: HttpRequest, token: str) -> HttpResponse:
    person = person_from_token(token)
    if person is None:
        return render(request, "decisions/notices_invalid.html", status=404)
    saved = ""
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") == "One-Click":
            _save(person, NoticeChoice.NONE)
            return HttpResponse("Unsubscribed.", content_type="text/plain")
        form = NoticeForm(request.POST)
        if form.is_valid():
            _save(person, form.cleaned_data["notices"])
            saved = NoticeChoice(person.notices).label
            form = NoticeForm(initial={"notices": person.notices})
    else:
        form = NoticeForm(initial={"notices": person.notices})
    context = {"person": person, "form": form, "saved": saved, "address": masked(address_of(person))}
    response = render(request, "decisions/notices.html", context, status=400 if form.errors else 200)
    response["Referrer-Policy"] = "no-referrer"  # the token stays out of other sites' logs
    return response


def _save(person: Person, choice: str) -> None:
    Person.objects.filter(pk=person.pk).update(notices=choice)
    person.notices = choice
