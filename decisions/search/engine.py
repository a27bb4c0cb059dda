"""Full-text search over RFCs, meetings, decisions and precedents (DESIGN.md 1 and 4).

Each record has one SearchEntry holding its plain text in three parts weighted in that order:
title, summary and body. The database indexes them. On PostgreSQL a generated tsvector column
with a GIN index, ranked by ts_rank and excerpted by ts_headline; on SQLite an FTS5 table kept
in step by triggers, ranked by bm25() and excerpted by snippet(). Migration 0004 creates both,
which is why neither is a model field. The receivers at the bottom rewrite a record's entry
whenever the record or one of its parts (topic, remark, option) is saved or deleted, inside the
same transaction as the row, so a rolled-back save leaves no entry behind.

Queries use websearch syntax: "a quoted phrase", -word to exclude, `or` for either side. One
parser reads them for both databases, so both agree on what a query means and nothing a person
types can become a syntax error: every term reaches the engine quoted.
"""

from __future__ import annotations

import bisect
import datetime
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db import OperationalError, connections, router, transaction
from django.db.models import F, Model, Prefetch, QuerySet, TextField, Value
from django.db.models.expressions import Col, Expression
from django.db.models.functions import Coalesce, Greatest, Least, Lower, NullIf, StrIndex, Substr
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from decisions.models import (
    RFC,
    Decision,
    MarkdownFieldsMixin,
    Meeting,
    Option,
    Precedent,
    Remark,
    SearchEntry,
    SearchKind,
    Topic,
)

KINDS: dict[str, str] = {
    SearchKind.RFC: "RFCs",
    SearchKind.MEETING: "Meetings",
    SearchKind.DECISION: "Decisions",
    SearchKind.PRECEDENT: "Precedents",
}
MAX_QUERY_CHARS = 500
MAX_TERMS = 32
MAX_LIMIT = 100
# Characters that can never occur in indexed text, so they can mark the matches in excerpts.
MARK_START, MARK_END = "\ue000", "\ue001"
# Title above summary above body, on both databases.
BM25_WEIGHTS = (10.0, 4.0, 1.0)
SNIPPET_TOKENS = 24
# Excerpts come from a window of each text, never from all of it: both engines' excerpt functions
# grow faster than the text on a repeated word (SQLite's snippet() is quadratic in a row's matches,
# "zq " * 40,000 took 10 s; PostgreSQL's ts_headline of a phrase took 5 s and gigabytes at 60 KB).
# The window starts a little before the first place a query word starts. The whole text is still
# matched and ranked; a word found only past the window gets an unmarked excerpt.
EXCERPT_BEFORE, EXCERPT_CHARS = 200, 2000
# At most this many query words place the window (each costs a scan of the text).
EXCERPT_WORDS = 8
# A backstop below the worker timeout (30 s): a query still running this long is stopped and the
# person asked to narrow it, instead of the worker being killed mid-request.
SEARCH_TIMEOUT_SECONDS = 10.0
# SQLite calls the progress handler every this many virtual machine steps (~1 ms of work).
PROGRESS_STEPS = 10_000
FTS_TABLE = "decisions_searchentry_fts"
PG_CONFIG = "english"

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")


# What a record says ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """The text of one record as the index stores it."""

    kind: str
    object_id: int
    title: str
    summary: str
    body: str
    url: str
    date: datetime.date | None

    def entry(self) -> SearchEntry:
        return SearchEntry(
            id=SearchEntry.key(self.kind, self.object_id),
            kind=self.kind,
            object_id=self.object_id,
            title=_clean(self.title)[:2000],
            summary=_clean(self.summary),
            body=_clean(self.body),
            url=self.url[:500],
            date=self.date,
        )


