"""Meeting notes as people really write them -> a ParsedMeeting (DESIGN.md 3 and 5).

Notes arrive in many shapes: a title or none, the date in the title, in a `**Date:**` line or only
in the file name, attendees as bullets, bare lines, tables or one comma-separated line, topics as
headings or as top-level bullets, and speakers written `Name: text`, `**Name**: text`,
`- [Name] text`, `(nf) text`, `Name - text`... markdown-it-py splits the text into blocks (so code
fences, tables, HTML and block quotes are never mistaken for remarks), then four passes read it:

1. structure: the title, the sections (agenda, attendees, notes, action items, links), the
   topics (headings, top-level bullets with sub-bullets, bracketed `[Name] - Topic` items), and
   on the way the attendees and the date, which tell the next pass who can be a speaker;
2. speaker labels: a label must look like a short name and, when it could also be an ordinary
   phrase (`Target Audience:`), be backed by the attendee list or by being used twice;
3. agenda items the discussion was written under become topics;
4. remarks, action items, links and RFC / decision mentions, topic by topic.

Everything here is pure: no database access, so the preview, the commands and the tests agree.
"""

from __future__ import annotations

import datetime
import re
import textwrap
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from markdown_it import MarkdownIt
from markdown_it.token import Token

from decisions.formats.dates import first_date
from decisions.markdown import clean_text
from decisions.meetings.paths import date_from_path, year_from_path
from decisions.people.names import name_key, name_variants, people_in_label, split_names

# Dataclasses (interface: the web views and the import commands read these) ---------------------


@dataclass
class ParsedRemark:
    speaker: str | None
    text: str
    depth: int = 0
    line: int = 0


@dataclass
class ParsedActionItem:
    owner: str | None
    text: str
    due: datetime.date | None = None
    done: bool = False
    line: int = 0


@dataclass
class ParsedLink:
    url: str
    text: str = ""


@dataclass
class ParsedTopic:
    title: str
    body: str = ""
    remarks: list[ParsedRemark] = field(default_factory=list)
    action_items: list[ParsedActionItem] = field(default_factory=list)
    links: list[ParsedLink] = field(default_factory=list)
    line: int = 0
    end_line: int = 0
    rfc_mentions: list[int] = field(default_factory=list)
    decision_mentions: list[int] = field(default_factory=list)

    # The meeting's attendees, so `Brown, Andrew` reads as one person where the notes list names so.
    attendees: list[str] = field(default_factory=list, repr=False, compare=False)

    @property
    def speakers(self) -> list[str]:
        """Distinct speakers of this topic, in order of first remark."""
        return _distinct_speakers(self.remarks, self.attendees)


@dataclass
class ParsedMeeting:
    title: str
    date: datetime.date | None
    attendees: list[str]
    agenda: str
    topics: list[ParsedTopic]
    action_items: list[ParsedActionItem]
    links: list[ParsedLink]
    rfc_mentions: list[int]
    decision_mentions: list[int]
    warnings: list[str]
    # Speaker labels the notes themselves tie to an attendee: "Till" -> "Till Schneidereit".
    aliases: dict[str, str] = field(default_factory=dict)
    # Handles and initials the notes declare for an attendee: "Nick Fitzgerald (nf)".
    attendee_aliases: dict[str, list[str]] = field(default_factory=dict)
    text_date: datetime.date | None = None

    @property
    def speakers(self) -> list[str]:
        """Distinct speakers of the whole meeting, in order of first remark."""
        return _distinct_speakers((r for topic in self.topics for r in topic.remarks), self.attendees)


