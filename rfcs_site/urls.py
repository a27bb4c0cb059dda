"""Root URLs: the admin, sign-in (limited by django-axes) and password reset, then the app."""

from django.contrib import admin
from django.urls import include, path

from decisions.accounts import LimitedPasswordResetView

admin.site.site_header = "rfcs_site administration"

# A refusal says what may not be done, why and who can grant it (decisions.permissions); a record
# whose place of record is a repository says where to edit it (decisions.sources.readonly).
handler403 = "decisions.sources.readonly.permission_denied"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Sign-in limits apply to every sign-in form through the authentication backend
    # (decisions.accounts.SignInLimitBackend); reset mails have a limit of their own.
    path("accounts/password_reset/", LimitedPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("decisions.urls")),
]
