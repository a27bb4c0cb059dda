"""How an account becomes a person: handles recorded on people, and claims staff may approve.

A person (decisions/people/models.py) is linked to at most one account through `Person.user`;
everything that asks "who is this account?" reads that link through `person_for()`
(decisions/people/linking.py). A claim is the request to set it: it takes effect only when
staff approve it, or when the account signed in through a provider whose login is a `Handle`
already recorded on that person (decisions/accounts/claims.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from decisions.people.models import Person

EMAIL = "email"  # a Handle with this provider is an e-mail address: a suggestion, never proof


class Handle(models.Model):
    """A login this person has at a sign-in provider (`github` `cfallin`), or an e-mail address."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="handles")
    provider = models.CharField(
        max_length=40,
        help_text="github, gitlab, the OpenID Connect provider's id (OIDC_PROVIDER_ID, e.g. oidc), or email.",
    )
    login = models.CharField(
        max_length=254, help_text="The login there, e.g. cfallin (case does not matter)."
    )

    class Meta:
        ordering = ["provider", "login"]
        constraints = [
            # One login at one provider is one person: it cannot prove two.
            models.UniqueConstraint("provider", Lower("login"), name="handle_unique_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.login}"


class ClaimStatus(models.TextChoices):
    PENDING = "pending", "waiting for staff"
    APPROVED = "approved", "approved"
    REFUSED = "refused", "refused"
    WITHDRAWN = "withdrawn", "withdrawn"


class PersonClaim(models.Model):
    """An account saying "this person is me"; only an approved claim links them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person_claims")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="claims")
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    evidence = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why the site suggested this person, or why it approved by itself.",
    )
    created = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "person"],
                condition=models.Q(status="pending"),
                name="one_pending_claim_per_account_and_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} claims {self.person} ({self.get_status_display()})"
