"""Prepare the test provider's database: tables, its users and the site as a registered client.

Run by the fixture before gunicorn starts (python -m tests.oidc_provider.setup_provider), with
the same environment as the server.
"""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

CALLBACK = "/accounts/oidc/testidp/login/callback/"
USERS = [
    # username, first, last, e-mail (last name "Unverified": the provider says it is not verified)
    ("cfallin", "Chris", "Fallin", "cfallin@example.org"),
    ("mallory", "Mallory", "Unverified", "victim@example.org"),
]

call_command("migrate", verbosity=0, interactive=False)
for username, first, last, email in USERS:
    User.objects.create_user(
        username, email, os.environ["OIDC_TEST_PASSWORD"], first_name=first, last_name=last
    )
Application.objects.create(
    name="rfcs_site",
    client_id=os.environ["OIDC_TEST_CLIENT_ID"],
    client_secret=os.environ["OIDC_TEST_CLIENT_SECRET"],
    client_type=Application.CLIENT_CONFIDENTIAL,
    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    redirect_uris=" ".join(f"http://{host}{CALLBACK}" for host in ("testserver", "127.0.0.1", "localhost")),
    algorithm=Application.RS256_ALGORITHM,
    skip_authorization=True,
)
