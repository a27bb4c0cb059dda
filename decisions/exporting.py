"""Records as Markdown files with YAML front matter (DESIGN.md section 6).

One module owns both directions so the format cannot drift between export and import.
"""

from __future__ import annotations

import yaml

from decisions.models import RFC


def front_matter(data: dict) -> str:
    """YAML between --- fences, keys in the given order, unicode kept readable."""
    dumped = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    return f"---\n{dumped}---\n"


def rfc_to_markdown(rfc: RFC) -> str:
    """The RFC as one Markdown file: metadata in front matter, then the body as written."""
    data = {
        "number": rfc.number,
        "title": rfc.title,
        "status": rfc.status,
        "authors": [person.name for person in rfc.authors.all()],
        "shepherd": rfc.shepherd.name if rfc.shepherd else None,
        "areas": [area.slug for area in rfc.areas.all()],
        "created": rfc.created_on.isoformat(),
        "discussion_url": rfc.discussion_url or None,
        "supersedes": rfc.supersedes.number if rfc.supersedes else None,
    }
    body = rfc.body if rfc.body.endswith("\n") or not rfc.body else rfc.body + "\n"
    return front_matter({k: v for k, v in data.items() if v not in (None, [])}) + "\n" + body
