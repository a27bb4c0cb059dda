"""The RFC Markdown export (/rfcs/<n>.md) pinned byte for byte: the demo RFCs and the test corpus.

A change that alters what rfc_to_markdown writes must update the golden files on purpose
(`UPDATE_GOLDEN=1 make test PYTEST_ARGS=tests/test_golden_rfc_export.py`), so a refactoring that
moves code can show it changed no byte. The corpus (Rust, PEP, KEP, Bytecode Alliance and
front-matter files under tests/data/rfcs/) brings series, metadata, long titles and quoting.
"""

from __future__ import annotations

import datetime
import os
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from decisions.models import RFC
from decisions.rfcs.export import rfc_to_markdown
from tests.conftest import DATA
from tests.factories import make_person, make_rfc

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
RFCS = DATA / "rfcs"
CORPUS = ["rust", "pep", "kep", "bytecodealliance", "frontmatter"]
# The day the corpus golden files were written (an RFC with no creation date is created on it).
IMPORTED_ON = datetime.datetime(2026, 12, 5, 12, 0, tzinfo=datetime.UTC)


def exports() -> dict[str, str]:
    rfcs = RFC.objects.prefetch_related("authors", "areas").select_related("supersedes")
    return {f"{rfc.series or 'rfc'}-{rfc.number:04d}.md": rfc_to_markdown(rfc) for rfc in rfcs}


def check(files: dict[str, str], folder: Path) -> None:
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.md"):
            stale.unlink()
        for name, text in files.items():
            (folder / name).write_bytes(text.encode("utf-8"))
    golden = {path.name: path.read_bytes().decode("utf-8") for path in folder.glob("*.md")}
    assert sorted(files) == sorted(golden)
    for name, text in files.items():
        assert text == golden[name], name


def test_the_demo_rfc_exports_are_byte_identical_to_the_golden_files():
    call_command(
        "loaddata", str(Path(__file__).resolve().parent.parent / "fixtures" / "demo.json"), verbosity=0
    )
    check(exports(), GOLDEN / "demo-rfc-export")


def test_the_corpus_rfc_exports_are_byte_identical_to_the_golden_files():
    if connection.vendor != "sqlite":
        # jsonb keeps an object's keys in its own order (shorter first), not as written, so the
        # metadata of imported RFCs is exported in another order there; the golden files are
        # SQLite's, which keeps the order the file gave.
        pytest.skip("RFC metadata keys come back from jsonb in its own order")
    paths = [str(RFCS / name) for name in CORPUS]
    # An RFC whose file gives no creation date is created on the day it is imported: the golden
    # files were written on IMPORTED_ON, so the import runs on that day, whatever today is.
    with time_machine.travel(IMPORTED_ON, tick=False):
        call_command("import_rfcs", *paths, "--json", stdout=StringIO(), stderr=StringIO())
    files = exports()
    assert len(files) >= 15
    check(files, GOLDEN / "corpus-rfc-export")


def test_awkward_values_keep_their_yaml_bytes():
    """Quotes, colons, dates as text, long lines, Unicode, nested metadata: PyYAML's choices pinned."""
    people = [make_person('O\'Brien: the "author"'), make_person("Zoë Ünïcode")]
    make_rfc(
        "A title: with a colon, 'quotes' and # a hash that runs well past one hundred characters "
        "so that the emitter has to decide whether to fold it",
        number=501,
        authors=people,
        discussion_url="https://example.org/t/1?a=b&c=d",
        # Keys in the order jsonb keeps them (shorter first), so PostgreSQL gives the same bytes.
        metadata={"list": ["yes", "2023-03-30", 12, None], "Stage": "beta", "nested": {"k": "v: w"}},
    )
    make_rfc("- starts with a dash", number=502, series="pep", body="no newline at the end")
    make_rfc("null", number=503, body="", body_format="rst")
    check(exports(), GOLDEN / "awkward-rfc-export")
