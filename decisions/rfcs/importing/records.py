"""Matching the files of an RFC import to the stored records, loaded in a few queries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from decisions.models import RFC, RFCAlias
from decisions.rfcs.importing.workers import _Prepared
from decisions.rfcs.parsing import ParsedRFC

# Values per `IN (...)` when loading the records of a run.
_CHUNK = 500


def _chunks(values: Iterable[Any], size: int = _CHUNK) -> Iterator[list[Any]]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _alias_keys(parsed: ParsedRFC) -> list[str]:
    """The aliases an unnumbered file is looked up by, in the order the lookup prefers them."""
    return sorted({RFCAlias.normalise(a) for a in [parsed.slug, *parsed.aliases] if a} - {""})


# An owner of an alias: an RFC loaded or staged in this run, or the id of one that is not loaded.
_Owner = RFC | int


class _Records:
    """The records the files of a run may match, loaded in a few queries.

    Alone, before the transaction, it tells which files need rendering (unchanged()); the
    _Importer loads them again inside the transaction to save them.
    """

    def __init__(self) -> None:
        self.items: list[_Prepared] = []
        # Loaded by preload(); None means "ask the database" (as after a failed batch).
        self.by_number: dict[tuple[str, int], RFC | None] | None = None
        self.by_alias: dict[str, _Owner] = {}

    def preload(self, items: list[_Prepared]) -> None:
        """Load every record the files may match, and every alias they may take, in a few queries.

        The texts are compared with the files' in unchanged(); body_html and toc are read only
        for a record that is saved again.
        """
        self.items = items
        numbers: dict[str, set[int]] = {}
        keys: set[str] = set()
        for item in items:
            parsed = item.parsed
            if parsed is None or item.error:
                continue
            if parsed.number is not None:
                numbers.setdefault(parsed.series, set()).add(parsed.number)
            keys.update(_alias_keys(parsed))
        loaded: dict[int, RFC] = {}
        records = RFC.objects.defer("body_html", "toc").prefetch_related("authors")
        by_number: dict[tuple[str, int], RFC | None] = {}
        for series, wanted in numbers.items():
            for chunk in _chunks(sorted(wanted)):
                for rfc in records.filter(series=series, number__in=chunk):
                    loaded[rfc.pk] = rfc
                    by_number[(series, rfc.number)] = rfc
                for number in chunk:
                    by_number.setdefault((series, number), None)
        owners: dict[str, tuple[int, str]] = {}
        for chunk in _chunks(sorted(keys)):
            rows = RFCAlias.objects.filter(alias__in=chunk).values_list("alias", "rfc_id", "rfc__series")
            owners.update((alias, (rfc_id, series)) for alias, rfc_id, series in rows)
        # Unnumbered files match through their aliases: those records are loaded too.
        missing = {pk for pk, series in owners.values() if series == "" and pk not in loaded}
        for chunk in _chunks(sorted(missing)):
            for rfc in records.filter(pk__in=chunk):
                loaded[rfc.pk] = rfc
                by_number.setdefault((rfc.series, rfc.number), rfc)
        self.by_alias = {alias: loaded.get(pk, pk) for alias, (pk, _) in owners.items()}
        self.by_number = by_number

    def unchanged(self, items: list[_Prepared]) -> set[int]:
        """Indexes of the files whose record already has their text: nothing to render for them."""
        same = set()
        for index, item in enumerate(items):
            if item.parsed is None or item.error:
                continue
            rfc = self.find(item.parsed)
            if rfc is not None and (rfc.body, rfc.body_format) == (item.parsed.body, item.parsed.body_format):
                same.add(index)
        return same

    def find(self, parsed: ParsedRFC) -> RFC | None:
        if self.by_number is not None:
            if parsed.number is not None:
                key = (parsed.series, parsed.number)
                if key in self.by_number:
                    return self.by_number[key]
            else:
                # The first alias (in alias order) of a record of the site's own series; the
                # owners that preload() left as ids belong to other series.
                for alias in _alias_keys(parsed):
                    owner = self.by_alias.get(alias)
                    if isinstance(owner, RFC) and owner.series == "":
                        return owner
                return None
        if parsed.number is not None:
            return RFC.objects.filter(series=parsed.series, number=parsed.number).first()
        keys = [RFCAlias.normalise(a) for a in [parsed.slug, *parsed.aliases] if a]
        alias = RFCAlias.objects.filter(alias__in=keys, rfc__series="").select_related("rfc").first()
        return alias.rfc if alias else None
