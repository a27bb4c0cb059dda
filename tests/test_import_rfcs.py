"""manage.py import_rfcs: RFC repositories of several processes in one site, without collisions.

The fixtures in tests/data/rfcs/ are small files written in each public format; the whole
Bytecode Alliance corpus is read from ../shared/ (skipped in a fresh clone, required in CI).
"""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from decisions.models import RFC, Person, RFCAlias, RFCRevision, RFCStatus
from decisions.rfcs import importing as rfc_import
from decisions.rfcs.importing import writer
from tests.conftest import DATA, shared_path
from tests.factories import make_decision, make_person, make_rfc

pytestmark = pytest.mark.django_db

RFCS = DATA / "rfcs"
GOOD = [RFCS / "rust", RFCS / "pep", RFCS / "kep", RFCS / "bytecodealliance"]


def run(*paths: Path | str, fmt: str = "auto", dry_run: bool = False) -> dict:
    out = StringIO()
    args = [str(p) for p in paths] + ["--json", "--format", fmt] + (["--dry-run"] if dry_run else [])
    call_command("import_rfcs", *args, stdout=out, stderr=StringIO())
    return json.loads(out.getvalue().strip().splitlines()[-1])


def labels() -> set[str]:
    return {rfc.label for rfc in RFC.objects.all()}


def test_each_series_keeps_its_own_numbers_and_urls(client):
    make_rfc(number=205, title="The site's own RFC 205")
    report = run(*GOOD)
    assert report["failed"] == []
    assert {"PEP 205", "PEP 9001", "KEP-625", "KEP-2000", "Rust RFC 1", "Rust RFC 2094"} <= labels()
    # RFC 205 of the site and PEP 205 live side by side, each at its own address.
    assert client.get("/rfcs/205/").context["rfc"].title == "The site's own RFC 205"
    pep = client.get("/rfcs/pep/205/")
    assert pep.status_code == 200 and pep.context["rfc"].label == "PEP 205"
    assert "Weak References" in pep.content.decode()
    kep = RFC.objects.get(series="kep", number=625)
    assert kep.get_absolute_url() == "/rfcs/kep/625/"
    assert {area.slug for area in kep.areas.all()} >= {"sig-storage"}
    assert kep.metadata.get("Stage") == "beta"


def test_legacy_ids_redirect_to_the_record(client):
    run(*GOOD)
    for legacy, target in {
        "/rfcs/pep-205/": "/rfcs/pep/205/",
        "/rfcs/PEP-0205/": "/rfcs/pep/205/",
        "/rfcs/pep205/": "/rfcs/pep/205/",
        "/rfcs/KEP-625/": "/rfcs/kep/625/",
        "/rfcs/625-csi-migration/": "/rfcs/kep/625/",
        "/rfcs/rust-2094/": "/rfcs/rust/2094/",
        "/rfcs/2094-nll/": "/rfcs/rust/2094/",
    }.items():
        response = client.get(legacy)
        assert (response.status_code, response.get("Location")) == (301, target), legacy
    assert client.get("/rfcs/pep-4242/").status_code == 404
    assert client.get("/rfcs/no-such-thing/").status_code == 404


