"""References between RFCs ("PEP 205", "KEP-178", "#12", URLs) and links in header values."""

from __future__ import annotations

import re
from collections.abc import Iterable

from decisions.rfcs.parsing.common import (
    _MD_LINK,
    _is_placeholder,
    _unique,
)

_RST_LINK = re.compile(r"`(?P<text>[^`<]*?)\s*<(?P<url>[^<>`]+)>`_{1,2}")
_URL = re.compile(r"https?://[^\s<>`\"')\]]+")
_KEP_PATH = re.compile(r"(?:^|/)keps/(?:[\w.-]+/)*?(?P<number>\d+)-[\w.-]+/?$")
_KEP_REF = re.compile(r"^kep[-_ ]?#?0*(?P<number>\d+)(?:\b|$)", re.IGNORECASE)
_NUMBER = re.compile(r"^#?0*(?P<number>\d{1,7})$")
KEP_REPOSITORY = "https://github.com/kubernetes/enhancements"


def _reference(value: str, series: str) -> str | None:
    """ "205", "PEP 205", "pep-0205" -> "pep-205" in series pep; "KEP-178", "/keps/sig-x/178-y" -> "kep-178"."""
    text = value.strip().strip("`'\"").strip()
    kep = _KEP_REF.match(text) or _KEP_PATH.search(text.rstrip("/"))
    if kep:
        return f"kep-{int(kep['number'])}"
    match = re.fullmatch(
        r"(?:(?P<series>rfc|rust-rfc|rust|pep)[-_ ]*)?#?0*(?P<number>\d{1,7})", text, re.IGNORECASE
    )
    if match:
        written = (match["series"] or "").lower()
        target = {"rfc": "", "rust-rfc": "rust"}.get(written, written) if written else series
        return f"{target}-{int(match['number'])}" if target else str(int(match["number"]))
    return None


def _references(
    values: Iterable[str], series: str, line: int | None, label: str, warnings: list[str]
) -> list[str]:
    found = []
    for value in values:
        if _is_placeholder(value):
            continue
        reference = _reference(value, series)
        if reference:
            found.append(reference)
        elif _URL.fullmatch(value.strip()):
            found.append(value.strip())
        elif value.strip().startswith("/keps/"):
            found.append(f"{KEP_REPOSITORY}/tree/master{value.strip()}")
        else:
            where = f"line {line}: " if line else ""
            warnings.append(f"{where}{label} '{value.strip()}' is not an RFC number or a URL; left out")
    return _unique(found)


def _rst_links(text: str) -> list[tuple[str, str]]:
    """(text, url) for each http(s) rST link `text <url>`_ or bare URL in a header value."""
    found = [(m["text"].strip(), m["url"].strip()) for m in _RST_LINK.finditer(text)]
    rest = _RST_LINK.sub(" ", text)
    found += [(url, url) for url in _URL.findall(rest)]
    return [(label, url) for label, url in found if _URL.fullmatch(url)]  # http(s) only: these become links


def _shown(text: str) -> str:
    """An rST or Markdown link in a header value as "text (url)"; plain text as it is."""
    text = re.sub(r"\s+", " ", text).strip()
    rst = _RST_LINK.fullmatch(text)
    if rst:
        label, url = rst["text"].strip(), rst["url"].strip()
        return url if not label or label == url else f"{label} ({url})"
    md = _MD_LINK.fullmatch(text)
    if md:
        label, url = md[1].strip(), md[2].strip()
        return url if not label or label == url else f"{label} ({url})"
    return text
