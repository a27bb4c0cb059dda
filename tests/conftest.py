from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"


def shared_path(*parts: str) -> Path:
    """A path in ../shared/; skip when it is absent, fail when CI says it must be there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("REQUIRE_SHARED") == "1":
            pytest.fail(f"{path} is missing and REQUIRE_SHARED=1")
        pytest.skip(f"{path} is not here (a fresh clone has no ../shared/)")
    return path


@pytest.fixture
def count_queries(client) -> Callable[[str], int]:
    """GET a URL and return how many SQL queries the page ran (after a 200)."""

    def count(url: str, **headers: str) -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        return len(context.captured_queries)

    return count