class MeetingParseError(ValueError):
    """Notes that cannot be read at all, with the line when there is one."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# Vocabulary -------------------------------------------------------------------------------------

SECTION_PATTERNS = {
    "agenda": r"(?:proposed |meeting |draft |final )?agenda(?: items?)?",
    "attendees": r"attendees|attendance|attending|participants|present|people present|roll call|who'?s here",
    "actions": r"action items?(?: for .*)?|actions|action|ais|next steps|follow[- ]?ups?|todos?|to-?dos",
    "links": r"links|related links|resources(?: .*)?|references",
    "container": (
        r"notes|meeting notes|minutes|meeting minutes|discussion|discussions|\(?incomplete\)? notes"
        r"|meeting summary|summary|notes and discussion|notes & discussion"
    ),
}
SECTION_RES = {kind: re.compile(rf"(?:{pattern})", re.I) for kind, pattern in SECTION_PATTERNS.items()}
# Lines that, alone in a paragraph, start a section or a topic just as a heading would.
PSEUDO_TOPICS = {
    "updates", "status", "status updates", "standup", "standups", "announcements", "open discussion",
    "other business", "any other business", "questions", "decisions", "general updates",
}  # fmt: skip
# Agenda items every note inherits from its template; what is listed under them is the agenda.
TEMPLATE_ITEM_RE = re.compile(
    r"(?i)(?:opening|welcome|roll call|announcements?|(?:other )?agenda items?|other items|"
    r"proposals and discussions|any other business|aob|new items|items|discussion items|updates)"
    r"(?:,? (?:welcome|and roll call|roll call))*",
)
SUBTITLE_RE = re.compile(r"\b(?:meeting|committee|call|sync|working group|time ?zone|timzone)\b", re.I)

# Whole labels that are never a speaker, however name-like they look.
STOP_LABELS = {
    "note", "notes", "nb", "n.b", "update", "updates", "proposal", "proposals", "question",
    "questions", "q", "a", "answer", "answers", "http", "https", "ftp", "mailto", "outcome",
    "decision", "decisions", "conclusion", "conclusions", "summary", "result", "results", "action",
    "actions", "action item", "action items", "action owner", "ai", "ais", "todo", "todos", "tbd",
    "fyi", "fwiw", "re", "context", "background", "goal", "goals", "example", "examples", "e.g",
    "eg", "i.e", "ie", "topic", "topics", "agenda", "attendees", "attendance", "attending",
    "present", "meeting id", "passcode", "password", "time", "date", "when", "where", "place",
    "location", "link", "links", "slides", "recording", "video", "status", "next steps", "next",
    "pros", "cons", "pro", "con", "options", "option", "issue", "issues", "pr", "prs", "problem",
    "problems", "solution", "solutions", "idea", "ideas", "concern", "concerns", "plan", "plans",
    "consensus", "all", "everyone", "everybody", "various", "several", "multiple", "others",
    "someone", "somebody", "unknown", "group", "team", "misc", "general", "announcement",
    "announcements", "reminder", "warning", "error", "edit", "aside", "also", "related",
    "followup", "follow-up", "follow up", "side note", "tl;dr", "tldr", "ps", "p.s", "caveat",
    "important", "motivation", "rationale", "alternatives", "alternative", "chat", "comment",
    "comments", "feedback", "discussion", "request", "requests", "response", "reply", "demo",
    "presenter", "speaker", "host", "chair", "facilitator", "scribe", "note taker", "notetaker",
    "secretary", "observation", "observations", "suggestion", "suggestions", "takeaway",
    "takeaways", "output", "input", "step", "steps", "phase", "part", "today", "tomorrow",
    "yesterday", "now", "later", "first", "second", "third", "then", "finally", "yes", "no",
    "maybe", "ok", "okay", "done", "blocked", "wip", "minutes", "agreed", "agreement", "ask",
    "asks", "risk", "risks", "open question", "open questions", "meta", "meta question",
    "recap", "overview", "intro", "introduction", "purpose", "scope", "target", "targets",
    "vision", "owner", "owners", "assignee", "due", "deadline", "eta", "priority",
    "tracking", "tracking issue", "reference", "references", "source", "sources", "see",
    "correction", "clarification", "disclaimer", "hint", "tip", "tips", "fix", "bug", "bugs",
    "cause", "root cause", "impact", "workaround", "timeline", "schedule", "cadence", "vote",
    "votes", "poll", "bonus", "help", "ideally", "alternatively", "pending", "blocker",
    "blockers", "wins", "highlights", "lowlights", "news", "links shared", "details", "reason",
    "reasons", "why", "how", "what", "nit", "nits", "heads up", "changes", "drawbacks", "tasks",
    "followups", "metrics", "numbers", "resources", "learnings",
}  # fmt: skip
# Words that may not be part of a person's name label ("Target Audience", "Next meeting").
COMMON_WORDS = {
    "the", "this", "that", "these", "those", "we", "i", "it", "there", "if", "but", "and", "so",
    "for", "in", "on", "to", "with", "what", "how", "why", "who", "which", "can", "should", "do",
    "does", "is", "are", "would", "could", "my", "our", "your", "their", "his", "her", "an",
    "one", "two", "three", "some", "any", "each", "every", "not", "also", "then", "last",
    "new", "old", "current", "open", "closed", "other", "another", "both", "most", "more",
    "less", "per", "via", "please", "thanks", "thank", "about", "after", "before", "because",
    "from", "into", "over", "under", "up", "out", "of", "by", "at", "as", "or", "nor", "just",
    "only", "still", "yet", "again", "here", "all", "approach", "audience", "challenges",
    "challenge", "holiday", "hours", "meeting", "meetings", "representatives", "porting",
    "support", "planning", "work", "content", "site", "item", "items", "plan", "procedure",
    "charter", "origin", "automation", "progress", "docs", "book", "releases", "release",
    "nature", "prior", "bindings", "documentation", "gratitude", "future", "early", "initial",
    "federal", "selecting", "time", "zone", "unified", "overall", "apportioning", "leveraging",
    "compiling", "exporting", "relationship", "ownership", "positioning", "features", "feature",
    "quality", "developer", "developers", "provide", "readers", "action", "agenda", "notes",
    "note", "update", "updates", "status", "summary", "question", "answer", "proposal",
    "discussion", "topic", "review", "reviews", "issue", "issues", "bug", "bugs", "fix",
    "fixes", "test", "tests", "testing", "design", "idea", "ideas", "project", "projects",
    "team", "teams", "group", "groups", "community", "governance", "security", "performance",
    "roadmap", "goals", "goal", "next", "steps", "step", "outcome", "decision", "decisions",
    "example", "examples", "option", "options", "problem", "problems", "context", "background",
    "tooling", "tools", "tool", "component", "components", "model", "models", "interface",
    "interfaces", "implementation", "implementations", "proposals", "spec",
    "specs", "specification", "standard", "standards", "draft", "drafts", "api", "apis",
    "library", "libraries", "crate", "crates", "package", "packages", "registry", "registries",
    "repo", "repos", "repository", "website", "blog", "post", "posts", "slides", "video",
    "recording", "call", "calls", "sync", "report", "reports", "request", "requests", "plugin",
    "plugins", "runtime", "runtimes", "compiler", "compilers", "backend", "backends", "target",
    "targets", "platform", "platforms", "language", "languages", "guest", "host", "hosts",
    "memory", "threads", "thread", "async", "event", "events", "error", "errors",
    "warning", "warnings", "config", "configuration", "build", "builds", "ci", "infra",
    "infrastructure", "benchmark", "benchmarks", "benchmarking", "fuzzing", "debugging",
    "debugger", "guide", "guides", "tutorial", "tutorials", "chapter", "section",
    "sections", "page", "pages", "announcement", "announcements", "reminder", "reminders",
    "misc", "general", "others", "various", "everyone", "folks", "people", "members",
    "member", "chair", "chairs", "owner", "owners", "maintainer", "maintainers", "contributor",
    "contributors", "user", "users", "customer", "customers", "stakeholders", "vote", "votes",
    "election", "elections", "nomination", "nominations", "process", "processes", "policy",
    "policies", "rules", "rule", "template", "templates", "format", "formats", "file", "files",
    "data", "types", "type", "value", "values", "supported", "unsupported", "version",
    "versions", "versioning", "lts", "sig", "tsc", "wg", "cg", "subgroup", "working",
    "wasi", "wasm", "webassembly", "wasmtime", "cranelift", "winch", "pulley", "wamr", "jco",
    "starlingmonkey", "spidermonkey", "componentize", "rust", "go", "python", "javascript",
    "js", "java", "ruby", "lua", "zig", "swift", "kotlin", "linux", "windows", "macos", "github",
    "zulip", "zoom", "youtube", "google", "microsoft", "intel", "amazon", "fastly", "fermyon",
    "cosmonic", "arm", "x86", "aarch64", "riscv", "s390x", "llvm", "gcc", "node", "nodejs",
    "deno", "bun", "docker", "kubernetes", "oci", "http", "https", "www", "com", "org", "dev",
    "readme", "changelog", "faq", "mvp", "poc", "demo", "demos", "hackathon", "summit",
    "conference", "talk", "talks", "workshop", "kubecon", "wasmcon", "wasmio",
    "october", "november", "december", "january", "february", "march", "april", "june", "july",
    "august", "september", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "today", "tomorrow", "yesterday", "week", "weeks", "month", "months", "year",
    "years", "quarter", "q1", "q2", "q3", "q4", "phase", "stage", "milestone", "milestones",
    "deadline", "timeline", "schedule", "cadence", "agreed", "consensus", "resolved", "merged",
    "landed", "shipped", "blocked", "pending", "ongoing", "done", "todo",
    "wip", "tbd", "n/a", "none", "nothing", "something", "anything", "everything", "yes", "no",
    "maybe", "ok", "okay", "sure", "agree", "disagree", "recap", "overview", "introduction",
    "intro", "introductions", "welcome", "opening", "closing", "wrap", "wrapup", "adjournment",
    "break", "lunch", "dinner", "social", "travel", "logistics", "admin", "administrative",
    "easy", "hard", "benefit", "benefits", "advantage", "advantages", "disadvantage",
    "disadvantages", "remember", "thought", "thoughts", "minimums", "maximums", "administrivia",
    "qs", "sightglass", "mojo", "matrix", "log", "logs", "asia", "europe", "america", "americas",
    "africa", "australia", "china", "india", "japan", "germany", "emea", "apac", "north",
    "south", "east", "west", "central", "pacific", "atlantic", "morning", "evening",
    "afternoon", "night", "regarding", "tracking", "usage",
    # Imperatives that start action items ("Continue to review...", "Email to Group...").
    "continue", "need", "needs", "consider", "notice", "create", "add", "check", "investigate",
    "follow", "send", "write", "look", "ping", "prepare", "share", "reach",
    "document", "merge", "land", "publish", "email", "contact", "set", "move", "make", "finish",
    "start", "try", "discuss", "decide", "think", "keep", "get", "put", "use", "collect",
    "define", "present", "submit", "coordinate", "elevate", "construct", "identify", "translate",
    "clarify", "watch", "take", "bring", "remind", "confirm", "verify", "announce", "invite",
    "organize", "propose", "respond", "run", "ship", "fill",
}  # fmt: skip
# Endings of abstract nouns and participles ("Considerations", "Summarized") that names lack.
COMMON_SUFFIXES = (
    "tion", "tions", "sion", "sions", "ment", "ments", "ness", "ity", "ities", "ance", "ances",
    "ings", "ism", "isms", "ology", "ics", "ized", "ised", "ated", "ered", "ped", "ded", "ged",
    "ked", "lled", "ssed", "ted", "ies", "ship", "ture", "tures", "able", "ible", "ful", "less",
)  # fmt: skip
# "Dominik suggested...", "Ralph said...": someone's words reported, not the speaker above.
REPORTING_VERBS = {
    "suggested", "said", "says", "asked", "asks", "noted", "notes", "mentioned", "agreed", "agrees",
    "proposed", "proposes", "explained", "pointed", "reported", "thinks", "thought", "believes",
    "wants", "shared", "described", "presented", "expressed", "offered", "raised", "replied",
    "answered", "added", "clarified", "confirmed", "disagreed", "argued", "highlighted", "demoed",
}  # fmt: skip
# Upper-case words that read like initials ("CF:") but are abbreviations of things.
ACRONYMS = {
    "PR", "PRS", "CI", "CD", "API", "WIT", "JS", "TS", "CM", "AI", "IR", "OS", "UI", "UX", "QA",
    "ABI", "CLI", "SDK", "MVP", "TBD", "FYI", "ETA", "RFC", "FAQ", "GC", "JIT", "AOT", "LTS",
    "WG", "CG", "SIG", "TSC", "BA", "GH", "DX", "CVE", "OCI", "VM", "CPU", "GPU", "ISA", "SSA",
    "ISLE", "CLIF", "WASI", "WAT", "DSL", "LSP", "DAP", "GDB", "IDE", "MPL", "MIT", "CNCF",
    "W3C", "IO", "AWS", "GCP", "IBM", "NB", "PS", "RE", "TL", "DR", "ACK", "NACK", "OK", "EOD",
    "EOW", "WIP", "POC", "TODO", "FIXME", "NOTE", "FWIW", "IMO", "IMHO", "AFAIK", "TLDR", "US",
    "EU", "UK", "PT", "PST", "PDT", "EST", "EDT", "CET", "CEST", "UTC", "GMT", "AM", "PM", "Q",
    "A", "SM", "IDL", "SQL", "DB", "HTTP", "URL", "URI", "TLS", "SSL", "DNS", "MR", "RA2", "PCC",
    "MPK", "MTE", "SSE", "AVX", "BTI", "PAC", "CFI", "LLM", "NPU", "TPU", "ML", "NN", "P1", "P2",
    "P3", "V8", "JSC", "GA", "RC", "EOL", "SOW", "CLA", "DCO",
}  # fmt: skip
PARTICLES = {
    "de",
    "van",
    "von",
    "der",
    "den",
    "da",
    "di",
    "du",
    "del",
    "della",
    "la",
    "le",
    "bin",
    "al",
    "ter",
}
PLACEHOLDER_RE = re.compile(
    r"(?:todo|tbd|n/?a|none|nothing|\.\.\.|…|-+|_+|\?+|submit a pr to add .*|"
    r"add your (?:name|item|announcement) here.*|\(?none yet\)?|no updates?)",
    re.I,
)
METADATA_LABELS = re.compile(
    r"(?:time|place|location|where|zoom(?: link)?|meeting id|passcode|password|recording|video|"
    r"slides|calendar|chair|facilitator|host|nb|note|join|dial[- ]in|phone|timezone|time zone)",
    re.I,
)

RFC_RES = [
    re.compile(r"\bRFCs?[ \t]*(?:#|-|no\.?[ \t]*)?[ \t]*(\d{1,5})\b", re.I),
    re.compile(r"\brfcs#(\d{1,5})\b", re.I),
    re.compile(r"bytecodealliance/rfcs/(?:pull|issues)/(\d{1,5})\b", re.I),
]
DECISION_RE = re.compile(r"\bDR-(\d{1,5})\b")
URL_RE = re.compile(r"https?://[^\s<>\"'`]+", re.I)
URL_TRAILING = ".,;:!?'\"*_~"
EMOJI_RE = re.compile(r"(?<!\w):[a-z0-9_+\-]+:(?!\w)")
ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
# "Meeting notes: [Google Docs](https://...)", "Recording: https://...": where things are, not notes.
LINK_ONLY_RE = re.compile(r"^[\w /'’-]{1,40}:\s*(?:\[[^\]]*\]\(\S+?\)|<?https?://\S+?>?)\s*$")
CHECKBOX_RE = re.compile(r"^\[( |x|X)\]\s+")
TIME_RE = re.compile(r"^\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|^\d{1,2}:\d{2}\b", re.I)

ACTION_PREFIX_RE = re.compile(
    r"^(?:\*\*|__)?\s*(?:action[ \t]+items?|action|ai|todo|to-?do|follow[- ]?up)\b\s*"
    r"(?:\((?P<paren>[^)]{1,40})\))?\s*(?:\*\*|__)?\s*(?:[:\-–—]|\*\*|__)\s*(?:\*\*|__)?\s*(?P<rest>.*)$",
    re.I,
)
ACTION_BOLD_RE = re.compile(
    r"^(?:\*\*|__)(?:action(?:[ \t]+items?)?|ai|todo)(?:\*\*|__)\s+(?P<rest>.+)$", re.I
)
TODO_OWNER_RE = re.compile(r"\bTODO\((?P<owner>[^)]{1,40})\)\s*:?\s*(?P<rest>.*)$")
# "I'll file an issue", "so I will keep a set", "I'll be picking it up": the speaker commits.
COMMITMENT_RE = re.compile(
    r"^(?:(?:so|and|ok|okay|then|yes|yeah|sure)[,\s]+)?(?:i\s+will|i['’]ll|i\s+am\s+going\s+to|i['’]m\s+going\s+to)\s+"
    r"(?!(?:not|probably|likely|still|also|need|needs|have|depend|always|never|only|just|at|in|on|if|"
    r"when|then|for|with|from|by|as|say|note|admit|argue|guess|assume|bet|be\s+(?!\w+ing\b)\w+)\b)\w",
    re.I,
)
# "Nick: will add it", the subject left out; "will free up memory" is a consequence, not a promise.
BARE_COMMITMENT_RE = re.compile(
    r"^will\s+(?!(?:the|this|that|these|those|we|it|there|they|you|a|an|our|your|people|anyone|someone|"
    r"he|she|i|be|have|need|needs|not|probably|likely|still|also|soon|both|require|requires|become|"
    r"depend|always|never|only|just|eventually|now|free|make\s+it|help|allow|enable|break|cause|"
    r"mean|result|lead|give|get\s+(?:us|you))\b)\w",
    re.I,
)
OWNER_VERB_RE = re.compile(
    r"^(?P<owner>.{1,60}?)\s+(?:will|to|should|shall|must|needs? to|is going to|are going to|"
    r"plans? to|agreed to|offered to|volunteered to|is to)\s+\S",
)
TRAILING_OWNER_RE = re.compile(r"\((?P<owner>[^()]{1,40})\)\s*[.;]?\s*$")
DUE_RE = re.compile(
    r"\b(?:by|due(?:\s+(?:on|by))?|before|until|no later than)\s*:?\s+(?P<when>.{4,30})", re.I
)


# Public helpers ---------------------------------------------------------------------------------


def parse_meeting(
    text: str, *, path: str | None = None, default_date: datetime.date | None = None
) -> ParsedMeeting:
    """Read meeting notes; raise MeetingParseError only when there is nothing usable at all."""
    if not text or not text.strip("\ufeff \t\r\n"):
        raise MeetingParseError("The notes are empty: paste or upload the text of the meeting notes.")
    size = len(text.encode("utf-8", errors="replace"))
    limit = settings.MARKDOWN_MAX_BYTES
    if size > limit:
        raise MeetingParseError(
            f"The notes are {size // 1024} KB; the limit is {limit // 1024} KB. Split them into one file per meeting."
        )
    return _Reader(clean_text(text), path=path, default_date=default_date).read()


def _distinct_speakers(remarks: Iterable[ParsedRemark], attendees: Iterable[str] = ()) -> list[str]:
    seen: dict[str, str] = {}
    listed = {name_key(a) for a in attendees}
    for remark in remarks:
        if not remark.speaker:
            continue
        for name in people_in_label(remark.speaker, listed):
            seen.setdefault(name_key(name), name)
    return list(seen.values())


# Blocks from markdown-it ------------------------------------------------------------------------


@dataclass
class _Item:
    id: int
    parent: int | None
    depth: int
    line: int
    end: int
    has_sublist: bool = False
    head: _Block | None = None
    blocks: int = 0


@dataclass
class _Block:
    kind: str  # heading | para | code | table | html
    line: int  # 0-based first line
    end: int  # 0-based line after the block
    text: str = ""
    level: int = 0
    inline: Token | None = None
    item: int | None = None
    depth: int = -1
    first_in_item: bool = False
    quoted: bool = False
    rows: list[list[Token]] = field(default_factory=list)
    # Filled by the structure pass.
    section: str = ""
    topic: int | None = None
    head: str = ""  # "all" / "line": the paragraph / its first line is a topic title; "label": its bold label


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


def _blocks(text: str) -> tuple[list[_Block], dict[int, _Item]]:
    tokens = _markdown().parse(text)
    blocks: list[_Block] = []
    items: dict[int, _Item] = {}
    stack: list[int] = []
    quote = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "list_item_open":
            parent = stack[-1] if stack else None
            start, end = token.map or (0, 0)
            item = _Item(id=len(items), parent=parent, depth=len(stack), line=start, end=end)
            items[item.id] = item
            stack.append(item.id)
        elif kind == "list_item_close":
            stack.pop()
        elif kind in {"bullet_list_open", "ordered_list_open"} and stack:
            items[stack[-1]].has_sublist = True
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind in {"heading_open", "paragraph_open"}:
            inline = tokens[index + 1]
            start, end = token.map or (0, 0)
            block = _Block(
                kind="heading" if kind == "heading_open" else "para",
                line=start,
                end=end,
                text=inline.content,
                level=int(token.tag[1]) if kind == "heading_open" else 0,
                inline=inline,
                quoted=quote > 0,
            )
            _place(block, stack, items)
            blocks.append(block)
            index += 3
            continue
        elif kind in {"fence", "code_block", "html_block"}:
            start, end = token.map or (0, 0)
            block = _Block(
                kind="code" if kind != "html_block" else "html", line=start, end=end, quoted=quote > 0
            )
            _place(block, stack, items)
            blocks.append(block)
        elif kind == "table_open":
            start, end = token.map or (0, 0)
            rows: list[list[Token]] = []
            while index < len(tokens) and tokens[index].type != "table_close":
                if tokens[index].type == "tr_open":
                    rows.append([])
                elif tokens[index].type == "inline" and rows:
                    rows[-1].append(tokens[index])
                index += 1
            block = _Block(kind="table", line=start, end=end, rows=rows, quoted=quote > 0)
            _place(block, stack, items)
            blocks.append(block)
        index += 1
    return blocks, items


def _place(block: _Block, stack: list[int], items: dict[int, _Item]) -> None:
    if not stack:
        return
    item = items[stack[-1]]
    block.item = item.id
    block.depth = item.depth
    if item.blocks == 0 and block.kind == "para":
        block.first_in_item = True
        item.head = block
    item.blocks += 1


def _plain(inline: Token | None, first_line_only: bool = False) -> str:
    """The readable text of an inline token: link texts, code without backticks, no markup."""
    if inline is None:
        return ""
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in {"text", "code_inline"} or child.type == "image":
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            if first_line_only:
                break
            parts.append(" ")
    text = EMOJI_RE.sub("", "".join(parts))
    return re.sub(r"\s+", " ", text).strip()


def _unescape(text: str) -> str:
    return ESCAPE_RE.sub(r"\1", text)


# Labels -----------------------------------------------------------------------------------------

LABEL_BODY = r"[^:*_\[\]()`<>|#\n]{1,60}?"
BOLD_LABEL_RE = re.compile(
    rf"^(?:\*\*|__)\s*(?P<label>{LABEL_BODY})\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*(?P<rest>.*)$"
)
ITALIC_LABEL_RE = re.compile(rf"^[*_](?P<label>{LABEL_BODY})(?::[*_]|[*_]\s*:)\s*(?P<rest>.*)$")
BRACKET_LABEL_RE = re.compile(
    r"^\[(?P<label>[^\]\[\n]{1,60})\](?![(\[])\s*(?P<sep>:|-+|–|—)?\s*(?P<rest>.*)$"
)
PAREN_LABEL_RE = re.compile(r"^\((?P<label>[^()\n]{1,40})\)\s*(?P<sep>:|-+|–|—)?\s*(?P<rest>.*)$")
SAYS_LABEL_RE = re.compile(r"^(?P<label>[^:\n]{1,60}?)\s+says\s*:\s*(?P<rest>.*)$")
COLON_LABEL_RE = re.compile(r"^@?(?P<label>[^:*_\[\]()`<>|#\n]{1,60}?)\s*[:：]\s*(?P<rest>.*)$")
DASH_LABEL_RE = re.compile(
    r"^@?(?P<label>[^:*_\[\]()`<>|#\n\-–—]{1,40}?)(?:\s+[-–—]+|[-–—]+\s)\s*(?P<rest>.*)$"
)
LABEL_FORMS = (
    ("bold", BOLD_LABEL_RE),
    ("italic", ITALIC_LABEL_RE),
    ("bracket", BRACKET_LABEL_RE),
    ("paren", PAREN_LABEL_RE),
    ("says", SAYS_LABEL_RE),
    ("colon", COLON_LABEL_RE),
    ("dash", DASH_LABEL_RE),
)


@dataclass(frozen=True)
class _Label:
    label: str
    rest: str
    form: str  # bold | italic | bracket | paren | says | colon | dash
    sep: str = ""


@lru_cache(maxsize=32768)
def _split_label(line: str) -> _Label | None:
    """The speaker-like label a line starts with, if its shape allows one (not yet accepted)."""
    text = _unescape(line.strip())
    for form, regex in LABEL_FORMS:
        match = regex.match(text)
        if not match:
            continue
        label = match["label"].strip().strip(",").strip()
        rest = match["rest"].strip()
        sep = (match.groupdict().get("sep") or "").strip()
        if not label:
            return None
        if form == "colon" and (rest.startswith("//") or (label[-1].isdigit() and rest[:1].isdigit())):
            return None
        if form == "bracket" and label.lower() in {"x", " "}:
            return None
        if form == "paren" and not rest:
            return None
        return _Label(label, rest, form, sep)
    return None


def _token_kind(token: str) -> str | None:
    if re.fullmatch(r"[A-Z]\.?", token):
        return "initial"
    if token.lower() in PARTICLES:
        return "particle"
    if re.fullmatch(r"[A-Z0-9]{2,3}", token) and re.search(r"[A-Z]", token):
        return "initials"
    if re.fullmatch(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", token) and token[0].isupper():
        if re.search(r"[a-z][A-Z]", token) and not re.match(r"(?:Mc|Mac|De|Di|La|Le|Van|Von|O['’])", token):
            return None
        if token.isupper() and len(token) > 3:
            return None
        return "cap"
    if re.fullmatch(r"[a-z][a-z0-9_\-]*[a-z0-9]", token):
        return "handle"
    return None


@lru_cache(maxsize=32768)
def _label_shape(label: str) -> str | None:
    """single | handle | initials | multi | last_first | list, or None when it cannot be a name."""
    label = label.strip().lstrip("@")
    if not label or len(label) > 40 or re.search(r"[\[\]()*_`<>|#=+{}\"“”!?;]|://|\d{1,2}:\d\d", label):
        return None
    if re.search(r"/|&|\band\b", label):
        parts = split_names(label)
        ok = len(parts) > 1 and all(_label_shape(p) in {"single", "handle", "multi"} for p in parts)
        return "list" if ok else None
    if "," in label:
        parts = [p.strip() for p in label.split(",") if p.strip()]
        if len(parts) == 2 and all(_token_kind(p) == "cap" for p in parts):
            return "last_first"
        ok = len(parts) > 1 and all(_label_shape(p) in {"single", "handle", "multi"} for p in parts)
        return "list" if ok else None
    tokens = label.split()
    if len(tokens) > 4:
        return None
    kinds = [_token_kind(t) for t in tokens]
    if None in kinds:
        return None
    if len(tokens) == 1:
        return {"cap": "single", "handle": "handle", "initials": "initials"}.get(kinds[0] or "")
    if kinds[0] != "cap" or "handle" in kinds or kinds.count("initials") > 1 or kinds[-1] == "particle":
        return None
    return "multi"


@lru_cache(maxsize=32768)
def _is_stop(label: str) -> bool:
    key = label.strip().lower().rstrip(".")
    if key in STOP_LABELS or TIME_RE.match(key):
        return True
    return key.split()[0] in {"the", "this", "that", "we", "i", "it", "if", "our", "my", "a", "an", "re"}


@lru_cache(maxsize=32768)
def _has_common_word(label: str) -> bool:
    return any(_common(w.lower().strip(".")) for w in re.split(r"[\s,/&]+", label) if w)


def _wordlike_handle(handle: str) -> bool:
    """`refactoring`, `eventually`, `componentize-py`: words and project names, not people."""
    word = handle.lower()
    if any(part in {"isle", "veri", "wasi", "wasm"} for part in word.split("-")):
        return True
    return word.endswith(
        ("ing", "ly", "ed", "er", "ers", "es", "-py", "-js", "-rs", "-go", "-sys", "-cli")
    ) or (
        word
        in {
            "case",
            "commit",
            "regalloc",
            "memfd",
            "epochs",
            "anyhow",
            "namespacing",
            "refine",
            "isle",
            "veri",
        }
    )


def _common(word: str) -> bool:
    return (
        word in COMMON_WORDS
        or word.upper() in ACRONYMS
        or (len(word) >= 6 and word.endswith(COMMON_SUFFIXES))
    )


# The reader -------------------------------------------------------------------------------------


# A topic started by a line (`Updates:`, `**White paper discussion**`) ranks below every heading.
LINE_TOPIC_LEVEL = 7


@dataclass
class _TopicDraft:
    title: str
    line: int
    kind: str  # heading | pseudo | bullet | default
    start: int = 0
    end: int | None = None
    item: int | None = None
    ranges: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class _State:
    """Where the structure pass is: the section, the open topics, the container's title."""

    section: str = "preamble"
    pseudo: bool = False
    container_title: str = "Notes"
    default: int | None = None
    heading_topic: int | None = None
    topic_level: int = 0
    sub_section: str | None = None
    bullet: int | None = None


