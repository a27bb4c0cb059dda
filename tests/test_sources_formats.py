"""Sources of KEPs and PEPs: the same records `import_rfcs` makes of the folder, and a KEP follows
either of its files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from decisions.models import RFC, Source, SourceFile
from decisions.rfcs.importing import import_rfcs
from decisions.sources.sync import sync_source
from tests.gitrepos import Repo

pytestmark = pytest.mark.django_db
RFCS = Path(__file__).resolve().parent / "data" / "rfcs"


@pytest.fixture(autouse=True)
def cache(settings, tmp_path):
    settings.SOURCES_CACHE_DIR = str(tmp_path / "cache")


def repository_of(name: str, tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / name)
    shutil.copytree(RFCS / name, repo.work, dirs_exist_ok=True)
    repo.commit(name)
    return repo


def records() -> set[tuple[str, int, str, str]]:
    return set(RFC.objects.values_list("series", "number", "title", "status"))


@pytest.mark.parametrize("name", ["kep", "pep"])
def test_a_source_makes_the_records_import_rfcs_makes_of_the_same_folder(name, tmp_path):
    import_rfcs([RFCS / name])
    expected = records()
    RFC.objects.all().delete()
    repo = repository_of(name, tmp_path)
    result = sync_source(Source.objects.create(name=name, url=repo.url, holds="rfcs"))
    assert result.imported == len(expected) and result.failed == []
    assert records() == expected


def test_a_kep_is_updated_when_its_readme_changes_and_withdrawn_when_its_folder_goes(tmp_path):
    repo = repository_of("kep", tmp_path)
    source = Source.objects.create(name="kep", url=repo.url, holds="rfcs", path="keps")
    first = sync_source(source)
    kep = RFC.objects.get(series="kep", number=625)
    assert SourceFile.objects.get(path="keps/sig-storage/625-csi-migration/README.md").object_id == kep.pk
    readme = repo.work / "keps/sig-storage/625-csi-migration/README.md"
    readme.write_text(readme.read_text() + "\n## Added upstream\n\nA new section.\n")
    repo.commit("README")
    result = sync_source(source)
    assert (result.updated, result.unchanged, result.imported) == (1, first.imported - 1, 0)
    assert "A new section." in RFC.objects.get(pk=kep.pk).body
    repo.git("rm", "-r", "--quiet", "keps/sig-storage/625-csi-migration")
    repo.commit("gone")
    assert sync_source(source).withdrawn == 1
    assert RFC.objects.get(pk=kep.pk).status == "withdrawn"
