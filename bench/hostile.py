"""Hostile input stays fast: every pathological text renders, and is searched, within its limit.

    python -m bench.hostile [--runs N] [--json]

The unit tests check that hostile input comes out safe and whole; how long it takes is measured
here, where a slow moment of a loaded machine cannot fail a test: each case is timed RUNS times
(3 unless given) and its median is held to the limit the quadratic version broke by orders of
magnitude (25 s for 30,000 equal headings, more than 30 s for a search over 80,000 repeats).

Cases: the generated inputs of tests/test_markdown_security.py, every file of
../shared/security/hostile-inputs as Markdown and as a PEP's reStructuredText (when ../shared is
there), 30,000 equal headings, the anchors of 40,000, and the search page and API over a record
whose context repeats one word 80,000 times (on a throwaway database, made as bench.run makes it).
The human table goes to stderr, the JSON is the last line of stdout; exit 1 when a case is over.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from bench.run import Reporter, setup_django, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_FILES = ROOT.parent / "shared" / "security" / "hostile-inputs"
RENDER_LIMIT_S = 1.0
SEARCH_LIMIT_S = 5.0
SEARCH_REPEATS = 80_000


def timed(run: Callable[[], object], runs: int) -> float:
    """The median of `runs` timings of run(), in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _refused_or(render: Callable[[str], object], text: str) -> Callable[[], object]:
    from decisions.markdown import MarkdownTooLarge

    def run() -> object:
        try:
            return render(text)
        except (MarkdownTooLarge, ValueError):  # refused with the limit: as fast as it gets
            return None

    return run


def render_cases() -> list[tuple[str, Callable[[], object], float]]:
    """(name, what to time, limit in seconds) for every Markdown and reStructuredText case."""
    from decisions import markdown
    from decisions.markdown.anchors import heading_anchors
    from decisions.markdown.parser import parser
    from decisions.markdown.rst import render_rst
    from tests.test_markdown_security import GENERATED_HOSTILE

    cases: list[tuple[str, Callable[[], object], float]] = [
        (f"markdown: {name}", _refused_or(markdown.render, text), RENDER_LIMIT_S)
        for name, text in GENERATED_HOSTILE.items()
    ]
    if HOSTILE_FILES.is_dir():
        for path in sorted(p for p in HOSTILE_FILES.iterdir() if p.name != "README.md"):
            text = path.read_bytes().decode("utf-8", errors="replace")
            cases.append((f"markdown file: {path.name}", _refused_or(markdown.render, text), RENDER_LIMIT_S))
            cases.append((f"rst file: {path.name}", _refused_or(render_rst, text), RENDER_LIMIT_S))
    cases.append(("30,000 equal headings", lambda: markdown.render_document("## T\n" * 30_000), 15.0))

    def anchor_forty_thousand() -> None:
        tokens = parser().parse("## T\n" * 40_000)
        for token in tokens:
            token.attrs.pop("id", None)
        heading_anchors(SimpleNamespace(tokens=tokens))

    cases.append(("anchors of 40,000 equal headings", anchor_forty_thousand, 5.0))
    return cases


def search_cases() -> list[tuple[str, Callable[[], object], float]]:
    """The search page and API over one record that repeats a word 80,000 times."""
    from django.core.management import call_command
    from django.test import Client

    from tests.factories import make_decision

    call_command("migrate", verbosity=0)
    make_decision("Hostile record", number=1, context="zq " * SEARCH_REPEATS)
    client = Client()
    client.cookies["sessionid"] = "bench"  # a visitor with a session: built, not the page cache

    def get(path: str, query: str) -> Callable[[], object]:
        def run() -> object:
            response = client.get(path, {"q": query})
            assert response.status_code == 200, response.status_code
            assert b"<mark>zq</mark>" in response.content, "the hostile record was not found"
            return response

        return run

    queries = ["zq", '"zq zq zq"', "hostile zq", " ".join(["zq"] * 32)]
    cases = [(f"search page: {q[:20]}", get("/search/", q), SEARCH_LIMIT_S) for q in queries]
    cases.append(("search API: zq", get("/api/search/", "zq"), SEARCH_LIMIT_S))
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="no table, only the JSON line")
    args = parser.parse_args(argv)
    reporter = Reporter(quiet=args.json)
    results = []
    with throwaway_database(say=reporter.say) as (url, vendor):
        setup_django(url)
        for name, run, limit in [*render_cases(), *search_cases()]:
            seconds = timed(run, args.runs)
            results.append(
                {"case": name, "seconds": round(seconds, 3), "limit": limit, "ok": seconds < limit}
            )
            reporter.say(f"{'ok  ' if seconds < limit else 'SLOW'} {seconds:7.3f} s / {limit:4.1f} s  {name}")
    slow = [r["case"] for r in results if not r["ok"]]
    reporter.say(
        f"{len(results)} cases on {vendor}, median of {args.runs} runs each: {len(slow)} over the limit"
    )
    print(json.dumps({"vendor": vendor, "runs": args.runs, "cases": results, "slow": slow}))
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
