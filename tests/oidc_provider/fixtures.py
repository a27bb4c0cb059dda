"""`oidc_provider`: a real OpenID Connect provider on loopback for the tests named *oidc*.

django-oauth-toolkit in its own settings module (tests/oidc_provider/settings.py) and SQLite
file, served by gunicorn in a subprocess on port 8631 (8632 for the second xdist worker;
OIDC_TEST_PORT moves it), with an RS256 key generated here. `oidc_site` turns the site's OpenID
Connect sign-in on against it, as OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_SERVER_URL would.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "idp password 1"


@dataclass
class Provider:
    url: str
    client_id: str
    client_secret: str
    private_key_pem: str
    password: str = PASSWORD

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def environment(self) -> dict[str, str]:
        """The site's settings that turn this provider on (README, "Signing in")."""
        return {
            "OIDC_CLIENT_ID": self.client_id,
            "OIDC_CLIENT_SECRET": self.client_secret,
            "OIDC_SERVER_URL": self.issuer,
            "OIDC_PROVIDER_ID": "testidp",
            "OIDC_NAME": "Test IdP",
        }


def _port() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    return int(os.environ.get("OIDC_TEST_PORT", "8631")) + (int(worker) if worker.isdigit() else 0)


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    port = _port()
    provider = Provider(
        f"http://127.0.0.1:{port}", "rfcs-site-" + secrets.token_hex(4), secrets.token_urlsafe(32), pem
    )
    with tempfile.TemporaryDirectory(prefix="oidc-provider-") as folder:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
            "OIDC_TEST_DB": str(Path(folder) / "provider.sqlite3"),
            "OIDC_TEST_PORT": str(port),
            "OIDC_TEST_RSA_KEY": pem,
            "OIDC_TEST_PASSWORD": PASSWORD,
            "OIDC_TEST_CLIENT_ID": provider.client_id,
            "OIDC_TEST_CLIENT_SECRET": provider.client_secret,
        }
        subprocess.run(
            [sys.executable, "-m", "tests.oidc_provider.setup_provider"], cwd=ROOT, env=env, check=True
        )
        log = open(Path(folder) / "gunicorn.log", "w")  # noqa: SIM115 (closed below)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "tests.oidc_provider.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--threads", "4", "--timeout", "30"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_until_up(provider, server, Path(folder) / "gunicorn.log")
            yield provider
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()


def _wait_until_up(provider: Provider, server: subprocess.Popen, log: Path) -> None:
    # gunicorn accepts connections as soon as it has bound the port, before its worker has loaded
    # Django: on a loaded machine the first requests are refused (ConnectionError) or accepted
    # and not answered for seconds (Timeout), and both only mean "not up yet".
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the test OpenID Connect provider stopped: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=5).ok:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    pytest.fail(f"the test OpenID Connect provider did not answer within 60 s: {log.read_text()[-2000:]}")


@pytest.fixture
def oidc_site(settings, oidc_provider: Provider) -> Provider:
    """The site with its OpenID Connect sign-in pointed at the test provider."""
    from rfcs_site.settings import provider_origins, social_providers

    settings.SOCIALACCOUNT_PROVIDERS = social_providers(oidc_provider.environment())
    settings.CONTENT_SECURITY_POLICY = settings.CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'",
        "form-action 'self' " + " ".join(provider_origins(settings.SOCIALACCOUNT_PROVIDERS)),
    )
    return oidc_provider