class _Reader:
    def __init__(self, text: str, *, path: str | None, default_date: datetime.date | None) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.path = path
        self.default_date = default_date
        self.blocks, self.items = _blocks(text)
        self.warnings: list[str] = []
        self.title = ""
        self.drafts: list[_TopicDraft] = []
        self.agenda_ranges: list[tuple[int, int]] = []
        self.names: list[tuple[str, list[str]]] = []
        self.attendees: list[str] = []
        self.attendee_aliases: dict[str, list[str]] = {}
        self.field_date: str | None = None
        self.item_role: dict[int, str] = {}
        self.accepted: set[str] = set()
        self.known: dict[str, str] = {}
        self.counts: Counter[str] = Counter()
        self._handle_notes = False

    def read(self) -> ParsedMeeting:
        self._roles()
        self._structure()
        self._settle_attendees()
        self._decide_labels()
        self._promote_agenda_items()
        topics, loose_items = self._content()
        date, text_date = self._date()
        action_items = sorted(
            [*loose_items, *(i for t in topics for i in t.action_items)], key=lambda i: i.line
        )
        for item in action_items:
            item.due = item.due or _due_date(item.text, date)
        rfcs, decisions = _mentions_in([_block_text(b) for b in self.blocks])
        parsed = ParsedMeeting(
            title=self.title[:300],
            date=date,
            attendees=self.attendees,
            agenda="\n\n".join(_dedent(self.lines[s:e]) for s, e in self.agenda_ranges).strip("\n"),
            topics=topics,
            action_items=action_items,
            links=_distinct_links(link for b in self.blocks for link in _block_links(b)),
            rfc_mentions=rfcs,
            decision_mentions=decisions,
            warnings=self.warnings,
            attendee_aliases=self.attendee_aliases,
            text_date=text_date,
        )
        parsed.aliases = self._aliases(parsed)
        if not self.title:
            self.warnings.append("No title found: the meeting is named after its series and date.")
        if not topics:
            self.warnings.append("No topics found: the notes are kept as one text.")
        return parsed

    # Pass 0: list items that introduce action items or attendees ("* Action Items:") ---------

    def _roles(self) -> None:
        for item in self.items.values():
            if item.head is None or not item.has_sublist:
                continue
            label = _strip_markup(item.head.text.split("\n", 1)[0]).rstrip(": ").strip()
            for role in ("actions", "attendees"):
                if label and SECTION_RES[role].fullmatch(label):
                    self.item_role[item.id] = role

    def _role(self, block: _Block) -> tuple[str | None, int | None]:
        """The role a block inherits from an enclosing item, and that item."""
        item_id = block.item
        if item_id is not None and block.first_in_item:
            item_id = self.items[item_id].parent
        while item_id is not None:
            if item_id in self.item_role:
                return self.item_role[item_id], item_id
            item_id = self.items[item_id].parent
        return None, None

    def _root(self, block: _Block) -> int | None:
        item_id = block.item
        while item_id is not None and self.items[item_id].parent is not None:
            item_id = self.items[item_id].parent
        return item_id

    # Pass 1: title, sections, topics, attendees ----------------------------------------------

    def _structure(self) -> None:
        state = _State()
        title_level = 0
        seen_heading = False
        previous: _Block | None = None
        for block in self.blocks:
            if block.kind == "heading":
                text = re.sub(r"^[-*+]\s+", "", _plain(block.inline))
                kind = _section_kind(text)
                if not seen_heading and block.level <= 2 and kind in {None, "container"}:
                    self.title, title_level, block.section = text, block.level, "title"
                elif self._is_subtitle(block, previous, text, kind, title_level):
                    self.title = f"{self.title} — {text}"
                    block.section = "title"
                else:
                    self._heading(block, text, kind, state)
                seen_heading = True
                previous = block
                continue
            previous = block
            if (
                block.kind == "code"
                and block.item is None
                and state.section not in {"topic", "preamble", "container"}
            ):
                block.section = state.section if state.section == "agenda" else "skip"
                if state.section == "agenda":
                    self.agenda_ranges.append((block.line, block.end))
                continue
            if block.kind == "table" and self._table_attendees(block):
                block.section = "meta"
                continue
            pseudo = self._pseudo_heading(block)
            if pseudo is not None:
                self._pseudo(block, pseudo, state)
                continue
            bold = (
                self._bold_heading(block)
                if state.section == "container"
                or (state.section == "topic" and state.topic_level == LINE_TOPIC_LEVEL)
                else None
            )
            if bold is not None:
                if state.heading_topic is not None:
                    self.drafts[state.heading_topic].end = block.line
                state.heading_topic = self._new_topic(bold, block.line, "pseudo", block.line)
                state.topic_level, state.section, state.bullet = LINE_TOPIC_LEVEL, "topic", None
                block.section, block.topic = "topic", state.heading_topic
                block.head = "line" if "\n" in block.text.strip() else "all"
                continue
            if block.kind == "para" and block.item is None and self._metadata(block, state.section):
                block.section = "meta"
                continue
            self._place_content(block, state)
        if state.heading_topic is not None:
            self.drafts[state.heading_topic].end = len(self.lines)

    def _is_subtitle(
        self, block: _Block, previous: _Block | None, text: str, kind: str | None, level: int
    ) -> bool:
        """`## Bytecode Alliance Technical Steering Committee` right under `# Meeting Minutes`."""
        return bool(
            previous is not None
            and previous.section == "title"
            and block.level > level
            and kind is None
            and (SUBTITLE_RE.search(text) or first_date(text, 2000)[0])
        )

    def _heading(self, block: _Block, text: str, kind: str | None, state: _State) -> None:
        state.bullet = None
        state.pseudo = False
        block.section = "heading"
        if state.heading_topic is not None and block.level > state.topic_level:
            # A sub-heading stays in its topic; "#### Action items" there are the topic's.
            state.sub_section = kind if kind in {"actions", "attendees", "links", "skip"} else None
            block.topic = state.heading_topic
            return
        if state.heading_topic is not None:
            self.drafts[state.heading_topic].end = block.line
        state.heading_topic, state.sub_section = None, None
        if kind is None:
            state.heading_topic = self._new_topic(text or "Untitled topic", block.line, "heading", block.end)
            state.topic_level, state.section = block.level, "topic"
        elif kind == "container":
            state.section, state.container_title, state.default = "container", text, None
        else:
            state.section = kind

    def _pseudo(self, block: _Block, pseudo: tuple[str, str], state: _State) -> None:
        """A line such as `Agenda:` or `Action Items:` alone in its paragraph acts as a heading."""
        kind, text = pseudo
        block.section = "heading"
        if state.section == "topic" and state.topic_level != LINE_TOPIC_LEVEL:
            if kind in {"actions", "attendees", "links"}:
                state.sub_section = kind
                block.topic = state.heading_topic
            else:
                block.section, block.topic = "topic", state.heading_topic
            return
        state.bullet = None
        state.pseudo = kind != "topic"
        if state.heading_topic is not None:
            self.drafts[state.heading_topic].end = block.line
            state.heading_topic = None
        if kind == "container":
            state.section, state.container_title, state.default = "container", text, None
        elif kind == "topic":
            state.heading_topic = self._new_topic(text, block.line, "pseudo", block.end)
            state.topic_level, state.section = LINE_TOPIC_LEVEL, "topic"
        else:
            state.section = kind

    def _place_content(self, block: _Block, state: _State) -> None:
        section = state.section
        if section == "topic":
            block.section = state.sub_section or "topic"
            block.topic = state.heading_topic
            if block.section == "attendees":
                self._collect_names(block)
            return
        if section == "attendees":
            if block.kind == "para" and block.item is None and state.pseudo and not _looks_like_names(block):
                state.section = section = "container"
            else:
                block.section = "attendees"
                self._collect_names(block)
                return
        if section in {"actions", "links", "skip"}:
            block.section = section
            return
        root = self._root(block)
        role, _ = self._role(block)
        if role in {"actions", "attendees"} or (root is not None and self.item_role.get(root) == "actions"):
            block.section = role or "actions"  # "* Action Items" over its items, outside any topic
            return
        if section == "agenda":
            if root is not None and (self._in_bullet(state, root) or self._agenda_topic(root)):
                self._bullet_topic(block, root, state)
                return
            block.section = "agenda"
            self.agenda_ranges.append((block.line, block.end))
            return
        if section == "preamble" and self._boilerplate(block):
            block.section = "skip"
            return
        if root is not None and (self._in_bullet(state, root) or self._container_topic(root)):
            self._bullet_topic(block, root, state)
            return
        if state.default is None:
            title = state.container_title if section == "container" else "Notes"
            state.default = self._new_topic(title or "Notes", block.line, "default", block.line)
        block.section, block.topic = "topic", state.default
        self.drafts[state.default].ranges.append((block.line, block.end))

    def _in_bullet(self, state: _State, root: int) -> bool:
        return state.bullet is not None and self.drafts[state.bullet].item == root

    def _new_topic(self, title: str, line: int, kind: str, start: int) -> int:
        self.drafts.append(
            _TopicDraft(title=title[:300] or "Untitled topic", line=line, kind=kind, start=start)
        )
        return len(self.drafts) - 1

    def _bullet_topic(self, block: _Block, root: int, state: _State) -> None:
        if not self._in_bullet(state, root):
            item = self.items[root]
            head = item.head
            start = (head.line + 1) if head else item.line
            state.bullet = self._new_topic(_topic_title(head), item.line, "bullet", start)
            self.drafts[state.bullet].item = root
            self.drafts[state.bullet].end = item.end
        if block.item == root and block.first_in_item:
            block.head = _head_mode(block)
        block.section, block.topic = "topic", state.bullet

    def _container_topic(self, root: int) -> bool:
        """A top-level bullet heading sub-bullets, not itself a remark, is a topic; so is `[Name] - Topic`."""
        item = self.items[root]
        if item.head is None or root in self.item_role:
            return False
        first = CHECKBOX_RE.sub("", item.head.text.split("\n", 1)[0].strip())
        label = _split_label(first)
        if label and label.form == "bold" and label.rest and not _speaker_like(label.label):
            return len(label.label.split()) <= 8  # "* **Promoting documentation:** We now have..."
        if label and label.form in {"bracket", "paren"} and label.rest and _label_shape(label.label):
            return item.has_sublist or (label.form == "bracket" and label.sep[:1] in {"-", "–", "—"})
        if not item.has_sublist or CHECKBOX_RE.match(item.head.text.strip()):
            return False
        if ACTION_PREFIX_RE.match(_unescape(first)) or PLACEHOLDER_RE.fullmatch(_strip_markup(first)):
            return False
        return not (label and label.form != "dash" and _speaker_like(label.label))

    def _agenda_topic(self, root: int) -> bool:
        """`- [Taylor] wkg.toml` with sub-bullets under an agenda is a topic at once."""
        item = self.items[root]
        return bool(
            item.head
            and item.has_sublist
            and re.match(r"^\[[^\]]+\]\s*\S", _unescape(item.head.text.strip()))
        )

    def _promote_agenda_items(self) -> None:
        """An agenda item becomes a topic when the discussion was written under it, by speakers."""
        roots: dict[int, list[_Block]] = {}
        for block in self.blocks:
            root = self._root(block)
            if block.section == "agenda" and root is not None and self.items[root].has_sublist:
                roots.setdefault(root, []).append(block)
        for root, blocks in roots.items():
            spoken = any(
                (label := self._speaker(line)) is not None and label.rest
                for block in blocks
                if block.kind == "para" and not (block.item == root and block.first_in_item)
                for line in block.text.split("\n")
            )
            item = self.items[root]
            if not spoken or TEMPLATE_ITEM_RE.fullmatch(
                _strip_markup(item.head.text if item.head else "").rstrip(": ")
            ):
                continue
            draft = self._new_topic(
                _topic_title(item.head), item.line, "bullet", (item.head.line + 1) if item.head else item.line
            )
            self.drafts[draft].item, self.drafts[draft].end = root, item.end
            for block in blocks:
                block.section, block.topic = "topic", draft
                if block.item == root and block.first_in_item:
                    block.head = _head_mode(block)
        order = sorted(range(len(self.drafts)), key=lambda i: (self.drafts[i].line, i))
        new_index = {old: new for new, old in enumerate(order)}
        self.drafts = [self.drafts[i] for i in order]
        for block in self.blocks:
            if block.topic is not None:
                block.topic = new_index[block.topic]

    def _bold_heading(self, block: _Block) -> str | None:
        """`**White paper discussion**` on a line of its own starts a topic."""
        if block.kind != "para" or block.item is not None or block.quoted:
            return None
        match = re.fullmatch(r"(\*\*|__)([^*_\n]{2,80}?)\1\s*:?\s*", block.text.split("\n", 1)[0].strip())
        if not match or len(match[2].split()) > 8 or _speaker_like(match[2].rstrip(": ")):
            return None
        text = _strip_markup(match[2]).rstrip(": ").strip()
        return text if text and not _section_kind(text) else None

    def _pseudo_heading(self, block: _Block) -> tuple[str, str] | None:
        if block.kind != "para" or block.item is not None or block.quoted or "\n" in block.text.strip():
            return None
        text = _strip_markup(block.text)
        bare = text.rstrip(":").strip()
        if len(bare.split()) > 5 or not bare:
            return None
        if not text.endswith(":") and bare.lower() not in {
            "notes",
            "minutes",
            "agenda",
            "attendees",
            "action items",
        }:
            return None
        key = bare.lower()
        if key == "agenda":
            return "agenda", bare
        for kind in ("attendees", "actions", "links", "container"):
            if SECTION_RES[kind].fullmatch(bare) and key not in {
                "summary",
                "discussion",
                "action",
                "present",
            }:
                return kind, bare
        if key in PSEUDO_TOPICS:
            return "topic", bare
        return None

    def _boilerplate(self, block: _Block) -> bool:
        """Preamble lines about the meeting, not from it: how to join, the time, "Canceled"."""
        if block.kind != "para" or block.item is not None:
            return False
        raw = block.text.strip()
        text = _strip_markup(raw)
        first = text.split("\n", 1)[0]
        lowered = text.lower()
        if "instructions" in lowered and "attend" in lowered:
            return True
        if "\n" not in raw and re.fullmatch(r"(\*\*|__|\*|_).*\1", raw):
            return True
        if TIME_RE.match(first) or re.match(r"(?i)^(?:canceled|cancelled)\b", first):
            return True
        return bool(
            re.match(r"(?i)^(?:join (?:on|the|zoom|meeting|us)|download teams|click here to join)", first)
        )

    def _metadata(self, block: _Block, section: str) -> bool:
        """Date, time, place, attendee and note-taker lines; True when the paragraph was only that."""
        lines = block.text.split("\n")
        collecting = False
        consumed = 0
        for raw in lines:
            line = _strip_markup(raw)
            if not line:
                consumed += 1
                continue
            date = re.match(r"(?i)^(?:date|when)\s*:\s*(.+)$", line)
            if date:
                self.field_date = self.field_date or date[1]
                consumed += 1
                continue
            rest = _attendee_label(line)
            if rest is not None:
                self._add_names(rest, table=True)
                collecting = True
                consumed += 1
                continue
            taker = re.match(
                r"(?i)^(?:note[- ]?takers?|notes(?: by)?|scribe|minutes(?: by)?)\s*:\s*(.+)$", line
            )
            if taker and section == "preamble" and _names_in(taker[1], table=True):
                self._add_names(taker[1], table=True)
                consumed += 1
                continue
            if section == "preamble" and (_metadata_line(line) or LINK_ONLY_RE.match(line)):
                consumed += 1
                continue
            if collecting and _names_in(line, table=False):
                self._add_names(line, table=False)
                consumed += 1
                continue
            collecting = False
        return consumed == len(lines)

    def _table_attendees(self, block: _Block) -> bool:
        cells = [[_plain(cell) for cell in row] for row in block.rows]
        found = False
        for row in cells:
            if len(row) >= 2 and re.fullmatch(
                r"(?i)attend(?:ing|ees?)|present|participants|note ?takers?", row[0].strip()
            ):
                self._add_names(row[1], table=True)
                found = True
        if (
            cells
            and len(cells[0]) == 1
            and re.fullmatch(r"(?i)attendees?|names?|participants", cells[0][0].strip())
        ):
            for row in cells[1:]:
                if row and row[0].strip():
                    self._add_names(row[0], table=False)
            found = True
        return found

    def _collect_names(self, block: _Block) -> None:
        if block.kind == "table":
            for row in block.rows[1:] if len(block.rows) > 1 else block.rows:
                if row:
                    self._add_names(_plain(row[0]), table=False)
            return
        if block.kind != "para":
            return
        for index, line in enumerate(block.text.split("\n")):
            if index == 0 and block.first_in_item and block.item in self.item_role:
                continue
            self._add_names(_strip_markup(line), table=False)

    def _add_names(self, text: str, *, table: bool) -> None:
        self.names.extend(_names_in(text, table=table))

    def _settle_attendees(self) -> None:
        for block in self.blocks:
            role, _ = self._role(block)
            if role == "attendees" and block.kind == "para":
                self._collect_names(block)
                block.section = "meta"
        pairs = [n for n, _ in self.names if re.fullmatch(r"[^,\s]+,\s*[^,\s]+", n)]
        if len(pairs) < 2:  # "Kailas, Intel" is a name and a company; "Brown, Andrew" twice is a convention
            self.names = [(n.split(",")[0].strip() if n in pairs else n, a) for n, a in self.names]
        self.attendees = _dedupe_names(self.names, self.attendee_aliases)

    # Pass 3: which labels are speakers -------------------------------------------------------

    def _decide_labels(self) -> None:
        firsts: Counter[str] = Counter()
        for name in self.attendees:
            tokens = [t for t in re.split(r"[\s,]+", name) if t]
            if len(tokens) >= 2:
                firsts[name_key(tokens[-1] if "," in name else tokens[0])] += 1
        for name in self.attendees:
            for key in name_variants(name):
                self.known.setdefault(key, name)
            for alias in self.attendee_aliases.get(name, []):
                self.known.setdefault(name_key(alias), name)
            tokens = [t for t in re.split(r"[\s,]+", name) if t]
            if len(tokens) < 2:
                continue
            first = tokens[-1] if "," in name else tokens[0]
            last = tokens[0] if "," in name else tokens[-1]
            if firsts[name_key(first)] == 1:
                self.known.setdefault(name_key(first), name)
                self.known.setdefault(name_key(f"{first} {last[0]}"), name)
                initials = "".join(
                    t[0] for t in ([first, last] if "," in name else tokens) if t[:1].isalpha()
                )
                if len(initials) >= 2:
                    self.known.setdefault(name_key(initials), name)
        lines = self._content_lines()
        for line in lines:
            label = _split_label(line)
            if label and _label_shape(label.label):
                self.counts[name_key(label.label)] += 1
        handles = [
            key
            for key, count in self.counts.items()
            if count >= 2
            and _label_shape(key) == "handle"
            and not _is_stop(key)
            and not _has_common_word(key)
        ]
        self._handle_notes = len(handles) >= 2
        for forms in ({"bold", "italic", "bracket", "says", "colon"}, {"paren", "dash"}):
            for line in lines:
                label = _split_label(line)
                if label and label.form in forms and self._accept(label):
                    self.accepted.add(name_key(label.label))

    def _content_lines(self) -> list[str]:
        found = []
        for block in self.blocks:
            if block.kind == "para" and not block.quoted and block.section in {"topic", "actions", "agenda"}:
                for index, line in enumerate(block.text.split("\n")):
                    found.append(CHECKBOX_RE.sub("", line.strip()) if index == 0 else line)
        return found

    def _accept(self, label: _Label) -> bool:
        name = label.label.strip()
        shape = _label_shape(name)
        if shape is None or _is_stop(name):
            return False
        key = name_key(name)
        if label.form in {"paren", "dash"}:
            parts = split_names(name) if shape == "list" else [name]
            return all(name_key(p) in self.known or name_key(p) in self.accepted for p in parts)
        if key in self.known:
            return True
        repeated = self.counts[key] >= 2
        if not label.rest and not repeated and shape != "single":
            return False  # "gc-stuff:" over sub-bullets is a label; "Nick:" twice or "Nick:" is a speaker
        if shape == "single":
            return not _has_common_word(name)
        if shape == "handle":
            # "jlbirch:" once is a speaker where the notes name people by handle throughout.
            single_ok = self._handle_notes and not _wordlike_handle(name)
            return (repeated or single_ok) and not _has_common_word(name)
        if shape == "initials":
            return name.upper() not in ACRONYMS and (repeated or name.isupper())
        if shape == "multi":
            return not _has_common_word(name) and (len(name.split()) == 2 or repeated)
        return all(  # a list of names: "Karen/David", "Emily, Dan", "Robin, Bailey"
            name_key(p) in self.known
            or name_key(p) in self.accepted
            or (_label_shape(p) == "single" and not _has_common_word(p))
            or (_label_shape(p) == "handle" and self.counts[name_key(p)] >= 2)
            for p in split_names(name)
        )

    def _speaker(self, line: str) -> _Label | None:
        label = _split_label(line)
        if label and name_key(label.label) in self.accepted:
            return label
        return None

    # Pass 4: remarks and action items --------------------------------------------------------

    def _content(self) -> tuple[list[ParsedTopic], list[ParsedActionItem]]:
        topics = [ParsedTopic(title=d.title, line=d.line + 1, attendees=self.attendees) for d in self.drafts]
        loose: list[ParsedActionItem] = []
        item_speaker: dict[int, str | None] = {}
        loose_speaker: str | None = None
        action_owner: str | None = None
        for block in self.blocks:
            if block.kind != "para" or block.quoted:
                if block.kind == "heading":
                    loose_speaker = action_owner = None
                continue
            role, role_item = self._role(block)
            topic = topics[block.topic] if block.topic is not None else None
            if block.first_in_item and block.item in self.item_role:
                continue
            if block.section == "actions" or role == "actions":
                if block.item is None:
                    label = _split_label(block.text.strip()) if "\n" not in block.text.strip() else None
                    alone = label and not label.rest and label.form in {"colon", "bold"}
                    action_owner = (
                        label.label if alone and self._owner_name(label.label, strict=False) else None
                    )
                    if action_owner:
                        continue
                sink = topic.action_items if topic is not None else loose
                sink.extend(
                    self._action_block(block, role_item, action_owner if block.item is not None else None)
                )
                continue
            alone = block.item is None and self._is_speaker_alone(block)
            if block.item is None and not alone:
                loose_speaker = None
            if block.section != "topic" or topic is None:
                continue
            inherited = self._inherited(block, item_speaker) or loose_speaker
            speaker = self._remarks(block, topic, inherited, item_speaker)
            if alone:
                loose_speaker = speaker
        by_topic: dict[int, list[_Block]] = {}
        for block in self.blocks:
            if block.topic is not None:
                by_topic.setdefault(block.topic, []).append(block)
        kept = []
        for index, (draft, topic) in enumerate(zip(self.drafts, topics, strict=True)):
            topic.body = self._body(draft)
            topic.end_line = (
                draft.end if draft.end is not None else max((e for _, e in draft.ranges), default=draft.line)
            )
            blocks = by_topic.get(index, [])
            topic.links = _distinct_links(link for b in blocks for link in _block_links(b))
            topic.rfc_mentions, topic.decision_mentions = _mentions_in([_block_text(b) for b in blocks])
            explicit_empty = draft.kind != "default" and not topic.body.strip()
            if topic.remarks or topic.action_items or _meaningful(topic.body) or explicit_empty:
                kept.append(topic)
        return kept, loose

    def _inherited(self, block: _Block, item_speaker: dict[int, str | None]) -> str | None:
        item_id = block.item
        if item_id is not None and block.first_in_item:
            item_id = self.items[item_id].parent
        while item_id is not None:
            if item_speaker.get(item_id):
                return item_speaker[item_id]
            item_id = self.items[item_id].parent
        return None

    def _is_speaker_alone(self, block: _Block) -> bool:
        lines = [line for line in block.text.split("\n") if line.strip()]
        label = self._speaker(lines[-1]) if lines else None
        return bool(label and not label.rest)

    def _remarks(
        self, block: _Block, topic: ParsedTopic, inherited: str | None, item_speaker: dict[int, str | None]
    ) -> str | None:
        """Add the remarks and commitments of one paragraph; return the speaker it ends with."""
        depth = max(block.depth, 0)
        current: ParsedRemark | None = None
        action: ParsedActionItem | None = None
        speaker = inherited
        head_speaker: str | None = None
        head_other = False
        made: list[ParsedRemark] = []
        for index, raw in enumerate(block.text.split("\n")):
            number = block.line + index + 1
            line = raw.strip()
            if line.endswith("\\"):
                line = line[:-1].rstrip()
            task = None
            if index == 0 and block.first_in_item and (box := CHECKBOX_RE.match(line)):
                task, line = box[1].lower() == "x", line[box.end() :]
            if block.head == "label" and index == 0:
                line = (_split_label(line) or _Label("", line, "")).rest
            elif block.head and (index == 0 or block.head == "all"):
                head_speaker = head_speaker or (self._presenter(line) if index == 0 else None)
                continue
            if not line or line.startswith("|"):
                continue
            found = self._action_line(line, number, task)
            if found is not None:
                if found.text:
                    topic.action_items.append(found)
                action, current = found, None
                continue
            label = self._speaker(line)
            if label is not None:
                speaker = label.label
                if index == 0:
                    head_speaker = head_speaker or speaker
                current, action = (
                    ParsedRemark(speaker=speaker, text=label.rest, depth=depth, line=number),
                    None,
                )
                made.append(current)
            elif action is not None and action.text:
                action.text = f"{action.text} {line}"
            elif current is not None:
                current.text = f"{current.text}\n{line}" if current.text else line
            elif not PLACEHOLDER_RE.fullmatch(_strip_markup(line)):
                if speaker and self._names_someone(line):
                    # "Dominik suggested..." under "Marcin: ..." is not Marcin speaking.
                    speaker, head_other = None, head_other or index == 0
                current = ParsedRemark(speaker=speaker, text=line, depth=depth, line=number)
                made.append(current)
        for remark in made:
            if remark.text.strip():
                topic.remarks.append(remark)
                self._commitment(remark, topic)
        if block.item is not None and block.first_in_item:
            item_speaker[block.item] = head_speaker or (None if head_other else inherited)
        return speaker

    def _names_someone(self, line: str) -> bool:
        """A line that starts with a person's name: reported speech, not the speaker above it."""
        first = re.match(r"@?([\w'’\-]+)(?:\s+(\w+))?", _strip_markup(line))
        if not first:
            return False
        key = name_key(first[1])
        if key in {"i", "we"}:
            return False
        reported = first[2] is not None and first[2].lower() in REPORTING_VERBS
        return (
            key in self.known
            or key in self.accepted
            or (reported and first[1][:1].isupper() and not _common(key))
        )

    def _presenter(self, line: str) -> str | None:
        """`[Danny] - Dogfood storage` or `(cf) regalloc2`: who brought the topic, if a speaker."""
        label = _split_label(line)
        if label and label.form in {"bracket", "paren"} and name_key(label.label) in self.accepted:
            return label.label
        return None

    def _commitment(self, remark: ParsedRemark, topic: ParsedTopic) -> None:
        """`Alex: I'll file an issue` and `Nick: will add it` are commitments: action items."""
        first = remark.text.split("\n", 1)[0].strip()
        sentence = re.split(r"(?<=[.!?])\s", " ".join(remark.text.split()), maxsplit=1)[0]
        plain = _strip_markup(first)
        committed = COMMITMENT_RE.match(plain) or BARE_COMMITMENT_RE.match(plain)
        if remark.speaker and committed and not sentence.rstrip().endswith("?"):
            topic.action_items.append(
                ParsedActionItem(owner=remark.speaker, text=sentence.strip(), line=remark.line)
            )

    def _action_line(self, line: str, number: int, task: bool | None) -> ParsedActionItem | None:
        """An explicit action item: a task-list box, `AI:`, `Action:`, `**Action**:`, `TODO(name)`."""
        text = _unescape(line)
        owner: str | None = None
        match = ACTION_BOLD_RE.match(text) or ACTION_PREFIX_RE.match(text)
        todo = TODO_OWNER_RE.match(text)
        if todo and text.startswith("TODO("):
            owner, rest = todo["owner"].strip(), todo["rest"].strip()
        elif match and (task is not None or not re.match(r"(?i)^todo\s*$", text)):
            rest = match["rest"].strip()
            paren = match.groupdict().get("paren")
            if paren and _label_shape(paren):
                owner = paren.strip()
        elif task is not None:
            rest = text
        else:
            return None
        if PLACEHOLDER_RE.fullmatch(_strip_markup(rest)):
            return ParsedActionItem(owner=None, text="", line=number)
        if owner is None:
            owner, rest = self._owner(rest)
        return ParsedActionItem(owner=owner, text=rest, done=bool(task), line=number)

    def _owner(self, text: str) -> tuple[str | None, str]:
        """Who an action item is for: `Name: task`, `Name - task`, `Name will/to ...`, `... (Name)`."""
        label = _split_label(text)
        strict = (
            label is not None
            and label.form == "paren"
            and _label_shape(label.label) in {"handle", "initials"}
        )
        if label and label.rest and self._owner_name(label.label, strict=strict):
            return label.label, label.rest
        plain = _strip_markup(text)
        verb = OWNER_VERB_RE.match(plain)
        subject = re.sub(r"\s*\([^)]*\)\s*$", "", verb["owner"].strip().lstrip("@")).strip() if verb else ""
        if subject and self._owner_name(subject, strict=True):
            return subject, text
        trailing = TRAILING_OWNER_RE.search(plain)
        if trailing and self._owner_name(trailing["owner"].strip(), strict=False):
            return trailing["owner"].strip(), text
        if subject and self._owner_name(subject, strict=False):
            return subject, text
        for match in re.finditer(r"\(([^()]{1,40})\)", plain):
            if self._owner_name(match[1].strip(), strict=True):
                return match[1].strip(), text  # "... (Chris) Markdown on GitHub"
        return None, text

    def _owner_name(self, name: str, *, strict: bool) -> bool:
        """A label that names people: known from these notes, or (not strict) shaped like a name."""
        shape = _label_shape(name)
        if not shape or _is_stop(name):
            return False
        parts = split_names(name) if shape == "list" else [name]
        if all(name_key(p) in self.known or name_key(p) in self.accepted for p in parts):
            return True
        return not strict and not any(_has_common_word(p) or _is_stop(p) for p in parts)

    def _action_block(
        self, block: _Block, role_item: int | None, owner: str | None = None
    ) -> list[ParsedActionItem]:
        """Each line, or each top-level bullet, of an action-items section is one action item.

        `owner` comes from a `Joel:` line above a list of Joel's items.
        """
        if block.item is not None:
            if not block.first_in_item:
                return []
            if not self._is_top_action_item(block, role_item) and not CHECKBOX_RE.match(block.text.strip()):
                return []
        found: list[ParsedActionItem] = []
        previous: ParsedActionItem | None = None
        for index, raw in enumerate(block.text.split("\n")):
            number = block.line + index + 1
            line = raw.strip().rstrip("\\").strip()
            if not line:
                continue
            task = None
            if index == 0 and block.first_in_item and (box := CHECKBOX_RE.match(line)):
                task, line = box[1].lower() == "x", line[box.end() :]
            if previous is not None and (block.item is not None or _continues(previous.text, line)):
                previous.text = f"{previous.text} {line}"
                continue
            action = self._action_line(line, number, task)
            if action is None:
                who, text = self._owner(line)
                if (
                    block.item is None
                    and found
                    and who is None
                    and not OWNER_VERB_RE.match(_strip_markup(line))
                ):
                    break  # the action items ended; what follows is prose ("Summary", a paragraph)
                action = ParsedActionItem(owner=who, text=text, done=bool(task), line=number)
            if not action.text or PLACEHOLDER_RE.fullmatch(_strip_markup(action.text)):
                previous = None
                continue
            action.owner = action.owner or owner
            found.append(action)
            previous = action
        return found

    def _is_top_action_item(self, block: _Block, role_item: int | None) -> bool:
        item = self.items[block.item] if block.item is not None else None
        if item is None:
            return True
        if role_item is not None:
            return item.parent == role_item
        parent = self.items[item.parent] if item.parent is not None else None
        return parent is None or parent.head is None or parent.head.section != "actions"

    # Bodies, the date, aliases ---------------------------------------------------------------

    def _body(self, draft: _TopicDraft) -> str:
        if draft.kind in {"heading", "pseudo", "bullet"}:
            end = draft.end if draft.end is not None else len(self.lines)
            return _dedent(self.lines[draft.start : end])
        runs: list[list[int]] = []
        for start, end in draft.ranges:
            if runs and all(not line.strip() for line in self.lines[runs[-1][1] : start]):
                runs[-1][1] = max(runs[-1][1], end)
            else:
                runs.append([start, end])
        return "\n\n".join(_dedent(self.lines[start:end]) for start, end in runs).strip("\n")

    def _date(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The file name is the key when it has a date; otherwise the text, with the path's year."""
        path_date = date_from_path(self.path) if self.path else None
        year = (year_from_path(self.path) if self.path else None) or (path_date.year if path_date else None)
        if year is None and self.default_date is not None:
            year = self.default_date.year
        text_date = None
        for source in filter(None, [self.field_date, self.title]):
            text_date = first_date(source, year)[0]
            if text_date:
                break
        if path_date and text_date and path_date != text_date:
            self.warnings.append(
                f"The notes say {text_date.isoformat()} but the file name says {path_date.isoformat()}; "
                "the file name wins."
            )
        date = path_date or text_date or self.default_date
        if date is None:
            self.warnings.append("No date found in the notes or the file name.")
        return date, text_date

    def _aliases(self, parsed: ParsedMeeting) -> dict[str, str]:
        aliases: dict[str, str] = {}
        for label in [*parsed.speakers, *(i.owner for i in parsed.action_items if i.owner)]:
            canonical = self.known.get(name_key(label))
            if canonical and name_key(canonical) != name_key(label):
                aliases[label] = canonical
        return aliases


# Small pure helpers -----------------------------------------------------------------------------


def _section_kind(title: str) -> str | None:
    text = EMOJI_RE.sub("", title)
    text = re.sub(r"^[\s\d.)#-]+", "", text)
    text = re.sub(r"[\s:.]+$", "", text).strip().lower()
    if not text:
        return None
    if re.fullmatch(
        r"(?:microsoft teams|zoom|google meet|webex)(?: meeting)?(?: link| info| details)?|how to join", text
    ):
        return "skip"
    for kind in ("agenda", "attendees", "actions", "links", "container"):
        if SECTION_RES[kind].fullmatch(text):
            return kind
    return None


@lru_cache(maxsize=32768)
def _strip_markup(text: str) -> str:
    """A line without emphasis markers and backslash escapes, for label and placeholder tests."""
    text = _unescape(text.strip())
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])([*_])(\S(?:.*?\S)?)\1(?![\w*])", r"\2", text)
    return text.strip()