def test_unnumbered_bytecodealliance_rfcs_get_the_next_numbers_and_keep_them():
    make_rfc(number=40)
    first = run(RFCS / "bytecodealliance")
    assert first["imported"] == 3
    imported = RFC.objects.filter(series="", number__gt=40).order_by("number")
    assert [rfc.number for rfc in imported] == [41, 42, 43]
    assert all(rfc.status == RFCStatus.ACCEPTED for rfc in imported)
    numbers = {rfc.slug: rfc.number for rfc in imported}
    again = run(RFCS / "bytecodealliance")
    assert (again["imported"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert {rfc.slug: rfc.number for rfc in RFC.objects.filter(number__gt=40)} == numbers
    assert RFCAlias.objects.filter(alias="async-imports").exists()


def test_reimporting_never_duplicates_and_an_edited_file_is_a_new_revision(tmp_path):
    corpus = tmp_path / "rfcs"
    shutil.copytree(RFCS / "rust", corpus)
    first = run(corpus)
    count = RFC.objects.count()
    assert first["imported"] == count > 0
    assert run(corpus)["unchanged"] == count
    nll = next(corpus.rglob("2094-*.md"))
    nll.write_text(nll.read_text() + "\n## A section added later\n\nMore text.\n")
    third = run(corpus)
    assert (third["imported"], third["updated"]) == (0, 1)
    assert RFC.objects.count() == count
    rfc = RFC.objects.get(series="rust", number=2094)
    assert rfc.revisions.count() == 2
    assert "A section added later" in rfc.revisions.order_by("-number").first().body
    assert "a-section-added-later" in rfc.body_html


def test_bad_files_are_reported_with_path_and_reason_and_the_rest_imports(tmp_path):
    shutil.copytree(RFCS / "rust", tmp_path / "rust")
    shutil.copytree(RFCS / "bad", tmp_path / "bad")
    report = run(tmp_path)
    failed = {Path(entry["path"]).name: entry["error"] for entry in report["failed"]}
    assert "invalid-yaml.md" in failed and "line" in failed["invalid-yaml.md"]
    assert "pep-no-number.rst" in failed
    assert report["imported"] == RFC.objects.count() > 0


def test_messy_headers_are_kept_and_warned_about():
    report = run(RFCS / "rust", RFCS / "kep")
    messages = [w["message"] for w in report["warnings"]]
    assert any("Feature Nmae" in m for m in messages)
    assert any("2019-02-30" in m for m in messages)
    shutdown = RFC.objects.get(series="kep", number=2000)
    assert shutdown.metadata["Created as written"] == "2019-02-30"


def test_replaces_and_superseded_by_become_links(client):
    run(RFCS / "pep")
    old, new = RFC.objects.get(series="pep", number=205), RFC.objects.get(series="pep", number=9001)
    assert new.supersedes_id == old.pk
    page = client.get(old.get_absolute_url()).content.decode()
    assert 'href="/rfcs/pep/9001/"' in page


def test_authors_are_matched_by_name_or_alias_not_duplicated():
    saad = make_person("Jan Šafránek", aliases=["jsafrane"])
    run(RFCS / "kep")
    kep = RFC.objects.get(series="kep", number=625)
    assert saad in kep.authors.all()
    assert not Person.objects.filter(name="jsafrane").exists()


def test_restructuredtext_peps_are_rendered_not_shown_as_markup(client):
    run(RFCS / "pep")
    pep = RFC.objects.get(series="pep", number=9001)
    assert pep.body_format == "rst"
    html = client.get(pep.get_absolute_url()).content.decode()
    assert "<h2" in pep.body_html
    assert ".. " not in pep.body_html and "::\n" not in pep.body_html
    assert pep.toc and pep.toc[0]["title"]
    assert pep.title in html


def test_a_dry_run_writes_nothing():
    report = run(*GOOD, dry_run=True)
    assert report["dry_run"] and report["imported"] > 0
    assert RFC.objects.count() == 0 and RFCRevision.objects.count() == 0


def test_a_failure_in_the_middle_leaves_the_database_as_it_was(monkeypatch):
    make_rfc(number=1, title="Already here")
    before = (RFC.objects.count(), RFCRevision.objects.count(), Person.objects.count())
    calls = {"n": 0}
    real_save = writer._Importer.save

    def failing_save(self, *args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk on fire")
        return real_save(self, *args)

    monkeypatch.setattr(writer._Importer, "save", failing_save)
    with pytest.raises(RuntimeError):
        run(*GOOD)
    assert (RFC.objects.count(), RFCRevision.objects.count(), Person.objects.count()) == before


def test_the_front_matter_export_imports_back_into_the_same_record(client, tmp_path):
    pep = make_rfc(number=8, title="Style Guide", series="pep", authors=[make_person("Guido")])
    exported = client.get("/rfcs/pep/8.md").content.decode()
    (tmp_path / "pep-8.md").write_text(exported.replace("Style Guide", "Style Guide for Python Code"))
    report = run(tmp_path, fmt="frontmatter")
    assert (report["imported"], report["updated"]) == (0, 1)
    pep.refresh_from_db()
    assert pep.title == "Style Guide for Python Code" and pep.series == "pep"


def test_decisions_can_cite_rfcs_of_another_series_through_export_and_import(tmp_path):
    pep = make_rfc(number=8, series="pep", title="Style Guide")
    decision = make_decision(number=3)
    decision.related_rfcs.add(pep)
    call_command("export_decisions", str(tmp_path), stdout=StringIO())
    text = next(tmp_path.glob("0003-*.md")).read_text()
    assert "- pep-8" in text and "PEP 8" in text
    decision.related_rfcs.clear()
    call_command("import_decisions", str(tmp_path), stdout=StringIO())
    assert list(decision.related_rfcs.all()) == [pep]


def test_the_whole_bytecodealliance_corpus_imports_and_reimports_cleanly():
    corpus = shared_path("corpora", "bytecodealliance-rfcs")
    files = sorted((corpus / "accepted").glob("*.md"))
    first = run(corpus)
    assert first["failed"] == [] and first["imported"] == len(files) == 26
    titles = list(RFC.objects.values_list("title", flat=True))
    assert "Summary" not in titles and all(titles)
    assert run(corpus)["unchanged"] == len(files)
    with connection.cursor():  # every imported RFC has a rendered page and a search entry
        assert RFC.objects.filter(body_html="").count() == 0


def test_every_shared_hostile_input_imports_or_is_refused_in_each_format(tmp_path):
    """Deep nesting, pathological emphasis, NUL, invalid UTF-8, BOM, bidi... as RFC files of
    every kind: each is imported or reported with a reason; none crashes the run."""
    folder = shared_path("security", "hostile-inputs")
    files = sorted(p for p in folder.iterdir() if p.name != "README.md")
    for index, path in enumerate(files):
        raw = path.read_bytes()
        (tmp_path / "ba" / "accepted").mkdir(parents=True, exist_ok=True)
        (tmp_path / "ba" / "accepted" / f"h{index}.md").write_bytes(raw)
        (tmp_path / "peps").mkdir(exist_ok=True)
        (tmp_path / "peps" / f"pep-{9100 + index}.rst").write_bytes(
            b"PEP: %d\nTitle: Hostile %d\nAuthor: A\nStatus: Draft\nType: Process\nCreated: 01-Jan-2024\n\n"
            % (9100 + index, index)
            + raw
        )
    report = run(tmp_path / "ba", tmp_path / "peps")
    assert report["imported"] + len(report["failed"]) == 2 * len(files)
    assert all(entry["error"] for entry in report["failed"])
    # How long each takes to render (under a second) is held by `make bench-hostile`.


def test_header_values_read_as_text_and_link_only_to_what_exists(client):
    make_rfc(number=178, series="kep", title="CSI volume plugins")
    make_rfc(
        number=625, series="kep", title="CSI migration",
        metadata={
            "Milestones": {"alpha": "v1.14", "beta": "v1.17"},
            "See also": ["KEP-178", "KEP-4000"],
            "Post-History": ["08-Jun-2023 (https://discuss.example.org/t/1)"],
        },
    )  # fmt: skip
    page = client.get("/rfcs/kep/625/").content.decode()
    assert "alpha: v1.14" in page and "{" not in page.split("From the KEP header")[1][:400]
    assert '<a href="/rfcs/kep/178/">KEP-178</a>' in page
    assert "KEP-4000" in page and 'href="/rfcs/kep/4000/"' not in page  # not on this site: no dead link
    assert '<a href="https://discuss.example.org/t/1" rel="nofollow noopener">08-Jun-2023</a>' in page


def test_an_alias_written_with_slashes_still_makes_a_working_link(client):
    rfc = make_rfc(number=9, title="Aliased")
    RFCAlias.objects.create(alias=RFCAlias.normalise("keps/sig-storage/178 CSI"), rfc=rfc)
    page = client.get("/rfcs/9/")
    assert page.status_code == 200 and 'href="/rfcs/keps-sig-storage-178-csi/"' in page.content.decode()
    assert client.get("/rfcs/keps-sig-storage-178-csi/")["Location"] == "/rfcs/9/"


def test_a_browser_edit_opened_before_a_reimport_is_refused_not_saved_over_it(client, tmp_path):
    from django.contrib.auth.models import User

    shutil.copytree(RFCS / "rust", tmp_path / "rust")
    run(tmp_path / "rust")
    rfc = RFC.objects.get(series="rust", number=2094)
    client.force_login(User.objects.create_superuser("ed", "ed@example.org", "pw"))
    opened_at = rfc.version
    nll = next((tmp_path / "rust").rglob("2094-*.md"))
    nll.write_text(nll.read_text() + "\nAdded upstream.\n")
    assert run(tmp_path / "rust")["updated"] == 1
    response = client.post(rfc.edit_url, {
        "title": rfc.title, "status": rfc.status, "body": "Mine", "discussion_url": "", "version": opened_at,
    })  # fmt: skip
    assert response.status_code == 409
    assert "Added upstream." in RFC.objects.get(pk=rfc.pk).body


def test_a_file_deep_in_folders_imports_and_its_revision_names_the_file(tmp_path):
    deep = tmp_path.joinpath(*[f"folder-{i:02d}-of-a-long-monorepo-path" for i in range(12)], "text")
    deep.mkdir(parents=True)
    source = next((RFCS / "rust").rglob("2094-*.md"))
    shutil.copy(source, deep / source.name)
    report = run(tmp_path)
    assert report["imported"] == 1 and report["failed"] == []
    message = RFC.objects.get(series="rust", number=2094).revisions.get().message
    assert len(message) <= 300 and message.startswith("Imported from …") and message.endswith(source.name)


def test_progress_counts_every_file_while_reading_and_again_while_saving():
    calls: list[tuple[int, int, str]] = []
    report = rfc_import.import_rfcs(
        GOOD, progress=lambda index, total, label: calls.append((index, total, label))
    )
    files = len(report.imported)
    reading = [call for call in calls if call[2].startswith("read ")]
    saving = [call for call in calls if call[2].startswith("saved ")]
    assert files > 3
    assert [index for index, _, _ in reading] == list(range(1, files + 1))
    assert [index for index, _, _ in saving] == list(range(1, files + 1))
    assert calls.index(reading[-1]) < calls.index(saving[0])  # reading is done before anything is saved
