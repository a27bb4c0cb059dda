"""The decision Markdown export pinned byte for byte: the demo data and the bench's tiny data.

A change that alters what `export_decisions` writes must update the golden files on purpose
(`UPDATE_GOLDEN=1 make test PYTEST_ARGS=tests/test_golden_export.py`), so a refactoring that
moves code can show it changed no byte.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from decisions.records import export

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
DEMO = GOLDEN / "demo-export"
BENCH_DIGEST = GOLDEN / "bench-tiny-export.sha256"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def digest(files: dict[str, str]) -> str:
    hashed = hashlib.sha256()
    for name in sorted(files):
        hashed.update(name.encode() + b"\0" + files[name].encode() + b"\0")
    return hashed.hexdigest()


def test_the_demo_export_is_byte_identical_to_the_golden_files():
    call_command(
        "loaddata", str(Path(__file__).resolve().parent.parent / "fixtures" / "demo.json"), verbosity=0
    )
    files = export.export_all()
    if UPDATE:
        DEMO.mkdir(parents=True, exist_ok=True)
        for stale in DEMO.glob("*.md"):
            stale.unlink()
        for name, text in files.items():
            (DEMO / name).write_bytes(text.encode("utf-8"))
    golden = {path.name: path.read_bytes().decode("utf-8") for path in DEMO.glob("*.md")}
    assert sorted(files) == sorted(golden)
    for name, text in files.items():
        assert text == golden[name], name


def test_the_bench_export_at_the_tiny_scale_has_the_golden_digest():
    from bench.seed import SCALES, Seeder

    Seeder().grow(SCALES["tiny"])
    files = export.export_all()
    assert len(files) == SCALES["tiny"].decisions + 1  # the records and the README index
    if UPDATE:
        BENCH_DIGEST.write_text(digest(files) + "\n")
    assert digest(files) == BENCH_DIGEST.read_text().strip()
