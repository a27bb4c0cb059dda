"""What django-allauth may do here: who may sign up, where it may send people, which e-mail links.

The settings turn sign-up on and off (SIGNUP_OPEN for local accounts, SOCIAL_SIGNUP_OPEN for a
first sign-in through a provider); redirects after signing in only stay on this site; and a
provider's address signs in to an account here only when the provider says it is verified and
the account confirmed it here too (so nobody gets an account by writing someone's address).
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return settings.SIGNUP_OPEN

    def is_safe_url(self, url: str | None) -> bool:
        """Only this very host (as Django's LoginView): never another site, even an allowed host."""
        request = self.request
        return bool(url) and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return settings.SOCIAL_SIGNUP_OPEN

    def authenticate_by_email(self, sociallogin: SocialLogin) -> tuple[AbstractBaseUser, str] | None:
        """The account here whose confirmed address the provider reports as verified, if any.

        allauth alone also matches an address nobody confirmed here (and then wipes that
        account's password); an account made by staff keeps its password and gets no stranger.
        """
        for address in sociallogin.email_addresses:
            if not address.verified:
                continue
            match = (
                EmailAddress.objects.filter(email__iexact=address.email, verified=True)
                .select_related("user")
                .first()
            )
            if match is not None and match.user.is_active:
                return match.user, match.email
        return None
