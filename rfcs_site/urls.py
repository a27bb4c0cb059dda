"""Root URLs: the admin, the accounts (sign-in, password, allauth's providers and sign-up), the app."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "rfcs_site administration"

# A refusal says what may not be done, why and who can grant it (decisions.permissions); a record
# whose place of record is a repository says where to edit it (decisions.sources.readonly).
handler403 = "decisions.sources.readonly.permission_denied"

urlpatterns = [
    path("admin/", admin.site.urls),
    # The site's own account pages first: where allauth has a page at the same address (login,
    # logout) or a second flow (password reset, change), the site's answers (decisions/accounts/).
    path("accounts/", include("decisions.accounts.urls")),
    # allauth's provider pages (errors, first sign-in, connections); its account pages and the
    # providers' routes the site uses are in decisions/accounts/urls.py.
    path("accounts/3rdparty/", include("allauth.socialaccount.urls")),
    path("", include("decisions.urls")),
]
