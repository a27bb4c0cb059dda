"""bench.imports, and the fast paths of import_rfcs it measures (decisions/rfcs/importing/).

The benchmark runs in a subprocess at a tiny size: the JSON shape is checked, not the times
(they depend on the machine). The import tests use the benchmark's generated Rust RFCs: worker
processes (a run outside any transaction, from PARALLEL_FROM files on), re-imports that render
nothing, new records written in batches, and a batch the database refuses, saved file by file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection

from bench.imports import rust_rfc, write_rust_corpus
from decisions.models import RFC, RFCAlias, RFCRevision, RFCStatusChange, SearchEntry
from decisions.rfcs.importing import workers, writer
from decisions.search.results import search

ROOT = Path(__file__).resolve().parent.parent

NOTES = Path(__file__).parent / "data" / "meetings"


def run(*paths: Path) -> dict:
    out = StringIO()
    call_command("import_rfcs", *[str(p) for p in paths], "--json", stdout=out, stderr=StringIO())
    return json.loads(out.getvalue().strip().splitlines()[-1])


# The benchmark ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bench() -> tuple[int, dict, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        # A few notes of tests/data stand in for the meeting corpus: the run is about the report.
        [sys.executable, "-m", "bench.imports", "--rust", "20", "--meetings", str(NOTES), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.stdout.strip(), done.stderr
    return done.returncode, json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def test_the_import_bench_reports_each_import_as_json(bench):
    status, result, stderr = bench
    assert status == 0, (result, stderr)
    assert result["database"] == connection.vendor
    imports = result["imports"]
    assert set(imports) == {"bytecodealliance", "rust", "rust_reimport", "meetings", "meetings_reimport"}
    notes, again = imports["meetings"], imports["meetings_reimport"]
    assert (notes["imported"], notes["failed"], notes["target_s"]) == (2, 0, 60)
    # Found in place, none created (unchanged notes are still saved again: incremental sync is later).
    assert (again["imported"], again["updated"] + again["unchanged"], again["failed"]) == (0, 2, 0)
    rust, again = imports["rust"], imports["rust_reimport"]
    assert (rust["files"], rust["imported"], rust["failed"], rust["target_s"]) == (20, 20, 0, 10)
    assert (again["files"], again["unchanged"], again["imported"], again["updated"]) == (20, 20, 0, 0)
    for name in ("rust", "rust_reimport"):
        assert imports[name]["seconds"] > 0 and imports[name]["queries"] > 0
    corpus = imports["bytecodealliance"]
    assert corpus["target_s"] == 1
    if "skipped" not in corpus:  # ../shared/ is there
        assert (corpus["files"], corpus["imported"], corpus["failed"]) == (26, 26, 0)


def test_the_generated_rfcs_look_like_rust_lang_rfcs_and_never_change():
    name, text = rust_rfc(7, 2094)
    assert name.startswith("2094-") and name.endswith(".md")
    assert (name, text) == rust_rfc(7, 2094)
    assert text.startswith("- Feature Name: `")
    for line in ("- Start Date: ", "- RFC PR: [rust-lang/rfcs#2094]", "- Rust Issue: "):
        assert line in text
    for heading in ("# Summary", "# Motivation", "# Reference-level explanation", "# Future possibilities"):
        assert f"\n{heading}\n" in text
    assert "```rust" in text and "| --- |" in text and "](https://" in text
    assert 15_000 <= len(text.encode()) <= 31_000


# The import's fast paths ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_many_files_import_in_workers_and_a_reimport_renders_nothing(tmp_path, monkeypatch):
    write_rust_corpus(tmp_path, workers.PARALLEL_FROM + 4)
    count = workers.PARALLEL_FROM + 4
    first = run(tmp_path)
    assert (first["imported"], first["failed"]) == (count, [])
    assert RFC.objects.filter(series="rust", body_html="").count() == 0
    assert RFCRevision.objects.count() == RFCStatusChange.objects.count() == count
    assert SearchEntry.objects.filter(kind="rfc").count() == count
    rfc = RFC.objects.order_by("number").first()
    assert RFCAlias.objects.filter(rfc=rfc).exists()
    assert search(rfc.title).total >= 1

    rendered = []
    real_render = workers._Workers.render

    def render(self, items, skip):
        assert self.pool is not None  # worker processes, not this one
        rendered.append(len(items) - len(skip))
        return real_render(self, items, skip)

    monkeypatch.setattr(workers._Workers, "render", render)
    assert run(tmp_path)["unchanged"] == count
    assert rendered == [0]

    edited = sorted((tmp_path / "text").glob("*.md"))[3]
    edited.write_text(edited.read_text() + "\n# A section added later\n\nMore text.\n")
    third = run(tmp_path)
    assert (third["updated"], third["unchanged"], rendered[-1]) == (1, count - 1, 1)
    rfc = RFC.objects.get(source=f"{tmp_path.name}/text/{edited.name}")
    assert rfc.revisions.count() == 2 and "a-section-added-later" in rfc.body_html
    assert search("section added later").total >= 1


@pytest.mark.django_db
def test_a_file_that_updates_a_record_of_the_same_run_waits_for_it(tmp_path):
    for folder, index in (("a", 1), ("b", 2)):
        name, text = rust_rfc(index, 42)
        (tmp_path / folder / "text").mkdir(parents=True)
        (tmp_path / folder / "text" / name).write_text(text)
    report = run(tmp_path / "a", tmp_path / "b")
    assert (report["imported"], report["updated"], report["failed"]) == (1, 1, [])
    rfc = RFC.objects.get(series="rust", number=42)
    assert rfc.revisions.count() == 2 and rfc.version == 2
    assert SearchEntry.objects.get(kind="rfc", object_id=rfc.pk).title.endswith(rfc.title)


@pytest.mark.django_db
def test_a_batch_the_database_refuses_is_saved_file_by_file_and_only_the_bad_file_fails(
    tmp_path, monkeypatch
):
    write_rust_corpus(tmp_path, 12)
    bad = sorted((tmp_path / "text").glob("*.md"))[5]
    bad_title = workers.parse_file(bad).title
    monkeypatch.setattr(writer, "BATCH", 4)
    real_write, real_record_change = writer._Importer._write, RFC.record_change
    batches = []

    def write(self, staged):
        batches.append(len(staged))
        real_write(self, staged)  # rows written, then refused: the batch's savepoint rolls back
        if any(item.rfc.title == bad_title for item in staged):
            raise DatabaseError("value refused")

    def record_change(self, **kwargs):
        if self.title == bad_title:
            raise DatabaseError("value refused")
        return real_record_change(self, **kwargs)

    monkeypatch.setattr(writer._Importer, "_write", write)
    monkeypatch.setattr(RFC, "record_change", record_change)
    report = run(tmp_path)
    assert batches == [4, 4, 4]
    assert report["failed"] == [{"path": str(bad), "error": "not saved: value refused"}]
    assert report["imported"] == 11 == RFC.objects.count()
    assert RFCRevision.objects.count() == RFCStatusChange.objects.count() == 11
    assert SearchEntry.objects.filter(kind="rfc").count() == 11
    assert not RFC.objects.filter(title=bad_title).exists()
    assert not SearchEntry.objects.filter(title__endswith=bad_title).exists()
    assert RFCAlias.objects.count() == 11  # each file's stem, once