_BLOCK_TAGS = {
    "p", "div", "section", "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd", "table",
    "thead", "tbody", "tfoot", "tr", "caption", "figure", "figcaption", "details", "summary",
    "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
_VOID_TAGS = {"br", "hr", "img", "input", "col", "wbr", "area", "source"}
# Decoration that is not text: task-list boxes, footnote numbers and back links, screen-reader labels.
_SKIPPED_CLASSES = {"visually-hidden", "footnote-ref", "footnote-backref", "task-state"}


class _TextExtractor(HTMLParser):
    """Rendered Markdown as (heading level or 0, text) blocks, whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[int, str]] = []
        self._parts: list[str] = []
        self._level = 0
        self._open: list[bool] = []  # per open element: does it hide its content?
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            if not self._hidden:
                self._parts.append(" ")
            return
        attributes = dict(attrs)
        hides = attributes.get("aria-hidden") == "true" or bool(
            _SKIPPED_CLASSES & set((attributes.get("class") or "").split())
        )
        self._open.append(hides)
        self._hidden += hides
        if self._hidden:
            return
        if tag in _BLOCK_TAGS:
            self._flush()
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._level = int(tag[1])
        elif tag in {"td", "th"}:
            self._parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS or not self._open:
            return
        if self._open.pop():
            self._hidden -= 1
        elif not self._hidden and tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._parts.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = " ".join("".join(self._parts).split())
        if text:
            self.blocks.append((self._level, text))
        self._parts, self._level = [], 0


@lru_cache(maxsize=1024)
def _blocks(html: str) -> tuple[tuple[int, str], ...]:
    """Cached because a meeting is indexed again for each of its topics saved in one import."""
    known = _prepared_blocks.pop(html, None)
    if known is not None:
        return known
    return html_blocks(html)


def html_blocks(html: str) -> tuple[tuple[int, str], ...]:
    """Rendered HTML as (heading level or 0, text) blocks: what the index stores of it.

    Pure, so an import can run it in a worker process and hand the result to prepare_blocks().
    """
    extractor = _TextExtractor()
    extractor.feed(_without_code_spans(html))
    extractor.close()
    return tuple(extractor.blocks)


# Blocks worked out elsewhere (an import's worker processes) for HTML about to be indexed here.
_prepared_blocks: dict[str, tuple[tuple[int, str], ...]] = {}
_PREPARED_MAX = 256


def prepare_blocks(html: str, blocks: tuple[tuple[int, str], ...]) -> None:
    """Say what html_blocks(html) is, so that indexing this HTML next need not parse it again."""
    if len(_prepared_blocks) >= _PREPARED_MAX:
        _prepared_blocks.pop(next(iter(_prepared_blocks)))
    _prepared_blocks[html] = blocks


# A highlighted code block as Pygments writes it: thousands of <span class="k"> per RFC, which
# made most of the parser's work. Neither hiding nor a block, they add nothing to the text.
_HIGHLIGHTED = re.compile(
    r'(<pre tabindex="0" class="highlight"><code class="language-[\w+#.-]*">)'
    r"([^<]*+(?:<(?!/code></pre>)[^<]*+)*+)(</code></pre>)"
)
# Text and spans with a class only, never nested (as Pygments writes them), and nothing else.
_FLAT_SPANS = re.compile(r'(?:[^<]*+<span class="[\w -]*+">[^<]*+</span>)*+[^<]*+')
_SPAN = re.compile(r'<span class="[\w -]*">|</span>')


def _without_code_spans(html: str) -> str:
    """The HTML with the class-only spans of highlighted code removed: the same text blocks.

    Only code blocks made of text and such spans, unnested and naming no hiding class, are
    touched; anything else (a hand-written tag, a hidden span) is left for the parser to read.
    """
    if '<pre tabindex="0" class="highlight">' not in html:
        return html

    def plain(match: re.Match) -> str:
        code = match[2]
        if not _FLAT_SPANS.fullmatch(code) or any(name in code for name in _SKIPPED_CLASSES):
            return match[0]
        return match[1] + _SPAN.sub("", code) + match[3]

    return _HIGHLIGHTED.sub(plain, html)


def _text(html: str) -> str:
    return "\n".join(text for _, text in _blocks(html))


def _html(record: MarkdownFieldsMixin, source: str) -> str:
    """The rendered HTML of a Markdown field; rendered here if a raw save left it stale."""
    if record.markdown_is_stale():
        return record.render_field(source).html
    return getattr(record, record.MARKDOWN_FIELDS[source])


def _clean(text: str) -> str:
    return _UNSAFE.sub(" ", text)


def _join(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


_SUMMARY_HEADINGS = {"summary", "abstract", "tl;dr", "overview"}


def _split_summary(blocks: Iterable[tuple[int, str]]) -> tuple[str, str]:
    """The Summary section (or else the first paragraph) and the rest, so each is weighted once."""
    blocks = list(blocks)
    for start, (level, text) in enumerate(blocks):
        if level and text.rstrip(":").casefold() in _SUMMARY_HEADINGS:
            end = next((i for i in range(start + 1, len(blocks)) if 0 < blocks[i][0] <= level), len(blocks))
            summary, rest = blocks[start + 1 : end], blocks[:start] + blocks[end:]
            break
    else:
        first = next((i for i, (level, _) in enumerate(blocks) if not level), None)
        if first is None:
            return "", _join(*(text for _, text in blocks))
        summary, rest = [blocks[first]], blocks[:first] + blocks[first + 1 :]
    return _join(*(text for _, text in summary)), _join(*(text for _, text in rest))


def rfc_document(rfc: RFC) -> Document:
    summary, body = _split_summary(_blocks(_html(rfc, "body")))
    return Document(
        SearchKind.RFC,
        rfc.pk,
        f"{rfc.label}: {rfc.title}",
        summary,
        body,
        rfc.get_absolute_url(),
        rfc.created_on,
    )


def meeting_document(
    meeting: Meeting, topics: Iterable[tuple[str, str]], remarks: Iterable[tuple[str, str]]
) -> Document:
    """Title, then agenda and topic titles, then the notes as submitted.

    Topics and remarks count only for what the notes do not already say: a meeting imported from
    notes has them all in its source (its headings are its topics), one made by hand has none.
    So saving the topics of imported notes one by one leaves the document as it was.
    """
    blocks = _blocks(_html(meeting, "source_text"))
    said = _notes_say(meeting)
    titles, parts = [], []
    for title, body_html in topics:
        titles.append(title)
        parts.append(_text(body_html))
    parts += [_remark_text(speaker, _text(text_html)) for speaker, text_html in remarks]
    unsaid = [text for text in titles + parts if text and " ".join(text.split()) not in said]
    return Document(
        SearchKind.MEETING,
        meeting.pk,
        meeting.title,
        _join(
            _text(_html(meeting, "agenda")),
            *(text for level, text in blocks if level and not _generic_heading(text, meeting)),
            *(title for title in titles if title in unsaid),
        ),
        _join(*(text for _, text in blocks), *(text for text in parts if text in unsaid)),
        meeting.get_absolute_url(),
        meeting.date,
    )


_GENERIC_HEADINGS = {
    "attendees",
    "attendance",
    "present",
    "agenda",
    "notes",
    "minutes",
    "action items",
    "links",
}


def _generic_heading(text: str, meeting: Meeting) -> bool:
    """Headings every set of notes has ("Attendees", the call's name): not what it discussed."""
    heading = text.rstrip(":").casefold()
    return heading in _GENERIC_HEADINGS or heading in meeting.title.casefold()


def _remark_text(speaker: str, text: str) -> str:
    return f"{speaker}: {text}" if speaker and text else text


def _notes_say(meeting: Meeting) -> str:
    return " ".join(text for _, text in _blocks(_html(meeting, "source_text")))


def decision_document(decision: Decision, options: Iterable[tuple[str, str, str]]) -> Document:
    """The question and its context, then the options, rationale and consequences."""
    considered = [_join(name, _text(summary_html), why_not) for name, summary_html, why_not in options]
    decided = decision.decided_on
    if decided is None and decision.created_at:
        decided = timezone.localdate(decision.created_at)
    return Document(
        SearchKind.DECISION,
        decision.pk,
        f"{decision.code}: {decision.title}",
        _text(_html(decision, "context")),
        _join(*considered, _text(_html(decision, "rationale")), _text(_html(decision, "consequences"))),
        decision.get_absolute_url(),
        decided,
    )


def precedent_document(precedent: Precedent) -> Document:
    return Document(
        SearchKind.PRECEDENT,
        precedent.pk,
        precedent.title,
        _join(precedent.organization, _text(_html(precedent, "summary"))),
        _text(_html(precedent, "lessons")),
        precedent.get_absolute_url(),
        precedent.date,
    )


def _document(record: Model, using: str | None) -> Document:
    if isinstance(record, RFC):
        return rfc_document(record)
    if isinstance(record, Meeting):
        topics = Topic.objects.using(using).filter(meeting=record).order_by("order")
        remarks = Remark.objects.using(using).filter(topic__meeting=record).order_by("topic__order", "order")
        return meeting_document(
            record, topics.values_list("title", "body_html"), remarks.values_list("speaker_name", "text_html")
        )
    if isinstance(record, Decision):
        options = Option.objects.using(using).filter(decision=record).order_by("order", "pk")
        return decision_document(record, options.values_list("name", "summary_html", "why_not"))
    if isinstance(record, Precedent):
        return precedent_document(record)
    raise TypeError(f"{type(record).__name__} is not searchable")


# Writing the index -----------------------------------------------------------------------------

_ENTRY_FIELDS = ["kind", "object_id", "title", "summary", "body", "url", "date"]


def _write(documents: Iterable[Document], using: str | None = None) -> None:
    """Insert or replace entries in one statement per batch (an upsert on the natural key)."""
    entries = [document.entry() for document in documents]
    SearchEntry.objects.using(using).bulk_create(
        entries, update_conflicts=True, unique_fields=["id"], update_fields=_ENTRY_FIELDS, batch_size=200
    )


def _record_of(obj: Model, using: str | None) -> Model | None:
    """The searchable record obj belongs to: itself, or the meeting or decision it is part of."""
    if isinstance(obj, Topic):
        return Meeting.objects.using(using).filter(pk=obj.meeting_id).first()
    if isinstance(obj, Remark):
        return Meeting.objects.using(using).filter(topics=obj.topic_id).first()
    if isinstance(obj, Option):
        return Decision.objects.using(using).filter(pk=obj.decision_id).first()
    return obj


def index(obj: Model, *, using: str | None = None, created: bool = False) -> None:
    """Write the entry of obj's record: obj itself, or the meeting or decision a part belongs to.

    An entry that would not change is not written: rewriting it costs the full-text index a
    delete and an insert of the whole text. `created` says obj was just inserted, so there is
    no entry to compare with.
    """
    record = _record_of(obj, using)
    if record is None:
        return
    document = _document(record, using)
    if created and record is obj:
        _write([document], using)
        return
    entry = document.entry()
    stored = SearchEntry.objects.using(using).filter(pk=entry.pk).values_list(*_ENTRY_FIELDS).first()
    if stored != tuple(getattr(entry, name) for name in _ENTRY_FIELDS):
        _write([document], using)


def unindex(obj: Model, *, using: str | None = None) -> None:
    """Remove a deleted record's entry; for a deleted part, rewrite its record's entry without it.

    Call it while obj still has its primary key (post_delete does).
    """
    if isinstance(obj, Topic | Remark | Option):
        index(obj, using=using)
        return
    kind = _KIND_OF[type(obj)]
    SearchEntry.objects.using(using).filter(pk=SearchEntry.key(kind, obj.pk)).delete()


_KIND_OF: dict[type[Model], str] = {
    RFC: SearchKind.RFC,
    Meeting: SearchKind.MEETING,
    Decision: SearchKind.DECISION,
    Precedent: SearchKind.PRECEDENT,
}


def _sources(using: str | None) -> list[tuple[str, QuerySet, Callable[[Any], Document]]]:
    """Every record with what its document needs, prefetched: a few queries per 200 records."""
    remarks = Prefetch("remarks", queryset=Remark.objects.order_by("order"))
    topics = Prefetch("topics", queryset=Topic.objects.order_by("order").prefetch_related(remarks))
    options = Prefetch("options", queryset=Option.objects.order_by("order", "pk"))
    return [
        (SearchKind.RFC, RFC.objects.using(using).order_by("pk"), rfc_document),
        (
            SearchKind.MEETING,
            Meeting.objects.using(using).order_by("pk").prefetch_related(topics),
            lambda meeting: meeting_document(
                meeting,
                [(topic.title, topic.body_html) for topic in meeting.topics.all()],
                [
                    (r.speaker_name, r.text_html)
                    for topic in meeting.topics.all()
                    for r in topic.remarks.all()
                ],
            ),
        ),
        (
            SearchKind.DECISION,
            Decision.objects.using(using).order_by("pk").prefetch_related(options),
            lambda decision: decision_document(
                decision, [(o.name, o.summary_html, o.why_not) for o in decision.options.all()]
            ),
        ),
        (SearchKind.PRECEDENT, Precedent.objects.using(using).order_by("pk"), precedent_document),
    ]


def rebuild_index(
    *, progress: Callable[[str, int, int], None] | None = None, using: str | None = None
) -> dict[str, int]:
    """Write every entry again from the records, in one transaction; return the count per kind.

    For data that predates the index, and after changes that bypass save() (bulk_create,
    QuerySet.update(), `manage.py render_markdown`).
    """
    using = using or router.db_for_write(SearchEntry)
    counts: dict[str, int] = {}
    with transaction.atomic(using=using):
        SearchEntry.objects.using(using).all().delete()
        for kind, records, build in _sources(using):
            total, batch = records.count(), []
            for done, record in enumerate(records.iterator(chunk_size=200), 1):
                batch.append(build(record))
                if len(batch) == 200:
                    _write(batch, using)
                    batch = []
                if progress:
                    progress(KINDS[kind], done, total)
            _write(batch, using)
            counts[str(kind)] = total
        if connections[using].vendor == "sqlite":
            with connections[using].cursor() as cursor:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
    return counts


# Reading the query -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    text: str
    excluded: bool = False


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@dataclass(frozen=True)
class ParsedQuery:
    """Groups joined by `or`; in a group every term must match, except the excluded ones."""

    groups: tuple[tuple[Term, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.groups)

    def wanted(self) -> ParsedQuery:
        """Without the exclusions: what to rank and highlight by (ts_rank scores `!word` as 0)."""
        return ParsedQuery(tuple(tuple(t for t in group if not t.excluded) for group in self.groups))

    def websearch(self) -> str:
        """The query again in websearch syntax, every term quoted, for websearch_to_tsquery."""
        return " or ".join(
            " ".join(("-" if term.excluded else "") + _quoted(term.text) for term in group)
            for group in self.groups
        )

    def fts5(self) -> str:
        """The query in FTS5 syntax: `("a" AND "b c") NOT "d" OR ("e")`."""
        parts = []
        for group in self.groups:
            wanted = " AND ".join(_quoted(term.text) for term in group if not term.excluded)
            unwanted = "".join(f" NOT {_quoted(term.text)}" for term in group if term.excluded)
            parts.append(f"({wanted}){unwanted}")
        return " OR ".join(parts)


# An optional minus, then a "quoted phrase" (closed by the end when unbalanced) or a bare word.
_TOKEN = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')
_WORDY = re.compile(r"[^\W_]")


def clean_query(text: str) -> str:
    return _UNSAFE.sub(" ", text or "")[:MAX_QUERY_CHARS].strip()


def parse(text: str) -> ParsedQuery:
    """Read websearch syntax the way PostgreSQL's websearch_to_tsquery does, forgivingly.

    Terms without a letter or digit are dropped (they match nothing on either database), as
    is a group with nothing but exclusions, which neither database can answer the same way.
    """
    groups: list[list[Term]] = [[]]
    count = 0
    for match in _TOKEN.finditer(clean_query(text)):
        minus, phrase, word = match.groups()
        if phrase is None and not minus and word.casefold() == "or":
            groups.append([])
            continue
        value = " ".join((phrase if phrase is not None else word).split())
        term = Term(value, excluded=bool(minus))
        # A term repeated adds nothing to the query but work for the engine (per match).
        if count < MAX_TERMS and _WORDY.search(value) and term not in groups[-1]:
            groups[-1].append(term)
            count += 1
    return ParsedQuery(tuple(tuple(group) for group in groups if any(not term.excluded for term in group)))


# Searching -------------------------------------------------------------------------------------


class SearchTooSlow(Exception):
    """A search ran past SEARCH_TIMEOUT_SECONDS and was stopped by the database."""

    message = "This search took too long. Narrow it with more or rarer words, or search one type."

    def __init__(self) -> None:
        super().__init__(self.message)


@contextmanager
def _sqlite_deadline(using: str) -> Iterator[None]:
    """Abort the statements run inside after SEARCH_TIMEOUT_SECONDS (SQLite's progress handler)."""
    wrapper = connections[using]
    wrapper.ensure_connection()
    raw = wrapper.connection
    deadline = time.monotonic() + SEARCH_TIMEOUT_SECONDS
    stopped: list[bool] = []

    def progress() -> int:
        if time.monotonic() >= deadline:
            stopped.append(True)
            return 1  # non-zero: SQLite interrupts the statement
        return 0

    raw.set_progress_handler(progress, PROGRESS_STEPS)
    try:
        yield
    except OperationalError as error:
        if stopped:
            raise SearchTooSlow() from error
        raise
    finally:
        raw.set_progress_handler(None, PROGRESS_STEPS)


def _prefixes(parsed: ParsedQuery) -> list[str]:
    """How the words of the query start (a crude stem: `migrating` gives `migra`), sorted."""
    words = {word.casefold() for group in parsed.wanted().groups for t in group for word in t.text.split()}
    prefixes = sorted({_fold(word[: max(4, len(word) - 3)]) for word in words if _WORDY.search(word)})
    return prefixes[:EXCERPT_WORDS]


def _fold(text: str) -> str:
    """Casefolded without accents, as the SQLite index compares (remove_diacritics)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_WORD = re.compile(r"\w+")
_PUNCTUATION = re.compile(r"[^\w\s]*")


def _excerpt(window: str, prefixes: list[str], *, clipped_start: bool, clipped_end: bool) -> str:
    """SNIPPET_TOKENS words of a window with the most words starting like a query word, marked.

    Linear in the window (which is at most EXCERPT_CHARS), whatever it repeats.
    """
    words = list(_WORD.finditer(window))
    # A window cut out of a longer text may begin or end inside a word.
    if clipped_start and words and words[0].start() == 0:
        words = words[1:]
    if clipped_end and words and words[-1].end() == len(window):
        words = words[:-1]
    if not words:
        return ""
    hits = [i for i, word in enumerate(words) if _fold(word[0]).startswith(tuple(prefixes))]
    first = 0
    if hits:
        # The run of SNIPPET_TOKENS words from a hit holding the most hits, centred on its hits
        # and moved back when it would run past the end, so short texts are shown whole.
        def held(h: int) -> int:
            return bisect.bisect_left(hits, h + SNIPPET_TOKENS) - bisect.bisect_left(hits, h)

        best = max(hits, key=held)
        span = hits[bisect.bisect_left(hits, best) + held(best) - 1] - best + 1
        first = max(0, min(best - (SNIPPET_TOKENS - span) // 2, len(words) - SNIPPET_TOKENS))
    last = min(len(words), first + SNIPPET_TOKENS)
    marked, position, wanted = [], words[first].start(), set(hits)
    for i in range(first, last):
        word = words[i]
        marked.append(window[position : word.start()])
        marked.append(f"{MARK_START}{word[0]}{MARK_END}" if i in wanted else word[0])
        position = word.end()
    marked.append(_PUNCTUATION.match(window, position)[0])  # the full stop after the last word
    lead = "…" if first > 0 or clipped_start else ""
    tail = "…" if last < len(words) or clipped_end else ""
    return lead + "".join(marked) + tail


@dataclass(frozen=True)
class SearchHit:
    kind: str
    title: str
    title_html: SafeString
    url: str
    snippet: SafeString
    rank: float
    date: datetime.date | None

    @property
    def kind_label(self) -> str:
        return SearchKind(self.kind).label


@dataclass(frozen=True)
class SearchPage:
    query: str
    hits: list[SearchHit]
    total: int
    limit: int
    offset: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.hits) < self.total


def _readable(text: str) -> str:
    """One line: blocks (a line each in the index) run on, with a dot where no punctuation ends one."""
    lines = [" ".join(line.split()) for line in (text or "").split("\n")]
    out = ""
    for line in filter(None, lines):
        ends = out.replace(MARK_END, "").rstrip()[-1:]
        out += line if not out else (" " if ends in ".!?:;…" else " · ") + line
    return out


def _marked(text: str) -> SafeString:
    """Escape everything, then turn the engine's match markers into <mark> tags."""
    escaped = escape(_readable(text))
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def _best_snippet(*candidates: str) -> str:
    """The excerpt with the most matches; the first non-empty one when none has any."""
    best = max(candidates, key=lambda text: text.count(MARK_START))
    return best if MARK_START in best else next((text for text in candidates if text.strip()), "")


class Results:
    """The hits of one query, counted and sliced lazily: a Paginator over it runs two queries."""

    def __init__(self, query: str, *, kinds: Collection[str] | None = None, using: str | None = None) -> None:
        unknown = set(kinds or ()) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds {sorted(unknown)}; use some of {list(KINDS)}")
        self.query = clean_query(query)
        self.parsed = parse(self.query)
        self.kinds = [kind for kind in KINDS if not kinds or kind in kinds]
        self.using = using or router.db_for_read(SearchEntry)
        self._count: int | None = None

    @property
    def _backend(self) -> _Backend:
        vendor = connections[self.using].vendor
        return _PostgresBackend(self) if vendor == "postgresql" else _SQLiteBackend(self)

    def count(self) -> int:
        if self._count is None:
            self._count = self._backend.count() if self.parsed else 0
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice | int) -> Any:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        if stop is None or not self.parsed or stop <= start:
            return []
        return self._backend.hits(start, min(stop - start, MAX_LIMIT))


def search(
    query: str, *, kinds: Collection[str] | None = None, limit: int = 20, offset: int = 0
) -> SearchPage:
    """The best `limit` hits after `offset`, with the total, in two queries (none for an empty query)."""
    results = Results(query, kinds=kinds)
    limit, offset = max(0, min(limit, MAX_LIMIT)), max(0, offset)
    hits = results[offset : offset + limit]
    return SearchPage(results.query, hits, results.count(), limit, offset)


class _Backend:
    def __init__(self, results: Results) -> None:
        self.results = results

    def count(self) -> int:
        raise NotImplementedError

    def hits(self, offset: int, limit: int) -> list[SearchHit]:
        raise NotImplementedError


class _VectorColumn(Expression):
    """A tsvector column that migrations add on PostgreSQL (columns SQLite lacks, so no fields):
    `vector` (0004, matched through its GIN index) or `rank_vector` (0008, ranked by).

    Resolves to a column of the query's own table alias, so it stays right inside subqueries.
    """

    output_field = SearchVectorField()

    def __init__(self, name: str = "vector") -> None:
        super().__init__()
        self.name = name

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> Col:
        field = SearchVectorField()
        field.set_attributes_from_name(self.name)
        field.model = SearchEntry
        return Col(query.get_initial_alias(), field)


class _PostgresBackend(_Backend):
    """Ranks with ts_rank over the GIN-matched rows, then excerpts the rows of the page only.

    ts_headline parses the text it is given again, about 5 ms per 20 KB, and far more on a
    repeated phrase, so it gets a window of the summary and of the body (EXCERPT_CHARS) around
    the first place a query word starts, never the whole text.
    """

    @staticmethod
    def _query(parsed: ParsedQuery) -> SearchQuery:
        return SearchQuery(parsed.websearch(), search_type="websearch", config=PG_CONFIG)

    def _entries(self) -> QuerySet:
        return SearchEntry.objects.using(self.results.using).alias(
            vector=_VectorColumn(), rank_vector=_VectorColumn("rank_vector")
        )

    def _matches(self) -> QuerySet:
        entries = self._entries().filter(vector=self._query(self.results.parsed))
        if len(self.results.kinds) < len(KINDS):
            entries = entries.filter(kind__in=self.results.kinds)
        return entries

    def count(self) -> int:
        with self._index_scans():
            return self._matches().count()

    @contextmanager
    def _index_scans(self) -> Iterator[None]:
        """Match through the GIN index, never by reading every row's vector, within a time limit.

        For a common word the planner estimates a sequential scan cheaper, not knowing that it
        must read each long vector out of line (TOAST): 145 ms against 15 ms at 13,000 entries.
        The statement timeout turns a runaway query into SearchTooSlow before the worker is
        killed. SET LOCAL lasts until the transaction ends, so it changes nothing else.
        """
        using = self.results.using
        try:
            with transaction.atomic(using=using), connections[using].cursor() as cursor:
                # set_config(..., true) is SET LOCAL; both in one statement, one round trip.
                cursor.execute(
                    "SELECT set_config('enable_seqscan', 'off', true), set_config('statement_timeout', %s, true)",
                    [str(max(1, int(SEARCH_TIMEOUT_SECONDS * 1000)))],
                )
                yield
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) == "57014":  # query_canceled
                raise SearchTooSlow() from error
            raise

    def _window(self, column: str) -> Any:
        """The column from a little before the first word that starts like a query word (a stem)."""
        prefixes = _prefixes(self.results.parsed)
        start: Any = Value(1)
        if prefixes:
            found = [NullIf(StrIndex(Lower(column), Value(prefix)), Value(0)) for prefix in prefixes]
            first = Least(*found) if len(found) > 1 else found[0]
            start = Greatest(Coalesce(first, Value(1)) - Value(EXCERPT_BEFORE), Value(1))
        return Substr(column, start, EXCERPT_CHARS, output_field=TextField())

    def hits(self, offset: int, limit: int) -> list[SearchHit]:
        with self._index_scans():
            return self._hits(offset, limit)

    def _hits(self, offset: int, limit: int) -> list[SearchHit]:
        query = self._query(self.results.parsed.wanted())
        ranked = ["-rank", F("date").desc(nulls_last=True), "pk"]
        rank = SearchRank(F("rank_vector"), query)  # small: see migration 0008
        page = self._matches().annotate(rank=rank).order_by(*ranked).values("pk")[offset : offset + limit]
        marks = {"config": PG_CONFIG, "start_sel": MARK_START, "stop_sel": MARK_END}
        excerpt = {"max_words": 30, "min_words": 15, **marks}
        rows = (
            self._entries()
            .filter(pk__in=page)
            .annotate(
                rank=rank,
                title_marked=SearchHeadline("title", query, highlight_all=True, **marks),
                summary_marked=SearchHeadline(self._window("summary"), query, **excerpt),
                body_marked=SearchHeadline(self._window("body"), query, **excerpt),
            )
            .order_by(*ranked)
            .values_list(
                "kind", "title", "title_marked", "url", "summary_marked", "body_marked", "rank", "date"
            )
        )
        return [
            SearchHit(
                kind, title, _marked(marked), url, _marked(_best_snippet(summary, body)), float(rank), date
            )
            for kind, title, marked, url, summary, body, rank, date in rows
        ]


class _SQLiteBackend(_Backend):
    """Ranks on the FTS5 table alone, then joins the entries for the one page it shows.

    Joining every match to its entry to filter or order by a column of it costs a row read
    per match; the kind is read from the key instead (SearchEntry.key), and ties go by key.
    """

    def _where(self) -> tuple[str, list[Any]]:
        sql, params = f"{FTS_TABLE} MATCH %s", [self.results.parsed.fts5()]
        if len(self.results.kinds) < len(KINDS):
            codes = [SearchEntry.KIND_CODES[kind] for kind in self.results.kinds]
            sql += f" AND {FTS_TABLE}.rowid %% 8 IN ({', '.join(['%s'] * len(codes))})"
            params += codes
        return sql, params

    def count(self) -> int:
        where, params = self._where()
        with _sqlite_deadline(self.results.using), connections[self.results.using].cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {where}", params)
            return cursor.fetchone()[0]

    @staticmethod
    def _window_start(column: str, prefixes: list[str]) -> tuple[str, list[str]]:
        """SQL for where the excerpt window of e.<column> starts (1-based), with its parameters.

        lower() folds ASCII only, so positions in the lowered text are positions in the text.
        """
        if not prefixes:
            return "1", []
        never = "9223372036854775807"
        found = [f"coalesce(nullif(instr(lower(e.{column}), %s), 0), {never})" for _ in prefixes]
        first = found[0] if len(found) == 1 else f"min({', '.join(found)})"
        # No query word in the text: from the start.
        return f"max(1, ifnull(nullif({first}, {never}), 1) - {EXCERPT_BEFORE})", prefixes

    def hits(self, offset: int, limit: int) -> list[SearchHit]:
        where, params = self._where()
        score = f"bm25({FTS_TABLE}, {', '.join(str(weight) for weight in BM25_WEIGHTS)})"
        marks = f"'{MARK_START}', '{MARK_END}'"
        prefixes = _prefixes(self.results.parsed)
        summary_at, summary_params = self._window_start("summary", prefixes)
        body_at, body_params = self._window_start("body", prefixes)
        # The title is short (Document.entry cuts it), so FTS5 marks it; excerpts of the summary
        # and body are cut from a window of each in Python (see EXCERPT_CHARS), one character
        # longer than shown so that a window cut short is known.
        sql = f"""
            SELECT e.kind, e.title, highlight({FTS_TABLE}, 0, {marks}), e.url,
                   {summary_at}, substr(e.summary, {summary_at}, {EXCERPT_CHARS + 1}),
                   {body_at}, substr(e.body, {body_at}, {EXCERPT_CHARS + 1}),
                   {score} AS score, e.date
            FROM {FTS_TABLE} JOIN decisions_searchentry e ON e.id = {FTS_TABLE}.rowid
            WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid IN (
                SELECT {FTS_TABLE}.rowid FROM {FTS_TABLE} WHERE {where}
                ORDER BY {score}, {FTS_TABLE}.rowid LIMIT %s OFFSET %s
            )
            ORDER BY score, {FTS_TABLE}.rowid
        """
        window_params = summary_params * 2 + body_params * 2
        using = self.results.using
        with _sqlite_deadline(using), connections[using].cursor() as cursor:
            cursor.execute(sql, [*window_params, self.results.parsed.fts5(), *params, limit, offset])
            rows = cursor.fetchall()

        def excerpt(start: int, window: str) -> str:
            shown = window[:EXCERPT_CHARS]
            return _excerpt(shown, prefixes, clipped_start=start > 1, clipped_end=len(window) > EXCERPT_CHARS)

        return [
            SearchHit(
                kind,
                title,
                _marked(marked),
                url,
                _marked(_best_snippet(excerpt(summary_at, summary), excerpt(body_at, body))),
                -score,
                datetime.date.fromisoformat(date) if isinstance(date, str) else date,
            )
            for kind, title, marked, url, summary_at, summary, body_at, body, score, date in rows
        ]


# Keeping the index current ---------------------------------------------------------------------

# The fields each document reads: a save(update_fields=...) touching none of them changes nothing.
_READS: dict[type[Model], set[str]] = {
    RFC: {"number", "title", "body", "body_html", "created_on"},
    Meeting: {"title", "date", "agenda", "agenda_html", "source_text", "source_html"},
    Topic: {"title", "body", "body_html", "order", "meeting", "meeting_id"},
    Remark: {"text", "text_html", "speaker_name", "order", "topic", "topic_id"},
    Decision: {
        "number",
        "title",
        "context",
        "context_html",
        "rationale",
        "rationale_html",
        "consequences",
        "consequences_html",
        "decided_on",
    },
    Option: {"name", "summary", "summary_html", "why_not", "order", "decision", "decision_id"},
    Precedent: {"title", "organization", "summary", "summary_html", "lessons", "lessons_html", "date"},
}
_PARTS = (Topic, Remark, Option)


def _adds_nothing(part: Model) -> bool:
    """Whether a new topic or remark only repeats its meeting's notes, so the entry stays as it is.

    Answered only from the objects in memory (the importer saves each topic with the meeting it
    has just saved), so it costs no query; any other case takes the long way through index().
    """
    if isinstance(part, Remark):
        if not Remark.topic.is_cached(part):
            return False
        topic, texts = part.topic, [_remark_text(part.speaker_name, _text(_html(part, "text")))]
    elif isinstance(part, Topic):
        topic, texts = part, [part.title, _text(_html(part, "body"))]
    else:
        return False
    if not Topic.meeting.is_cached(topic) or topic.meeting is None:
        return False
    said = _notes_say(topic.meeting)
    return all(" ".join(text.split()) in said for text in texts if text)


def _index_saved(
    sender: type[Model],
    instance: Model,
    using: str | None = None,
    update_fields: Any = None,
    created: bool = False,
    **kwargs: Any,
) -> None:
    if update_fields is not None and not _READS[sender] & set(update_fields):
        return
    pending = _deferred(using)
    if pending is not None and sender in _KIND_OF:
        if created:
            pending[(sender, instance.pk)] = instance
            return
        pending.pop((sender, instance.pk), None)  # saved again: indexed now, as usual
    if created and _adds_nothing(instance):
        return
    index(instance, using=using, created=created)


def _unindex_deleted(
    sender: type[Model], instance: Model, using: str | None = None, origin: Any = None, **kwargs: Any
) -> None:
    """Remove the entry; for a part, rewrite its record's entry once per deletion.

    Django deletes every row of a model before it sends their post_delete, so the first signal
    for a record's parts already sees them all gone, and the rest can be skipped. Parts deleted
    along with their record (or, for remarks, with their topic) are left to the record's own
    signal.
    """
    pending = _deferred(using)
    if pending is not None:
        pending.pop((sender, instance.pk), None)
    if sender in _PARTS and origin is not None:
        origin_model = origin.model if isinstance(origin, QuerySet) else type(origin)
        if origin_model is not sender:
            return
        parent = instance.meeting_id if sender is Topic else getattr(instance, "decision_id", None)
        key = (sender, parent if parent is not None else getattr(instance, "topic_id", None))
        done = origin.__dict__.setdefault("_search_reindexed", set())
        if key in done:
            return
        done.add(key)
    unindex(instance, using=using)


# Writing many entries at once -------------------------------------------------------------------

_deferral = threading.local()


def _deferred(using: str | None) -> dict[tuple[type[Model], Any], Model] | None:
    """The records created but not yet indexed inside deferred_indexing() on this thread, if any."""
    pending = getattr(_deferral, "pending", None)
    if pending is None or (using or router.db_for_write(SearchEntry)) != _deferral.using:
        return None
    return pending


@contextmanager
def deferred_indexing(using: str | None = None) -> Iterator[None]:
    """An atomic block whose new records are indexed together when it ends, not one by one.

    For imports that create many records (with bulk_create and the post_save signal, or save()):
    their entries are written in one statement per 200 as the block's last step, so inside the
    same savepoint as the rows. A record saved again or deleted inside the block is indexed as
    usual instead, and one whose row a nested savepoint rolled back gets no entry; a record
    saved again inside a nested savepoint that rolls back would lose its entry, so keep these
    blocks to creating records, as the RFC import does. Nested blocks leave the work to the
    outermost.
    """
    using = using or router.db_for_write(SearchEntry)
    if getattr(_deferral, "pending", None) is not None:
        with transaction.atomic(using=using):
            yield
        return
    _deferral.pending, _deferral.using = {}, using
    try:
        with transaction.atomic(using=using):
            yield
            pending, _deferral.pending = _deferral.pending, None
            _index_created(list(pending.values()), using)
    finally:
        _deferral.pending = None


def _index_created(records: list[Model], using: str) -> None:
    """Write the entries of records that were just inserted (and still exist)."""
    by_model: dict[type[Model], list[Model]] = {}
    for record in records:
        by_model.setdefault(type(record), []).append(record)
    documents = []
    for model, group in by_model.items():
        pks = [record.pk for record in group]
        there = set()
        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            there.update(
                model._default_manager.using(using).filter(pk__in=chunk).values_list("pk", flat=True)
            )
        documents += [_document(record, using) for record in group if record.pk in there]
    _write(documents, using)


def connect() -> None:
    """Keep the index in step with saves and deletes (called from apps.ready(), after the
    receiver that renders raw rows, so those are indexed from their rendered text)."""
    for model in (RFC, Meeting, Topic, Remark, Decision, Option, Precedent):
        post_save.connect(_index_saved, sender=model, dispatch_uid=f"search-index-{model.__name__}")
        post_delete.connect(_unindex_deleted, sender=model, dispatch_uid=f"search-unindex-{model.__name__}")
