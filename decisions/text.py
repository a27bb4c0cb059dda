"""Text as people and files give it: C0 control characters removed before anything stores it."""

from __future__ import annotations

import re

# C0 controls and DEL, except tab (\x09), newline (\x0a) and carriage return (\x0d, see below).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(text: str) -> str:
    """Remove C0 control characters except tab and newline, and turn CRLF into LF.

    XML 1.0 (the Atom feeds) cannot carry them, and nobody types them on purpose.
    """
    return _CONTROLS.sub("", text).replace("\r\n", "\n")
