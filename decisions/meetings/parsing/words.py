"""The vocabulary of meeting notes: section names, words that are never a speaker, link and mention patterns."""

from __future__ import annotations

import re

SECTION_PATTERNS = {
    "agenda": r"(?:proposed |meeting |draft |final )?agenda(?: items?)?",
    "attendees": r"attendees|attendance|attending|participants|present|people present|roll call|who'?s here",
    "actions": (
        r"action items?(?: (?:for|from) .*)?|actions|action|ais|next steps?|follow[- ]?ups?|todos?|to-?dos"
        # "Next steps & action items", "Open action items", "Agreed upon action items", "Items for next meeting"
        r"|(?:open|agreed|agreed[- ]upon|new|remaining|outstanding) (?:action items?|actions|next steps|todos?)"
        r"|follow[- ]?up (?:items|actions|tasks)"
        r"|(?:action items?|next steps?|follow[- ]?ups?|todos?) ?(?:and|&|/) ?(?:action items?|next steps?|"
        r"follow[- ]?ups?|todos?|decisions)|(?:items |todos? |tasks )?for (?:the )?next (?:meeting|call|time|week)"
    ),
    "links": r"links|related links|resources(?: .*)?|references",
    "container": (
        r"notes|meeting notes|minutes|meeting minutes|discussion|discussions|\(?incomplete\)? notes"
        r"|meeting summary|summary|notes and discussion|notes & discussion"
        # The summary of the whole meeting a transcription tool writes first ("## Quick recap").
        r"|(?:quick |meeting )?recap|(?:meeting )?synopsis|(?:discussion |other )?(?:items|topics)"
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
# Agenda entries every meeting has, never a subject of their own ("Adjournment", "Anything else?").
BOILERPLATE_TOPIC_RE = re.compile(
    r"(?i)(?:opening|welcome|roll call|adjourn(?:ment|ed)?|closing|wrap[- ]?up|anything else|"
    r"any other business|other business|aob|(?:find |volunteer )?note[- ]?takers?)"
    r"(?:,? (?:and )?(?:welcome|roll call|introductions))*\??"
    # The meeting's own procedure: "Announce that the meeting will be recorded and hit record".
    r"|.*\b(?:(?:meeting|call) (?:will be|is being|is) recorded|hit record|start(?:ing)? (?:the )?recording)\b.*"
    # "Opening: Welcome to the kickoff meeting...": the template's opening with words added.
    r"|(?:opening|welcome)\s*[:—–-]\s.*"
    # Who takes the notes: "volunteer(s) for note taking", "rotating note takers", "Select note takers".
    r"|(?:(?:call|ask) for )?(?:(?:a )?volunteers?(?:\(s\))? (?:for |to take )?)?"
    r"note[- ]?tak(?:ing|ers?|es)(?: for (?:the|this|today'?s) (?:meeting|call))?"
    r"|(?:select|find|choose|pick|rotate|rotating) (?:a |the )?note[- ]?tak(?:ing|ers?|es)(?: for (?:the|this|today'?s) (?:meeting|call))?"
    # "welcoming new SIG members and meeting attendees": greeting whoever came.
    r"|welcom(?:e|ing) (?:to )?(?:new |all )?(?:sig |wg |group )?(?:members|attendees|participants|newcomers|everyone|folks)"
    r"(?: and (?:new |meeting )?(?:members|attendees|participants|guests))?"
    # An empty slot for whatever else comes up: "Open discussion", "Open floor".
    r"|open(?: discussion| floor| forum| mic)?",
)
# A topic the notes say was not taken up: "(Delaying this topic to next meeting)", "Deferred".
DEFERRED_RE = re.compile(
    r"(?i)\b(?:defer(?:red|ring)?|postpone[ds]?|punt(?:ed|ing)?|delay(?:ed|ing)? (?:this|the|it|to|until)|"
    r"(?:lack of|out of|ran out of|no) time|did(?:n'?t| not) get to|not (?:discussed|covered|taken up)|"
    r"skipped|moved to (?:the )?next (?:meeting|week|call))\b(?!-)"
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
    r"(?:todo|tbd|n/?a|none|nothing|\.\.\.|…|-+|_+|\?+|su[bm]+it a pr to add .*|"
    r"add your (?:name|item|announcement) here.*|\(?none yet\)?|no updates?|"
    r"(?:notes|.{0,60}\bnotes\b.{0,60}) go(?:es)? here\.?)",
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
