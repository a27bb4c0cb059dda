"""How long the importers take: import_rfcs on the Bytecode Alliance corpus, N Rust RFCs and their
re-import; import_meetings on the Bytecode Alliance meeting notes and their re-import.

    python -m bench.imports [--rust N] [--json] [--keep]

The database is made as bench.run makes it (a temporary SQLite file, or a new database
`<name>_bench_<pid>` on DATABASE_URL's PostgreSQL server), migrated, and removed at the end.
Three runs of the command are timed, one after the other on that database:

- bytecodealliance: ../shared/corpora/bytecodealliance-rfcs (26 files), when it is there;
- rust: N files in rust-lang/rfcs' layout (`text/NNNN-feature-name.md`, header bullets, the
  sections of its template, 15-30 KB each), generated in a temporary folder, the same every run:
  all new records (the Rust series shares no numbers with the corpus before it);
- rust_reimport: the same N files again: nothing changed, so nothing is written;
- meetings, meetings_reimport: ../shared/corpora/bytecodealliance-meetings (740 dated notes) with
  `import_meetings`, twice (the second finds every meeting in place).

measure_imports() adds those records to whatever database Django is set up with and deletes
nothing: give it a throwaway one (bench.run can call it last, after timing its pages).

The human table goes to stderr, the JSON is the last line of stdout. Times are reported against
their targets, not enforced (the exit status is 1 only when a file failed to import).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any

from bench.run import Reporter, setup_django, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
BYTECODEALLIANCE = ROOT.parent / "shared" / "corpora" / "bytecodealliance-rfcs"
MEETINGS = ROOT.parent / "shared" / "corpora" / "bytecodealliance-meetings"
RUST_FILES = 650
# Seconds each import may take on a 2-core machine: the targets, and for a re-import of
# unchanged files (which renders and writes nothing) ours.
TARGET_S = {"bytecodealliance": 1, "rust": 10, "rust_reimport": 2, "meetings": 60, "meetings_reimport": 60}
SEED = 2094


# Rust RFCs in rust-lang/rfcs' layout ------------------------------------------------------------

_WORD_TEXT = (
    "borrow checker lifetime trait impl generic associated type const closure iterator async await "
    "future pinning macro hygiene crate module visibility pattern match enum struct union variant "
    "coercion inference monomorphization codegen allocator unsafe soundness invariant drop scope "
    "region variance subtyping specialization coherence orphan rule method resolution autoderef "
    "compiler diagnostics lint edition migration stabilization feature gate nightly toolchain cargo "
    "workspace dependency registry target linker ABI calling convention layout alignment padding "
    "reference pointer slice array string vector hashmap ownership move copy clone default debug "
    "display error handling panic unwinding result option question mark operator expression "
    "statement block label loop break continue return yield generator coroutine executor waker "
    "runtime thread sync send atomic ordering fence memory model provenance"
)
_VERB_TEXT = (
    "allows requires changes extends removes introduces deprecates stabilizes simplifies clarifies "
    "replaces permits forbids infers checks lowers resolves expands desugars"
)
_WORDS, _VERBS = _WORD_TEXT.split(), _VERB_TEXT.split()
_LINKS = (
    ("the reference", "https://doc.rust-lang.org/reference/"),
    ("RFC 1214", "https://github.com/rust-lang/rfcs/pull/1214"),
    ("the tracking issue", "https://github.com/rust-lang/rust/issues/44524"),
    ("the internals thread", "https://internals.rust-lang.org/t/pre-rfc-example/1234"),
    ("the nomicon", "https://doc.rust-lang.org/nomicon/"),
)
_SECTIONS = (
    ("Summary", 1),
    ("Motivation", 3),
    ("Guide-level explanation", 6),
    ("Reference-level explanation", 8),
    ("Drawbacks", 2),
    ("Rationale and alternatives", 4),
    ("Prior art", 3),
    ("Unresolved questions", 2),
    ("Future possibilities", 2),
)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 16))]
    words.insert(rng.randint(1, len(words) - 1), rng.choice(_VERBS))
    if rng.random() < 0.3:
        at = rng.randrange(len(words))
        words[at] = f"`{words[at]}`"
    if rng.random() < 0.15:
        text, url = rng.choice(_LINKS)
        words.append(f"(see [{text}]({url}))")
    if rng.random() < 0.1:
        words.insert(rng.randrange(len(words)), f"rust-lang/rust#{rng.randint(1000, 120000)}")
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    lines, line = [], ""
    for sentence in (_sentence(rng) for _ in range(rng.randint(3, 7))):
        for word in sentence.split():
            if len(line) + len(word) > 78:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def _code(rng: random.Random) -> str:
    name, ty = rng.choice(_WORDS), rng.choice(_WORDS).capitalize()
    lines = [
        f"pub trait {ty}{rng.randint(1, 99)}<'a, T: Clone + 'a> {{",
        "    type Output: Iterator<Item = &'a T>;",
        f"    fn {name}(&'a self, input: &mut Vec<T>) -> Result<Self::Output, Error>;",
        "}",
        "",
        f"impl<'a> {ty}{rng.randint(1, 99)}<'a, u32> for Wrapper<'a> {{",
        "    type Output = std::slice::Iter<'a, u32>;",
        f"    fn {name}(&'a self, input: &mut Vec<u32>) -> Result<Self::Output, Error> {{",
        "        input.retain(|value| *value % 2 == 0); // keep the even ones",
        "        match self.inner.get(..input.len()) {",
        "            Some(slice) => Ok(slice.iter()),",
        '            None => Err(Error::new("too short")),',
        "        }",
        "    }",
        "}",
    ]
    return "```rust\n" + "\n".join(lines[: rng.randint(4, len(lines))]) + "\n```"


def _list(rng: random.Random) -> str:
    marker = rng.choice(["-", "*", "1."])
    return "\n".join(f"{marker} {_sentence(rng)}" for _ in range(rng.randint(3, 6)))


def _table(rng: random.Random) -> str:
    rows = ["| Edition | Before | After |", "| --- | --- | --- |"]
    for year in rng.sample(["2015", "2018", "2021", "2024"], rng.randint(2, 4)):
        rows.append(f"| {year} | `{rng.choice(_WORDS)}` | `{rng.choice(_WORDS)}` |")
    return "\n".join(rows)


def _block(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.5:
        return _paragraph(rng)
    if kind < 0.8:
        return _code(rng)
    if kind < 0.92:
        return _list(rng)
    if kind < 0.96:
        return _table(rng)
    return f"> {_sentence(rng)}"


def rust_rfc(index: int, number: int) -> tuple[str, str]:
    """The file name and text of one Rust RFC; the same for the same (index, number)."""
    rng = random.Random(SEED * 100_003 + index)
    feature = "_".join(rng.sample(_WORDS, rng.randint(2, 3)))
    size = rng.randint(15_000, 29_000)
    start = f"{2014 + index % 10}-{1 + index % 12:02d}-{1 + index % 28:02d}"
    header = [
        f"- Feature Name: `{feature}`",
        f"- Start Date: {start}",
        f"- RFC PR: [rust-lang/rfcs#{number}](https://github.com/rust-lang/rfcs/pull/{number})",
        f"- Rust Issue: [rust-lang/rust#{40000 + number}](https://github.com/rust-lang/rust/issues/{40000 + number})",
    ]
    sections: list[list[str]] = [[_paragraph(rng)] for _ in _SECTIONS]
    text = ""
    while True:
        parts = ["\n".join(header)]
        for (heading, _), blocks in zip(_SECTIONS, sections, strict=True):
            anchor = heading.lower().replace(" ", "-")
            parts.append(f"# {heading}\n[{anchor}]: #{anchor}")
            parts.extend(blocks)
        text = "\n\n".join(parts) + "\n"
        if len(text.encode()) >= size:
            break
        # Grow the long sections most, as real RFCs do.
        section = rng.choices(range(len(_SECTIONS)), weights=[w for _, w in _SECTIONS])[0]
        if rng.random() < 0.2 and section in (2, 3):
            sections[section].append(f"## {rng.choice(_WORDS).capitalize()} {rng.choice(_WORDS)}")
        sections[section].append(_block(rng))
    return f"{number:04d}-{feature.replace('_', '-')}.md", text


def write_rust_corpus(folder: Path, count: int) -> Path:
    """`count` Rust RFCs in folder/text/ (numbers rising with gaps, as in rust-lang/rfcs)."""
    text = folder / "text"
    text.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    number = 0
    for index in range(count):
        number += rng.randint(1, 5)
        name, body = rust_rfc(index, number)
        (text / name).write_text(body, encoding="utf-8")
    return folder


# Timing ----------------------------------------------------------------------------------------


@contextmanager
def _counting_queries() -> Any:
    """Count the statements sent to the database (cheaply: no SQL is kept)."""
    from django.db import connection

    count = [0]

    def wrapper(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield count


def time_import(folder: Path, command: str = "import_rfcs") -> dict[str, Any]:
    """Run `manage.py COMMAND FOLDER --json` once; its report with the wall-clock seconds."""
    from django.core.management import call_command

    out = StringIO()
    with _counting_queries() as queries:
        started = time.perf_counter()
        call_command(command, str(folder), "--json", stdout=out, stderr=StringIO())
        seconds = time.perf_counter() - started
    report = json.loads(out.getvalue().strip().splitlines()[-1])
    imported = report.get("created", report["imported"])
    return {
        "seconds": round(seconds, 3),
        "imported": imported,
        "updated": report["updated"],
        "unchanged": report.get("unchanged", report["imported"] - imported - report["updated"]),
        "failed": len(report["failed"]),
        "queries": queries[0],
    }


def measure_imports(reporter: Reporter, rust: int = RUST_FILES, meetings: Path = MEETINGS) -> dict[str, Any]:
    """Time the three imports on the database Django is set up with (migrated here first);
    the JSON structure: {"database", "cores", "load_average", "imports": {name: {...}}}."""
    from django.core.management import call_command
    from django.db import connection

    load = os.getloadavg()[0]  # other work on the machine shows in the times
    call_command("migrate", interactive=False, verbosity=0)
    imports: dict[str, Any] = {}

    def record(name: str, files: int, folder: Path, command: str = "import_rfcs") -> None:
        reporter.say(f"importing {name} ({files} files)")
        result = time_import(folder, command)
        imports[name] = {"files": files, **result, "target_s": TARGET_S[name]}
        reporter.say(f"  {result['seconds']:.2f} s")

    ba_files = sorted((BYTECODEALLIANCE / "accepted").glob("*.md")) if BYTECODEALLIANCE.is_dir() else []
    if ba_files:
        record("bytecodealliance", len(ba_files), BYTECODEALLIANCE)
    else:
        imports["bytecodealliance"] = {
            "skipped": f"{BYTECODEALLIANCE} is not here",
            "target_s": TARGET_S["bytecodealliance"],
        }
    folder = Path(tempfile.mkdtemp(prefix="rfcs-bench-rust-"))
    try:
        started = time.monotonic()
        write_rust_corpus(folder, rust)
        sizes = [path.stat().st_size for path in (folder / "text").iterdir()]
        reporter.say(
            f"wrote {rust} Rust RFCs ({sum(sizes) / 1e6:.1f} MB, "
            f"{min(sizes, default=0) // 1000}-{max(sizes, default=0) // 1000} KB each) "
            f"in {time.monotonic() - started:.1f} s"
        )
        record("rust", rust, folder)
        record("rust_reimport", rust, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    # The meetings corpus (every dated notes file, parsed and saved), then again unchanged.
    if meetings.is_dir():
        notes = sum(1 for _ in meetings.rglob("*.md"))
        record("meetings", notes, meetings, "import_meetings")
        record("meetings_reimport", notes, meetings, "import_meetings")
    else:
        for name in ("meetings", "meetings_reimport"):
            imports[name] = {"skipped": f"{meetings} is not here", "target_s": TARGET_S[name]}
    return {
        "database": connection.vendor,
        "cores": os.cpu_count(),
        "load_average": round(load, 2),
        "imports": imports,
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        f"imports on {result['database']} ({result['cores']} cores, load average {result['load_average']})",
        f"{'import':<18}{'files':>7}{'seconds':>10}{'target':>8}{'queries':>9}{'new':>6}{'upd':>5}"
        f"{'same':>6}{'failed':>8}",
    ]
    for name, run in result["imports"].items():
        if "skipped" in run:
            lines.append(f"{name:<18}  skipped: {run['skipped']}")
            continue
        verdict = "" if run["seconds"] <= run["target_s"] else "  SLOW"
        lines.append(
            f"{name:<18}{run['files']:>7}{run['seconds']:>10.2f}{run['target_s']:>7}s{run['queries']:>9}"
            f"{run['imported']:>6}{run['updated']:>5}{run['unchanged']:>6}{run['failed']:>8}{verdict}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__.split("\n")[0])
    parser.add_argument("--rust", type=int, default=RUST_FILES, help="how many Rust RFCs to generate")
    parser.add_argument(
        "--meetings", type=Path, default=MEETINGS, help="a folder of meeting notes (default: the corpus)"
    )
    parser.add_argument("--json", action="store_true", help="no table or progress: only the JSON line")
    parser.add_argument("--keep", action="store_true", help="keep the database and print its URL")
    args = parser.parse_args(argv)
    reporter = Reporter(quiet=args.json)
    with throwaway_database(args.keep, say=reporter.say) as (url, _vendor):
        setup_django(url)
        from django.db import connections

        try:
            result = measure_imports(reporter, rust=max(1, args.rust), meetings=args.meetings)
        finally:
            connections.close_all()
    reporter.say(table(result))
    print(json.dumps(result), flush=True)
    failed = any(run.get("failed") for run in result["imports"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