def _topic_title(head: _Block | None) -> str:
    """A bullet topic's title: its first paragraph (or first line when long), without the presenter."""
    if head is None:
        return "Untitled topic"
    if _head_mode(head) == "label":
        label = _split_label(CHECKBOX_RE.sub("", head.text.split("\n", 1)[0].strip()))
        return _strip_markup(label.label)[:300] if label else "Untitled topic"
    whole = _plain(head.inline)
    first = whole if len(whole) <= 200 else _plain(head.inline, first_line_only=True)
    first = CHECKBOX_RE.sub("", first)
    source = (
        " ".join(line.strip() for line in head.text.split("\n"))
        if first == whole
        else head.text.split("\n", 1)[0]
    )
    match = re.match(r"^[\[(][^\])]{1,60}[\])]\s*[-–—:]*\s*(.+)$", _unescape(source.strip()))
    if match and match[1].strip():
        first = _strip_markup(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", match[1]))
    return re.sub(r"[\s:]+$", "", first).strip()[:300] or "Untitled topic"


def _head_mode(head: _Block) -> str:
    """How much of a bullet topic's first paragraph is its title."""
    label = _split_label(CHECKBOX_RE.sub("", head.text.split("\n", 1)[0].strip()))
    if label and label.form == "bold" and label.rest and not _speaker_like(label.label):
        return "label"
    return "all" if len(_plain(head.inline)) <= 200 else "line"


def _speaker_like(label: str) -> bool:
    """Could be a person's name (decided for good in pass 3); used where structure needs it early."""
    return bool(_label_shape(label)) and not _is_stop(label) and not _has_common_word(label)


def _metadata_line(line: str) -> bool:
    label = re.match(r"^([^:]{1,30}):", _strip_markup(line))
    return bool(
        label
        and (METADATA_LABELS.fullmatch(label[1].strip()) or re.fullmatch(r"(?i)date|when", label[1].strip()))
    )


def _attendee_label(line: str) -> str | None:
    match = re.match(
        r"(?i)^(?:[\w ]{0,30}\s)?(?:attendees|attendance|attending|participants|present)\s*:\s*(.*)$",
        line.strip(),
    )
    return match[1] if match else None


def _looks_like_names(block: _Block) -> bool:
    lines = [_strip_markup(line) for line in block.text.split("\n") if line.strip()]
    return bool(lines) and all(
        _names_in(line, table=True) or PLACEHOLDER_RE.fullmatch(line) for line in lines
    )


def _names_in(text: str, *, table: bool) -> list[tuple[str, list[str]]]:
    """(name, aliases) pairs from one attendee entry or a comma-separated row; e-mails dropped."""
    text = re.sub(r"~~.*?~~", "", _unescape(text))
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\S+@\S+", "", text).strip().strip("|").strip()
    if not text or PLACEHOLDER_RE.fullmatch(text) or text.endswith(":"):
        return []
    found = []
    for part in _split_entry(text, table=table):
        entry = _name_entry(part)
        if entry:
            found.append(entry)
    return found


def _split_entry(text: str, *, table: bool) -> list[str]:
    pieces = [p.strip() for p in re.split(r"[,，](?![^()]*\))", text) if p.strip()]
    if table or len(pieces) >= 3:
        return [p for piece in pieces for p in re.split(r"\s+and\s+|;", piece) if p.strip()]
    if len(pieces) == 2:
        first, second = pieces
        if (
            len(first.split()) == 1
            and len(second.split()) == 1
            and second[:1].isupper()
            and "(" not in second
        ):
            return [f"{first}, {second}"]  # "Brown, Andrew"
        return [first]  # "Eric Gregory, Cosmonic"
    return pieces


def _name_entry(entry: str) -> tuple[str, list[str]] | None:
    """`Nick Fitzgerald (nf)` -> ("Nick Fitzgerald", ["nf"]); `Till (Fastly)` -> ("Till", [])."""
    entry = _strip_markup(entry).strip(" -*•\t")
    aliases: list[str] = []
    prefix = re.match(r"^([A-Z0-9]{2,3}):\s+(.+)$", entry)
    if prefix:
        aliases.append(prefix[1])
        entry = prefix[2]
    name = re.sub(r"\s*\(([^)]*)\)", "", entry).strip().lstrip("@").strip()
    for inner in re.findall(r"\(([^)]*)\)", entry):
        inner = inner.strip().lstrip("@")
        initials = "".join(w[0] for w in re.split(r"[\s\-]+", name) if w).upper()
        if re.fullmatch(r"[a-z][a-z0-9_\-]{1,30}", inner) or (inner.isupper() and inner == initials):
            aliases.append(inner)
        elif re.fullmatch(r"[A-Z][a-z]+", inner) and re.search(rf"\({re.escape(inner)}\)\s*\w", entry):
            aliases.append(inner)  # a nickname inside the name: "Jiaxiao (Joe) Zhou"
    name = re.sub(r"\s+", " ", name)
    if not name or PLACEHOLDER_RE.fullmatch(name) or len(name) > 60 or name.lower() in STOP_LABELS:
        return None
    if re.search(r"[:?!;\[\]{}<>|=*]|https?://|\d{3,}", name):
        return None
    words = name.replace(",", " ").split()
    if not 1 <= len(words) <= 5 or any(
        w.lower() in {"the", "a", "an", "in", "no", "particular", "order"} for w in words
    ):
        return None
    if len(words) > 1 and any(w[:1].islower() and w.lower() not in PARTICLES for w in words):
        return None
    if len(words) == 1 and not re.fullmatch(r"[\w.'’\-]+", name):
        return None
    return name, aliases


def _dedupe_names(entries: list[tuple[str, list[str]]], aliases: dict[str, list[str]]) -> list[str]:
    """One entry per person; a lone `Jamey` folds into `Jamey Cortland`, kept as an alias."""
    result: dict[str, str] = {}
    for name, extra in entries:
        kept = result.setdefault(name_key(name), name)
        for alias in extra:
            if alias not in aliases.setdefault(kept, []):
                aliases[kept].append(alias)
    full = [n for n in result.values() if len(n.split()) > 1 and "," not in n]
    names = []
    for name in result.values():
        if len(name.split()) == 1:
            matches = [f for f in full if name_key(f.split()[0]) == name_key(name)]
            if len(matches) == 1:
                aliases.setdefault(matches[0], []).append(name)
                aliases[matches[0]].extend(a for a in aliases.pop(name, []) if a not in aliases[matches[0]])
                continue
        names.append(name)
    for name in list(aliases):
        if not aliases[name] or name not in names:
            aliases.pop(name)
    return names


def _block_text(block: _Block) -> str:
    if block.kind == "table":
        return "\n".join(cell.content for row in block.rows for cell in row)
    return block.text if block.kind in {"para", "heading"} else ""


def _block_links(block: _Block) -> list[ParsedLink]:
    if block.kind == "table":
        return [link for row in block.rows for cell in row for link in _inline_links(cell)]
    return _inline_links(block.inline) if block.kind in {"para", "heading"} else []


def _distinct_links(links: object) -> list[ParsedLink]:
    found: dict[str, ParsedLink] = {}
    for link in links:  # type: ignore[attr-defined]
        found.setdefault(link.url, link)
    return list(found.values())


def _inline_links(inline: Token | None) -> list[ParsedLink]:
    """Markdown links, autolinks and bare URLs; only absolute http(s) links are kept."""
    links: list[ParsedLink] = []
    children = (inline.children or []) if inline is not None else []
    index = 0
    while index < len(children):
        child = children[index]
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            parts = []
            index += 1
            while index < len(children) and children[index].type != "link_close":
                if children[index].type in {"text", "code_inline"}:
                    parts.append(children[index].content)
                index += 1
            if re.match(r"https?://\S", href, re.I) and len(href) <= 1000:
                text = "".join(parts).strip()
                links.append(ParsedLink(url=href, text="" if text == href else text[:500]))
        elif child.type == "text":
            for match in URL_RE.finditer(child.content):
                url = _trim_url(match.group(0))
                if len(url) <= 1000 and len(url) > len("https://"):
                    links.append(ParsedLink(url=url))
        index += 1
    return links


def _trim_url(url: str) -> str:
    while url and url[-1] in URL_TRAILING:
        url = url[:-1]
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def _mentions_in(texts: list[str]) -> tuple[list[int], list[int]]:
    rfcs: dict[int, None] = {}
    decisions: dict[int, None] = {}
    for text in texts:
        if not text:
            continue
        hits = sorted((m.start(), int(m[1])) for regex in RFC_RES for m in regex.finditer(text))
        for _, number in hits:
            if number > 0:
                rfcs.setdefault(number, None)
        for match in DECISION_RE.finditer(text):
            if int(match[1]) > 0:
                decisions.setdefault(int(match[1]), None)
    return list(rfcs), list(decisions)


def _due_date(text: str, meeting: datetime.date | None) -> datetime.date | None:
    """`by 2023-04-15` or `due April 15` -> a date; `by Friday` stays unknown."""
    for match in DUE_RE.finditer(_strip_markup(text)):
        found, has_year, start = first_date(match["when"], meeting.year if meeting else None)
        if found is None or start != 0:
            continue
        if meeting and not has_year and found < meeting:
            try:
                found = found.replace(year=found.year + 1)
            except ValueError:
                return None
        return found
    return None


def _placeholder_only(body: str) -> bool:
    """A body left as the template had it: `* TODO`, `* ...`, `_Submit a PR..._`, or nothing."""
    for line in body.split("\n"):
        text = _strip_markup(re.sub(r"^\s*(?:[-*+]|\d+[.)]|[a-z][.)])\s+(?:\[[ xX]\]\s+)?", "", line))
        if text and not PLACEHOLDER_RE.fullmatch(text):
            return False
    return True


def _meaningful(body: str) -> bool:
    return bool(body.strip()) and not _placeholder_only(body)


def _continues(previous: str, line: str) -> bool:
    """A line in an action-items paragraph that carries on the item before it."""
    return bool(line[:1].islower()) and not re.search(r"[.!?:;]$", previous.strip())


def _dedent(lines: list[str]) -> str:
    return textwrap.dedent("\n".join(lines)).strip("\n")
