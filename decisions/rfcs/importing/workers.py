"""Parsing and rendering RFC files in worker processes (or in this process for a few files)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, connections

from decisions.markdown import MarkdownTooLarge, Rendered
from decisions.models import RFC
from decisions.rfcs.parsing import ParsedRFC, RFCParseError, parse_file
from decisions.search import text as search_text

# From this many files on, parsing and rendering run in worker processes (one per core, at
# most 4); rendering Markdown is most of an import's time.
PARALLEL_FROM = 16

Blocks = tuple[tuple[int, str], ...]


@dataclass
class _Prepared:
    path: Path
    file_format: str
    root: Path | None = None  # the folder given that the file was found in
    parsed: ParsedRFC | None = None
    rendered: Rendered | None = None
    error: str = ""
    blocks: Blocks | None = None  # the search index's text of rendered.html, worked out with it


def _parse(item: tuple[Path, str, Path | None]) -> _Prepared:
    """Parse one file: pure work, safe in a worker process."""
    path, file_format, root = item
    try:
        parsed = parse_file(path, file_format, root)
    except RFCParseError as error:
        reason = error.reason if error.line is None else f"line {error.line}: {error.reason}"
        return _Prepared(path, file_format, root, error=reason)
    return _Prepared(path, file_format, root, parsed)


def _render(text: tuple[str, str]) -> tuple[Rendered | None, Blocks | None, str]:
    """Render one body, and read its text for the search index: pure, safe in a worker process."""
    body, body_format = text
    try:
        rendered = RFC(body=body, body_format=body_format).render_field("body")
    except MarkdownTooLarge as error:
        return None, None, f"not saved: {error}"
    return rendered, search_text.html_blocks(rendered.html), ""


class _Workers:
    """Worker processes that parse and render, or this process alone for a few files.

    The workers are forked (and this process's database connections closed, so that no worker
    shares them) before the caller opens its transaction; results are taken as they arrive.
    """

    def __init__(self, files: list[tuple[Path, str, Path | None]]) -> None:
        self.files = files
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Workers:
        workers = min(os.cpu_count() or 1, 4)
        if len(self.files) >= PARALLEL_FROM and workers >= 2 and not connection.in_atomic_block:
            connections.close_all()  # reopens on the next query; workers touch no database
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def parse(self) -> list[_Prepared]:
        if self.pool is None:
            return [_parse(item) for item in self.files]
        return list(self.pool.map(_parse, self.files, chunksize=8))

    def render(self, items: list[_Prepared], skip: set[int]) -> Iterator[_Prepared]:
        """The items in order, rendered except those in `skip` (their stored text is the same):
        by the workers, or without them in this process."""
        wanted = [i for i, item in enumerate(items) if item.parsed and not item.error and i not in skip]
        texts = [(items[i].parsed.body, items[i].parsed.body_format) for i in wanted]
        if self.pool is None:
            results: Iterator[tuple[Rendered | None, Blocks | None, str]] = map(_render, texts)
        else:
            results = self.pool.map(_render, texts, chunksize=4)  # submits every chunk now
        wanted_set = set(wanted)
        for index, item in enumerate(items):
            if index in wanted_set:
                item.rendered, item.blocks, item.error = next(results)
            yield item
