"""Seed a throwaway database at benchmark scale, fast.

Rows go in with bulk_create or insert() (COPY or one executemany per table), which skip Model.save(),
so the `*_html` fields are filled here: every distinct Markdown text is rendered once and its
HTML reused, as save() would have stored it. RFC bodies are real RFCs of real length (the
Bytecode Alliance corpus in ../shared/ when it is there, else the three copied into
bench/data/rfcs/); at the large scale, one or two sections of one (Scale.rfc_bodies). The seeder can grow the same database in
steps (`grow`), so query counts can be compared at two sizes without seeding twice.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.core.management.color import no_style
from django.db import DatabaseError, connections, router, transaction
from django.db.models import Max, Model
from django.utils.text import slugify

from decisions import markdown
from decisions.caching import datastate
from decisions.markdown.short import render_summary
from decisions.models import (
    RFC,
    ActionItem,
    ActionItemStatus,
    Area,
    Assessment,
    Criterion,
    Decision,
    DecisionMeeting,
    DecisionOwner,
    DecisionPrecedent,
    DecisionStatus,
    DecisionStatusChange,
    Meeting,
    MeetingLink,
    MeetingSeries,
    Option,
    OwnerRole,
    PendingReference,
    Person,
    Precedent,
    PrecedentKind,
    ReferenceKind,
    Remark,
    RFCStatus,
    RFCStatusChange,
    Topic,
)

Progress = Callable[[str, int, int], None]

BENCH_DIR = Path(__file__).resolve().parent
SHARED_RFCS = BENCH_DIR.parent.parent / "shared" / "corpora" / "bytecodealliance-rfcs" / "accepted"
BUNDLED_RFCS = BENCH_DIR / "data" / "rfcs"
TODAY = datetime.date(2026, 1, 5)


@dataclass(frozen=True)
class Scale:
    """How many records of each kind; people, areas and precedents do not grow with it."""

    name: str
    rfcs: int
    meetings: int
    decisions: int
    people: int = 200
    precedents: int = 60
    # "whole": every RFC body is a whole real RFC (about 25 KB). "sections": one or two
    # consecutive sections of one, as at 100,000 RFCs whole ones would make the seeding run
    # for ten minutes (and real RFC collections hold short documents too); their titles then
    # carry a project codename, so that a phrase is found in a few dozen documents only.
    rfc_bodies: str = "whole"
    # Every how many-th RFC and decision gets a motion (bench.signoff).
    motions_every: int = 50


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", rfcs=60, meetings=8, decisions=6, people=40, precedents=12),
    "small": Scale("small", rfcs=200, meetings=40, decisions=20, people=80, precedents=24),
    "default": Scale("default", rfcs=10_000, meetings=2_000, decisions=1_000, people=400, precedents=150),
    "large": Scale(
        "large",
        rfcs=100_000,
        meetings=10_000,
        decisions=5_000,
        people=600,
        precedents=200,
        rfc_bodies="sections",
        motions_every=500,
    ),
}


def base_of(scale: Scale) -> Scale:
    """The first step of a run: a few records, so query counts can be compared with the full size."""
    return Scale(
        "base",
        rfcs=min(scale.rfcs, 12),
        meetings=min(scale.meetings, 3),
        decisions=min(scale.decisions, 3),
        people=scale.people,
        precedents=scale.precedents,
        rfc_bodies=scale.rfc_bodies,
        motions_every=scale.motions_every,
    )


class Row(SimpleNamespace):
    """A row for insert(): its values by attribute name (`shepherd_id`, not `shepherd`), the
    fields left out taking their defaults. A fraction of a model instance's cost to make, for
    the tables of hundreds of thousands of rows at the large scale."""

    @property
    def pk(self) -> Any:
        return self.id

    @pk.setter
    def pk(self, value: Any) -> None:
        self.id = value


_MISSING = object()
# Values the database drivers take as they are: any other (a date, a list for a JSON field, a
# choices enum member) is prepared by its field, as bulk_create() would.
_AS_IS = (str, int, bool, type(None))


def insert(model: type[Model], objects: Sequence[Model | Row | tuple], *, numbered: bool = False) -> None:
    """bulk_create() at a fraction of its cost, for the many rows of the large scale.

    Each value is prepared by its field as bulk_create() prepares it (pre_save for the fields
    that set themselves, then the database form; defaults for what a Row leaves out), and the
    rows go in without the SQL per value that Django's compiler builds: with COPY on PostgreSQL,
    one executemany() per table elsewhere. A row may also be a tuple of the values of the fields
    other than the key, in their order (the two ids of a many-to-many row). `numbered` gives the
    objects their keys first (the next free ones, as the database would: nothing is ever deleted
    while seeding).
    """
    if not objects:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    if numbered:
        first = (model.objects.using(using).aggregate(last=Max("pk"))["last"] or 0) + 1
        for offset, obj in enumerate(objects):
            obj.pk = first + offset
        fields = [model._meta.pk, *fields]
    # Each field with whether its pre_save() sets the value (auto_now, auto_now_add).
    plan = [
        (field, field.attname, getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
        for field in fields
    ]

    def prepare(obj: Model | Row) -> tuple:
        # A model instance and a Row both keep their values in __dict__, by attribute name.
        values, prepared = obj.__dict__, []
        for each, attname, stamped in plan:
            value = each.pre_save(obj, True) if stamped else values.get(attname, _MISSING)
            if value is _MISSING:
                value = each.get_default()
            prepared.append(value if type(value) in _AS_IS else each.get_db_prep_save(value, connection))
        return tuple(prepared)

    rows = [obj if isinstance(obj, tuple) else prepare(obj) for obj in objects]
    if any(len(row) != len(fields) for row in rows):
        raise ValueError(f"a row of {model.__name__} does not have its {len(fields)} values")
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields)
    # One transaction, as bulk_create() has: in autocommit each row would be one.
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
            for start in range(0, len(rows), 5000):
                cursor.executemany(sql, rows[start : start + 5000])
        if numbered:
            for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(statement)


@contextmanager
def bulk_load(using: str = "default") -> Iterator[None]:
    """Filling a throwaway database: commits do not wait for the disk, foreign keys are not
    checked row by row (the seeder only writes keys it has just read or made), and the
    data-state triggers (decisions.caching.datastate: one more write per row written) are
    dropped until the end, when they are made again. Nothing reads the database meanwhile, and
    a crash loses only the bench. Call it outside a transaction (SQLite's foreign_keys pragma
    does nothing inside one)."""
    connection = connections[using]
    datastate.uninstall(using)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            synchronous = cursor.execute("PRAGMA synchronous").fetchone()[0]
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA foreign_keys = OFF")
        elif connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit TO off")
    # PostgreSQL checks foreign keys with system triggers, which only a superuser may skip
    # (the replica role); anyone else's bench checks them.
    replica = connection.vendor == "postgresql"
    if replica:
        try:
            with transaction.atomic(using=using), connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")
        except DatabaseError:
            replica = False
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"PRAGMA synchronous = {int(synchronous)}")
                cursor.execute("PRAGMA foreign_keys = ON")
            elif connection.vendor == "postgresql":
                cursor.execute("RESET synchronous_commit")
                if replica:
                    cursor.execute("RESET session_replication_role")
        datastate.install(using)


# Text pools ------------------------------------------------------------------------------------

FIRST = ["Ada", "Alex", "Chris", "Dan", "Elena", "Fatima", "Gil", "Hana", "Ivo", "Jun", "Kai", "Lena",
         "Mira", "Nick", "Olu", "Pat", "Quinn", "Ravi", "Sam", "Till", "Uma", "Vera", "Wei", "Yuki"]  # fmt: skip
LAST = ["Alvarez", "Brandt", "Chen", "Dubois", "Eriksen", "Fitzgerald", "Gupta", "Hall", "Ito", "Jensen",
        "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov", "Quist", "Rossi", "Schneider",
        "Tanaka", "Umar", "Varga", "Weber", "Xu", "Young", "Zimmer"]  # fmt: skip
AREAS = ["Wasmtime", "Cranelift", "WASI", "Component model", "Security", "Governance", "Tooling",
         "Debugging", "Embedding", "Performance", "Documentation", "Packaging"]  # fmt: skip
SERIES = ["Wasmtime project call", "Cranelift weekly", "Component model SIG", "TSC meeting"]
SUBJECTS = ["the pooling instance allocator", "async host functions", "WASI preview 2 streams",
            "tail calls", "the ISLE lowering rules", "fuel metering", "epoch interruption",
            "component resources", "the C API", "GC proposal support", "debug info for DWARF",
            "the release process", "security advisories", "fuzzing coverage", "SIMD on aarch64",
            "exception handling", "memory64", "the wasi-http interface", "LTS releases",
            "register allocation", "module linking", "stack switching", "the CLI flags",
            "profiling hooks", "cargo vet audits", "WIT package versions"]  # fmt: skip
VERBS = ["Stabilize", "Redesign", "Deprecate", "Add", "Extend", "Document", "Split", "Move",
         "Support", "Speed up", "Harden", "Simplify"]  # fmt: skip
QUALIFIERS = ["", "", " in Wasmtime", " in Cranelift", " for embedders", " across targets",
              " behind a feature flag", " (second attempt)", " for 1.0"]  # fmt: skip
SENTENCES = [
    "We should land this behind a flag first and see what the fuzzers say.",
    "The benchmark numbers from last week show a 4% regression on `spidermonkey.wasm`.",
    "Agreed, but the embedder API must stay the same until the next major release.",
    "See RFC 12 for the previous discussion; DR-0003 records why we chose the pooling allocator.",
    "Can someone write down the **migration path** for users of the old API?",
    "The CI matrix already covers aarch64 and s390x, so this is mostly a review question.",
    "There is a draft PR; it needs a second reviewer familiar with the `wasi-common` crate.",
    "I would rather keep both implementations for one release and remove the old one after.",
    "Security review is done; the one open item is documented in the advisory template.",
    "Let's revisit this next week when the numbers from the new runner are in.",
]
CRITERIA = ["Runtime cost", "Compile time", "Safety", "Maintenance burden", "Embedder impact",
            "Spec conformance", "Code size", "Migration effort", "Debuggability", "Portability",
            "Review effort", "Testing cost"]  # fmt: skip
OPTIONS = ["Keep the status quo", "Do it in the runtime", "Do it in the compiler", "A new crate",
           "Feature flag first", "Upstream the patch", "Generate the code", "Hand-written fast path",
           "Delegate to the host", "A config option", "Two-phase rollout", "Adopt the proposal as is"]  # fmt: skip


# Project codenames for the titles of RFCs at the "sections" scale: 48 x 48 two-word phrases.
CODE_ADJECTIVES = ["amber", "brisk", "cobalt", "dusky", "ember", "fallow", "gilded", "hazel", "indigo",
                   "jasper", "kelp", "lilac", "mossy", "nimble", "ochre", "pewter", "quiet", "russet",
                   "sable", "tawny", "umber", "vivid", "wintry", "yonder", "azure", "bronze", "coral",
                   "dapple", "ebony", "frosty", "granite", "hollow", "ivory", "jade", "kindled", "lunar",
                   "maple", "north", "opal", "plum", "quartz", "rustic", "silver", "topaz", "velvet",
                   "willow", "zephyr", "cinder"]  # fmt: skip
CODE_NOUNS = ["heron", "otter", "lynx", "marten", "osprey", "badger", "falcon", "gecko", "ibis", "jackal",
              "kestrel", "lemur", "magpie", "newt", "ocelot", "puffin", "quokka", "raven", "stoat",
              "tapir", "urchin", "vole", "wombat", "yak", "auk", "bison", "crane", "dingo", "egret",
              "ferret", "gannet", "hare", "impala", "jay", "koala", "loon", "mole", "narwhal", "oriole",
              "pika", "quail", "robin", "shrike", "tern", "viper", "wren", "zebu", "plover"]  # fmt: skip


def codename(index: int) -> str:
    """The codename of the index-th RFC: each of the 2,304 is given to every 2,304th RFC."""
    pair = (index * 7919) % (len(CODE_ADJECTIVES) * len(CODE_NOUNS))
    return f"{CODE_ADJECTIVES[pair // len(CODE_NOUNS)]} {CODE_NOUNS[pair % len(CODE_NOUNS)]}"


def sections_of(text: str) -> list[str]:
    """The text cut before each level-1 or level-2 heading outside code fences (the first piece
    keeps what comes before the first heading)."""
    pieces: list[list[str]] = [[]]
    fence = ""
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip()
        if fence and stripped.startswith(fence):
            fence = ""
        elif not fence and stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
        elif not fence and line.startswith(("# ", "## ")) and any(piece.strip() for piece in pieces[-1]):
            pieces.append([])
        pieces[-1].append(line)
    return ["".join(piece) for piece in pieces if "".join(piece).strip()]


def _paragraphs(rng: random.Random, count: int) -> str:
    return "\n\n".join(" ".join(rng.sample(SENTENCES, 3)) for _ in range(count))


@dataclass(frozen=True)
class Rendered:
    text: str
    html: str
    toc: list[dict] = field(default_factory=list)


def render(text: str, *, link_mentions: bool = False) -> Rendered:
    """Markdown as save() would store it: sanitized HTML and the table of contents."""
    result = markdown.render_document(text, link_mentions=link_mentions)
    return Rendered(text, result.html, [vars(heading) for heading in result.toc])


def rfc_texts() -> list[tuple[str, str]]:
    """(title, body) of real RFCs: all 26 from ../shared/ when present, else the bundled three."""
    folder = SHARED_RFCS if SHARED_RFCS.is_dir() else BUNDLED_RFCS
    texts = []
    for path in sorted(folder.glob("*.md")):
        if path.name == "README.md":
            continue
        title = path.stem.replace("-", " ").capitalize()
        texts.append((title, path.read_text(encoding="utf-8")))
    if not texts:
        raise FileNotFoundError(f"no RFC texts in {folder}")
    return texts


@dataclass
class MeetingTemplate:
    """One shape of meeting notes, rendered once and shared by many meetings."""

    agenda: Rendered
    source: Rendered
    topics: list[tuple[str, str, Rendered, list[tuple[int, int, Rendered]]]]  # title, anchor, body, remarks
    speakers: list[int]  # indexes into the people


# The seeder ------------------------------------------------------------------------------------


class Seeder:
    """Adds records up to a scale; call grow() again with a larger scale to add more."""

    def __init__(self, progress: Progress | None = None, *, seed: int = 8) -> None:
        self.rng = random.Random(seed)
        self.progress = progress or (lambda kind, done, total: None)
        self.counts = {"rfcs": 0, "meetings": 0, "decisions": 0}
        self.people: list[Person] = []
        self.areas: list[Area] = []
        self.series: list[MeetingSeries] = []
        self.precedents: list[Precedent] = []
        self.rfc_ids: list[int] = []
        self.meeting_ids: list[int] = []
        self.topics_of: dict[int, list[int]] = {}
        self.decision_ids: list[int] = []
        self.bodies: list[tuple[str, Rendered]] = []
        self.sections: list[list[str]] = []
        self.section_bodies: dict[tuple[int, int, int], Rendered] = {}
        self.rfc_bodies = "whole"
        self.templates: list[MeetingTemplate] = []

    # Shared records ----------------------------------------------------------------------------

    def _shared(self, scale: Scale) -> None:
        if self.people:
            return
        rng = self.rng
        names = [f"{first} {last}" for last in LAST for first in FIRST]
        rng.shuffle(names)
        self.people = Person.objects.bulk_create(
            [
                Person(
                    name=name,
                    slug=f"{slugify(name)}-{index}",
                    aliases=[name.split()[0].lower() + str(index)],
                    affiliation=rng.choice(["Fastly", "Mozilla", "Intel", "Microsoft", "Independent", ""]),
                )
                for index, name in enumerate(names[: scale.people])
            ]
        )
        self.areas = Area.objects.bulk_create(
            [Area(name=name, slug=slugify(name), description=f"Work on {name}.") for name in AREAS]
        )
        self.series = MeetingSeries.objects.bulk_create(
            [MeetingSeries(name=name, slug=slugify(name), description=f"The {name}.") for name in SERIES]
        )
        summaries = [render(_paragraphs(rng, 2)) for _ in range(8)]
        lessons = [
            render(_paragraphs(rng, 1) + "\n\n- Ship it behind a flag\n- Measure first") for _ in range(8)
        ]
        kinds = list(PrecedentKind.values)
        self.precedents = Precedent.objects.bulk_create(
            [
                Precedent(
                    title=f"How {rng.choice(['Rust', 'Go', 'V8', 'LLVM', 'Node', 'Python'])} handled "
                    f"{rng.choice(SUBJECTS)} ({index})",
                    slug=f"precedent-{index}",
                    url=f"https://example.org/precedents/{index}",
                    organization=rng.choice(["Rust project", "Go team", "LLVM", "W3C", "IETF"]),
                    kind=kinds[index % len(kinds)],
                    date=TODAY - datetime.timedelta(days=30 * index),
                    summary=summaries[index % 8].text,
                    summary_html=summaries[index % 8].html,
                    lessons=lessons[index % 8].text,
                    lessons_html=lessons[index % 8].html,
                )
                for index in range(scale.precedents)
            ]
        )
        texts = rfc_texts()
        self.bodies = [(title, render(text)) for title, text in texts]
        self.sections = [sections_of(text) for _, text in texts]
        self.templates = [self._meeting_template(k) for k in range(16)]

    def _meeting_template(self, k: int) -> MeetingTemplate:
        rng = self.rng
        speakers = rng.sample(range(len(self.people)), min(6, len(self.people)))
        topics = []
        lines = ["# Notes", "", "## Attendees", ""]
        lines += [f"- {self.people[i].name}" for i in speakers]
        titles = [f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)}" for _ in range(3 + k % 6)]
        agenda = render("\n".join(f"{n}. {title}" for n, title in enumerate(titles, 1)), link_mentions=True)
        for order, title in enumerate(titles):
            remarks = []
            lines += ["", f"## {title}", ""]
            for remark_order in range(2 + (k + order) % 5):
                speaker = rng.randrange(len(speakers))
                text = " ".join(rng.sample(SENTENCES, 2))
                depth = 1 if remark_order and rng.random() < 0.3 else 0
                lines.append(f"{'  ' * depth}- {self.people[speakers[speaker]].name}: {text}")
                remarks.append((speakers[speaker], depth, render(text, link_mentions=True)))
            body = render(_paragraphs(rng, 1), link_mentions=True)
            anchor = f"t{order}-{slugify(title)}"[:120].rstrip("-")
            topics.append((title, anchor, body, remarks))
        source = render("\n".join(lines) + "\n", link_mentions=True)
        return MeetingTemplate(agenda, source, topics, speakers)

    # Growing ---------------------------------------------------------------------------------

    def grow(self, scale: Scale) -> None:
        """Add RFCs, meetings and decisions until the database holds `scale` of each."""
        self._shared(scale)
        self.rfc_bodies = scale.rfc_bodies
        self._add("rfcs", scale.rfcs, 500, self._rfcs)
        self._add("meetings", scale.meetings, 100, self._meetings)
        self._add("decisions", scale.decisions, 100, self._decisions)

    def _add(self, kind: str, target: int, batch: int, make: Callable[[int, int], None]) -> None:
        start = self.counts[kind]
        for low in range(start, target, batch):
            high = min(low + batch, target)
            make(low, high)
            self.counts[kind] = high
            self.progress(kind, high, target)

    def _some(self, items: Sequence[Any], low: int, high: int) -> list[Any]:
        return self.rng.sample(items, min(len(items), self.rng.randint(low, high)))

    def _rfcs(self, low: int, high: int) -> None:
        rng = self.rng
        statuses = list(RFCStatus.values)
        rfcs = []
        for index in range(low, high):
            base_title, body = self.bodies[index % len(self.bodies)]
            title = f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)}{rng.choice(QUALIFIERS)}"
            if index % 7 == 0:
                title = base_title
            if self.rfc_bodies == "sections":
                body = self._section_body(index)
                title = f"{title} ({codename(index)})"
            supersedes = rng.choice(self.rfc_ids) if self.rfc_ids and rng.random() < 0.03 else None
            rfcs.append(
                Row(
                    number=index + 1,
                    title=title,
                    slug=slugify(title)[:100],
                    status=statuses[index % len(statuses)],
                    shepherd_id=rng.choice(self.people).pk if rng.random() < 0.7 else None,
                    body=body.text,
                    body_html=body.html,
                    toc=body.toc,
                    discussion_url=f"https://github.com/example/rfcs/pull/{index + 1}",
                    created_on=TODAY - datetime.timedelta(days=(index * 37) % 3650),
                    supersedes_id=supersedes,
                )
            )
        insert(RFC, rfcs, numbered=True)
        ids = [rfc.pk for rfc in rfcs]
        self.rfc_ids += ids
        authors, areas, changes = [], [], []
        for rfc in rfcs:
            authors += [(rfc.pk, person.pk) for person in self._some(self.people, 1, 3)]
            areas += [(rfc.pk, area.pk) for area in self._some(self.areas, 1, 2)]
            changes.append(Row(rfc_id=rfc.pk, from_status="", to_status=RFCStatus.DRAFT))
            if rfc.status != RFCStatus.DRAFT:
                changes.append(Row(rfc_id=rfc.pk, from_status=RFCStatus.DRAFT, to_status=rfc.status))
        insert(RFC.authors.through, authors)
        insert(RFC.areas.through, areas)
        insert(RFCStatusChange, changes)

    def _section_body(self, index: int) -> Rendered:
        """One or two consecutive sections of a real RFC, each distinct run rendered once."""
        which = index % len(self.sections)
        sections = self.sections[which]
        turn = index // len(self.sections)
        start, length = turn % len(sections), 1 + (turn // len(sections)) % 2
        key = (which, start, length)
        if key not in self.section_bodies:
            self.section_bodies[key] = render("".join(sections[start : start + length]))
        return self.section_bodies[key]

    def _meetings(self, low: int, high: int) -> None:
        rng = self.rng
        meetings, shapes = [], []
        for index in range(low, high):
            series = self.series[index % len(self.series)]
            template = self.templates[index % len(self.templates)]
            date = TODAY - datetime.timedelta(days=7 * (index // len(self.series)) + index % len(self.series))
            meetings.append(
                Row(
                    series_id=series.pk,
                    date=date,
                    title=f"{series.name} {date:%Y-%m-%d}",
                    agenda=template.agenda.text,
                    agenda_html=template.agenda.html,
                    source_text=template.source.text,
                    source_html=template.source.html,
                    source_path=f"{series.slug}/{date:%Y}/{date:%Y-%m-%d}.md",
                )
            )
            shapes.append(template)
        insert(Meeting, meetings, numbered=True)
        topics = []
        for meeting, template in zip(meetings, shapes, strict=True):
            self.meeting_ids.append(meeting.pk)
            topics += [
                Row(
                    meeting_id=meeting.pk,
                    order=order,
                    title=title,
                    anchor=anchor,
                    body=body.text,
                    body_html=body.html,
                )
                for order, (title, anchor, body, _) in enumerate(template.topics)
            ]
        insert(Topic, topics, numbered=True)
        remarks, items, attendees, rfcs, links = [], [], [], [], []
        topic_iter = iter(topics)
        for meeting, template in zip(meetings, shapes, strict=True):
            mine = list(islice(topic_iter, len(template.topics)))
            self.topics_of[meeting.pk] = [topic.pk for topic in mine]
            for topic, (_, _, _, spoken) in zip(mine, template.topics, strict=True):
                remarks += [
                    Row(
                        topic_id=topic.pk,
                        order=order,
                        speaker_id=self.people[person].pk,
                        speaker_name=self.people[person].name,
                        text=text.text,
                        text_html=text.html,
                        depth=depth,
                    )
                    for order, (person, depth, text) in enumerate(spoken)
                ]
            present = {self.people[i].pk for i in template.speakers}
            present |= {person.pk for person in self._some(self.people, 2, 6)}
            attendees += [(meeting.pk, pk) for pk in present]
            rfcs += [(meeting.pk, pk) for pk in self._some(self.rfc_ids, 1, 3)]
            for order in range(rng.randint(2, 4)):
                owner = rng.choice(self.people)
                items.append(
                    Row(
                        owner_id=owner.pk,
                        owner_name=owner.name,
                        text=rng.choice(SENTENCES),
                        due_on=meeting.date + datetime.timedelta(days=14),
                        status=[ActionItemStatus.OPEN, ActionItemStatus.DONE, ActionItemStatus.DROPPED][
                            order % 3
                        ],
                        meeting_id=meeting.pk,
                        topic_id=rng.choice(mine).pk,
                    )
                )
            links += [
                Row(
                    meeting_id=meeting.pk,
                    url=f"https://example.org/slides/{meeting.pk}/{n}",
                    text=f"Slides {n}",
                    order=n,
                )
                for n in range(rng.randint(1, 2))
            ]
        insert(Remark, remarks)
        insert(ActionItem, items)
        insert(Meeting.attendees.through, attendees)
        insert(Meeting.rfcs.through, rfcs)
        insert(MeetingLink, links)

    def _decision_texts(self) -> dict[str, list[Rendered]]:
        if not hasattr(self, "_texts"):
            rng = self.rng
            self._texts = {
                "context": [
                    render(f"## Problem\n\n{_paragraphs(rng, 3)}\n\n- one\n- two") for _ in range(10)
                ],
                "rationale": [render(_paragraphs(rng, 2)) for _ in range(10)],
                "consequences": [render(f"{_paragraphs(rng, 1)}\n\n1. First\n2. Then") for _ in range(10)],
                # As Option.save() stores a summary: short text (decisions.markdown.short).
                "option": [
                    Rendered(text, render_summary(text)) for text in (_paragraphs(rng, 1) for _ in range(12))
                ],
            }
        return self._texts

    def _decisions(self, low: int, high: int) -> None:
        rng = self.rng
        texts = self._decision_texts()
        statuses = list(DecisionStatus.values)
        decisions = []
        for index in range(low, high):
            status = statuses[index % len(statuses)]
            context, rationale, consequences = (
                rng.choice(texts[k]) for k in ("context", "rationale", "consequences")
            )
            title = f"How should we {rng.choice(VERBS).lower()} {rng.choice(SUBJECTS)}?"
            decided = status in {DecisionStatus.ACCEPTED, DecisionStatus.REJECTED, DecisionStatus.SUPERSEDED}
            decisions.append(
                Row(
                    number=index + 1,
                    title=title,
                    slug=slugify(title)[:100],
                    status=status,
                    context=context.text,
                    context_html=context.html,
                    rationale=rationale.text,
                    rationale_html=rationale.html,
                    consequences=consequences.text,
                    consequences_html=consequences.html,
                    decided_on=TODAY - datetime.timedelta(days=index * 3) if decided else None,
                    supersedes_id=rng.choice(self.decision_ids)
                    if self.decision_ids and rng.random() < 0.03
                    else None,
                )
            )
        insert(Decision, decisions, numbered=True)
        options, criteria = [], []
        for decision in decisions:
            for order, name in enumerate(rng.sample(OPTIONS, 6)):
                summary = rng.choice(texts["option"])
                why_not = rng.choice(SENTENCES) if order % 3 == 1 else ""
                options.append(
                    Row(
                        decision_id=decision.pk, name=name, summary=summary.text, summary_html=summary.html,
                        why_not=why_not, order=order,
                    )
                )  # fmt: skip
            for order, name in enumerate(rng.sample(CRITERIA, 8)):
                criteria.append(
                    Row(
                        decision_id=decision.pk, name=name, description=rng.choice(SENTENCES),
                        weight=rng.randint(1, 5), order=order,
                    )
                )  # fmt: skip
        insert(Option, options, numbered=True)
        insert(Criterion, criteria, numbered=True)
        assessments = []
        for n, decision in enumerate(decisions):
            mine = options[n * 6 : n * 6 + 6]
            for option in mine:
                for criterion in criteria[n * 8 : n * 8 + 8]:
                    note = rng.choice(SENTENCES) if rng.random() < 0.15 else ""
                    assessments.append(
                        Row(
                            option_id=option.pk,
                            criterion_id=criterion.pk,
                            rating=rng.randint(-2, 2),
                            note=note,
                        )
                    )
            if decision.decided_on:
                decision.chosen_option_id = rng.choice(mine).pk
        insert(Assessment, assessments)
        chosen = [Decision(pk=d.pk, chosen_option_id=d.chosen_option_id) for d in decisions if d.decided_on]
        Decision.objects.bulk_update(chosen, ["chosen_option"], batch_size=200)
        self._decision_links(decisions)
        self.decision_ids += [decision.pk for decision in decisions]

    def _decision_links(self, decisions: list[Decision]) -> None:
        rng = self.rng
        roles = list(OwnerRole.values)
        owners, areas, rfcs, discussed, cited, changes, items, pending = [], [], [], [], [], [], [], []
        for decision in decisions:
            owners += [
                Row(decision_id=decision.pk, person_id=person.pk, role=roles[order % len(roles)], order=order)
                for order, person in enumerate(self._some(self.people, 1, 3))
            ]
            areas += [(decision.pk, area.pk) for area in self._some(self.areas, 1, 2)]
            rfcs += [(decision.pk, pk) for pk in self._some(self.rfc_ids, 1, 3)]
            meetings = self._some(self.meeting_ids, 1, 3)
            discussed += [
                Row(decision_id=decision.pk, meeting_id=pk, topic_id=rng.choice(self.topics_of[pk]))
                for pk in meetings
            ]
            cited += [
                Row(decision_id=decision.pk, precedent_id=p.pk, note=rng.choice(SENTENCES), order=order)
                for order, p in enumerate(self._some(self.precedents, 0, 2))
            ]
            changes.append(
                Row(
                    decision_id=decision.pk, from_status="", to_status=DecisionStatus.OPEN,
                    changed_on=(decision.decided_on or TODAY) - datetime.timedelta(days=60),
                )
            )  # fmt: skip
            if decision.status != DecisionStatus.OPEN:
                changes.append(
                    Row(
                        decision_id=decision.pk, from_status=DecisionStatus.OPEN, to_status=decision.status,
                        changed_on=decision.decided_on or TODAY, note=rng.choice(SENTENCES),
                    )
                )  # fmt: skip
            for order in range(rng.randint(1, 2)):
                owner = rng.choice(self.people)
                items.append(
                    Row(
                        owner_id=owner.pk, owner_name=owner.name, text=rng.choice(SENTENCES),
                        status=ActionItemStatus.OPEN if order == 0 else ActionItemStatus.DONE,
                        due_on=TODAY + datetime.timedelta(days=order * 10), meeting_id=meetings[0],
                        decision_id=decision.pk,
                    )
                )  # fmt: skip
            if decision.number % 20 == 0:
                pending.append(
                    Row(
                        decision_id=decision.pk, kind=ReferenceKind.RFC, key=str(900_000 + decision.number),
                        label=f"RFC {900_000 + decision.number}",
                    )
                )  # fmt: skip
        insert(DecisionOwner, owners)
        insert(Decision.areas.through, areas)
        insert(Decision.related_rfcs.through, rfcs)
        insert(DecisionMeeting, discussed)
        insert(DecisionPrecedent, cited)
        insert(DecisionStatusChange, changes)
        insert(ActionItem, items)
        insert(PendingReference, pending)


def corpus_size() -> tuple[int, int]:
    """How many real RFC texts the bodies come from, and their mean length in bytes."""
    texts = rfc_texts()
    return len(texts), sum(len(body.encode()) for _, body in texts) // len(texts)
