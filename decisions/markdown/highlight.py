"""Code blocks highlighted by Pygments with CSS classes, and the stylesheet those classes need."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

# Code blocks larger than this are shown plain: highlighting them buys little and costs much.
HIGHLIGHT_MAX_CHARS = 64 * 1024

_FORMATTER = HtmlFormatter(nowrap=True)  # stateless between calls; building one costs ~0.5 ms


@lru_cache(maxsize=256)
def _lexer(name: str) -> Any:
    """Lexers are looked up once per language (the lookup walks every lexer Pygments has)."""
    try:
        return get_lexer_by_name(name[:40], stripnl=False)
    except ClassNotFound:
        return None


def highlight(code: str, lang: str, _attrs: str) -> str:
    """Pygments with CSS classes; unknown languages fall back to a plain code block.

    markdown-it's `highlight` option: an empty string means "render it plain".
    """
    words = lang.split()
    if not words or len(code) > HIGHLIGHT_MAX_CHARS:
        return ""
    lexer = _lexer(words[0].lower())
    if lexer is None:
        return ""
    # markdown-it uses the output as-is only when it starts with <pre>.
    body = pygments_highlight(code, lexer, _FORMATTER)
    return f'<pre class="highlight"><code class="language-{lexer.aliases[0]}">{body}</code></pre>\n'


def pygments_css(style: str = "xcode") -> str:
    """The stylesheet for highlighted code; `static/css/pygments.css` is generated from it.

    xcode is the bundled style whose every colour keeps 4.5:1 contrast on a light background.
    """
    return HtmlFormatter(style=style).get_style_defs(".highlight")
