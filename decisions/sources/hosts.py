"""Where a file of a repository can be read on the web: GitHub, GitLab, Gitea/Forgejo, Bitbucket.

Only the URL of the source is known, not its host's software, so the host is told by its name:
github.com and GitHub Enterprise hosts named `github.*`, gitlab.com and hosts named `gitlab.*`,
codeberg.org and hosts named `gitea.*` / `forgejo.*`, bitbucket.org. Any other host, a
`file://` URL or a local folder gives no link (pages then say where the file is instead).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# git@github.com:owner/repo.git, the scp-like form ssh URLs often take
_SCP = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?P<path>(?!/)[^\s]+)$")


def web_base(url: str) -> tuple[str, str] | None:
    """(kind, https://host/owner/repo) for a URL git fetches from, or None when not on a known host."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme in {"https", "http", "ssh", "git"} and parts.hostname:
        host, path = parts.hostname.lower(), parts.path
    elif not parts.scheme and (match := _SCP.match(url)):
        host, path = match["host"].lower(), match["path"]
    else:
        return None  # file://, a local folder, or something unknown
    path = path.strip("/").removesuffix(".git").strip("/")
    if path.count("/") < 1:
        return None
    kind = host_kind(host)
    return (kind, f"https://{host}/{path}") if kind else None


def host_kind(host: str) -> str:
    first = host.split(".")[0]
    if host == "github.com" or first == "github":
        return "github"
    if host == "gitlab.com" or first == "gitlab":
        return "gitlab"
    if host in {"codeberg.org", "gitea.com"} or first in {"gitea", "forgejo"}:
        return "gitea"
    if host == "bitbucket.org":
        return "bitbucket"
    return ""


def file_url(repository: str, ref: str, path: str) -> str:
    """The page of `path` at `ref` (a branch or a commit) on the repository's host; "" if none.

    A blank ref is the repository's default branch (HEAD), which GitHub and GitLab both resolve.
    """
    base = web_base(repository)
    if base is None:
        return ""
    kind, root = base
    ref = ref or "HEAD"
    quoted_path = quote(path.strip("/"))
    quoted_ref = quote(ref, safe="/")
    if kind == "gitlab":
        return f"{root}/-/blob/{quoted_ref}/{quoted_path}"
    if kind == "gitea":
        what = "commit" if re.fullmatch(r"[0-9a-f]{40}([0-9a-f]{24})?", ref) else "branch"
        return f"{root}/src/{what}/{quoted_ref}/{quoted_path}"
    if kind == "bitbucket":
        return f"{root}/src/{quoted_ref}/{quoted_path}"
    return f"{root}/blob/{quoted_ref}/{quoted_path}"
