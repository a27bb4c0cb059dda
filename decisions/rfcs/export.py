"""An RFC as one Markdown file: its metadata in YAML front matter, then the body as written."""

from __future__ import annotations

from decisions.formats import emitter
from decisions.rfcs.models import RFC
from decisions.signoff.written import KEY as SIGN_OFF
from decisions.signoff.written import with_section


def front_matter(data: dict) -> str:
    """YAML between --- fences, keys in the given order, unicode kept readable, folded at 100."""
    return f"---\n{emitter.dump(data, width=100)}---\n"


def rfc_to_markdown(rfc: RFC) -> str:
    """The RFC as one Markdown file: metadata in front matter, then the body as written.

    An RFC with motions also has them under `sign-off` and a "Sign-off" section after the body
    (decisions.signoff.transfer); one without is written exactly as before.
    """
    from decisions.signoff.transfer import values_for  # it reads the models; this module is imported by them

    motions = values_for([rfc]).get(rfc.pk, [])
    data = {
        "series": rfc.series or None,
        "number": rfc.number,
        "title": rfc.title,
        "status": rfc.status,
        "authors": [person.name for person in rfc.authors.all()],
        "shepherd": rfc.shepherd.name if rfc.shepherd else None,
        "areas": [area.slug for area in rfc.areas.all()],
        "created": rfc.created_on.isoformat(),
        "discussion_url": rfc.discussion_url or None,
        "supersedes": rfc_reference_value(rfc.supersedes.series, rfc.supersedes.number)
        if rfc.supersedes
        else None,
        "body_format": rfc.body_format if rfc.body_format != "markdown" else None,
        "metadata": rfc.metadata or None,
        SIGN_OFF: motions,
    }
    body = rfc.body if rfc.body.endswith("\n") or not rfc.body else rfc.body + "\n"
    body = with_section(body, motions)
    return front_matter({k: v for k, v in data.items() if v not in (None, [])}) + "\n" + body


def rfc_reference_value(series: str, number: int) -> int | str:
    """How front matter names an RFC: 6 for the site's own, "pep-8" in another series."""
    return f"{series}-{number}" if series else number
