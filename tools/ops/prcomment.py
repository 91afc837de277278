"""The single PR comment summarising previews of every affected stack."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence
from urllib.parse import urlparse

from .events import COUNTED_OPS, PreviewSummary
from .http import Http, post_json

MARKER = "<!-- homelab-pulumi-preview -->"
MAX_COMMENT = 60000  # forges cap comments at 64 KiB
MAX_ROWS_PER_STACK = 15


@dataclass
class StackPreview:
    stack: str
    status: str                      # ok | error | skipped
    summary: PreviewSummary = field(default_factory=PreviewSummary)
    note: str = ""                   # why skipped / first error line
    artifact: str = ""               # where the full output was saved

    @property
    def blocking(self) -> list[str]:
        out = [f"mandatory policy `{v.policy}` ({v.pack}) on `{v.urn or 'stack'}`: {v.message}"
               for v in self.summary.mandatory_violations]
        out += [f"{'replaces' if c.op != 'delete' else 'deletes'} protected resource `{c.urn}`"
                for c in self.summary.protected_replacements]
        if self.status == "error":
            out.append(f"preview failed: {self.note}")
        return out


def _policy_cell(p: StackPreview) -> str:
    mandatory = len(p.summary.mandatory_violations)
    other = len(p.summary.violations) - mandatory
    bits = ([f"{mandatory} mandatory"] if mandatory else []) + ([f"{other} advisory"] if other else [])
    return ", ".join(bits) or "-"


def _status_cell(p: StackPreview) -> str:
    if p.status == "skipped":
        return "skipped"
    if p.summary.mandatory_violations or p.summary.protected_replacements:
        return "BLOCKED"
    return "FAILED" if p.status == "error" else "ok"


def _counts_cell(p: StackPreview) -> str:
    # Counts exist only when the engine reported a change summary (the preview ran to the
    # end, perhaps failing on policy afterwards); a program that failed shows "-" rather
    # than zeros that would read exactly like a clean stack.
    if p.status == "skipped" or (p.status != "ok" and not p.summary.counts):
        return " | ".join("-" for _ in COUNTED_OPS)
    return " | ".join(str(p.summary.count(op)) for op in COUNTED_OPS)


def _bullet(stack: str, text: str) -> list[str]:
    """A list item; extra lines (traceback frames) become an indented code block under it."""
    first, *rest = text.splitlines() or [""]
    out = [f"- `{stack}`: {first}"]
    if rest:
        out += ["", "  ```", *[f"  {line}" for line in rest], "  ```"]
    return out


def render(previews: list[StackPreview], *, commit: str, run_url: str = "",
           sections: Sequence[str] = ()) -> str:
    """The comment body: a pure function of the previews, so callers can add `sections`
    (Markdown blocks placed after the table, e.g. the affected subgraph) without touching it."""
    ran = [p for p in previews if p.status != "skipped"]
    lines = [MARKER, f"### Pulumi preview: {len(ran)} affected stack(s) at `{commit[:12]}`", ""]
    if not previews:
        lines.append("No stack is affected by this change (docs or tooling only).")
        return "\n".join(lines) + "\n"
    lines += ["| stack | create | update | replace | delete | policy | result |",
              "|---|---:|---:|---:|---:|---|---|"]
    for p in previews:
        lines.append(f"| `{p.stack}` | {_counts_cell(p)} | {_policy_cell(p)} | {_status_cell(p)} |")
    for section in sections:
        lines += ["", section.rstrip("\n")]
    blocking = [(p.stack, b) for p in previews for b in p.blocking]
    if blocking:
        lines += ["", "**Blocking (this PR cannot merge green):**"]
        for stack, text in blocking:
            lines += _bullet(stack, text)
    advisory = [(p.stack, v) for p in previews for v in p.summary.violations if v.level != "mandatory"]
    if advisory:
        lines += ["", "**Advisory policy findings:**"]
        lines += [f"- `{stack}`: `{v.policy}` on `{v.urn or 'stack'}`: {v.message}" for stack, v in advisory]
    skipped = [p for p in previews if p.status == "skipped"]
    if skipped:
        lines += ["", "**Not previewed in CI:**"]
        lines += [f"- `{p.stack}`: {p.note}" for p in skipped]
    for p in ran:
        if not p.summary.changes:
            continue
        lines += ["", f"<details><summary><code>{p.stack}</code>: {len(p.summary.changes)} resource change(s)"
                  "</summary>", ""]
        for c in p.summary.changes[:MAX_ROWS_PER_STACK]:
            paths = f" ({', '.join(c.paths[:6])}{', ...' if len(c.paths) > 6 else ''})" if c.paths else ""
            lines.append(f"- {c.op} `{c.type}` `{c.name}`{paths}")
        if len(p.summary.changes) > MAX_ROWS_PER_STACK:
            lines.append(f"- ... {len(p.summary.changes) - MAX_ROWS_PER_STACK} more")
        lines += ["", "</details>"]
    if run_url:
        lines += ["", f"Full preview output per stack: {run_url} (artifacts under `build/ci/<stack>/`)."]
    body = "\n".join(lines) + "\n"
    if len(body) > MAX_COMMENT:
        body = body[:MAX_COMMENT] + f"\n\n... truncated; see {run_url or 'the pipeline log'}\n"
    return body


@dataclass(frozen=True)
class ForgeTarget:
    api: str          # e.g. https://forge.example/api/v1 or https://api.github.com
    repo: str         # owner/name
    number: int
    token: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "ForgeTarget | None":
        token = env.get("FORGE_TOKEN") or env.get("GITHUB_TOKEN") or ""
        if env.get("GITHUB_ACTIONS") == "true":
            ref = env.get("GITHUB_REF", "")  # refs/pull/<n>/merge
            parts = ref.split("/")
            if len(parts) >= 3 and parts[1] == "pull" and parts[2].isdigit() and token:
                return cls(env.get("GITHUB_API_URL", "https://api.github.com"), env["GITHUB_REPOSITORY"],
                           int(parts[2]), token)
            return None
        forge = env.get("CI_FORGE_URL", "")
        number = env.get("CI_COMMIT_PULL_REQUEST", "")
        if forge and number.isdigit() and env.get("CI_REPO") and token:
            return cls(forge.rstrip("/") + "/api/v1", env["CI_REPO"], int(number), token)
        return None


def upsert_comment(http: Http, target: ForgeTarget, body: str) -> str:
    """Edit our previous comment (found by MARKER) or create one; returns 'updated'/'created'."""
    headers = {"Authorization": f"token {target.token}", "Accept": "application/json"}
    base = f"{target.api}/repos/{target.repo}/issues"
    listing = http("GET", f"{base}/{target.number}/comments?per_page=100&limit=50", None, headers)
    if listing.status >= 400 or listing.status == 0:
        raise RuntimeError(f"listing PR comments failed ({listing.status}): {listing.body[:200]!r}")
    existing = next((c for c in listing.json() or [] if MARKER in (c.get("body") or "")), None)
    if existing:
        resp = post_json(http, f"{base}/comments/{existing['id']}", {"body": body}, headers, method="PATCH")
        action = "updated"
    else:
        resp = post_json(http, f"{base}/{target.number}/comments", {"body": body}, headers)
        action = "created"
    if resp.status >= 300 or resp.status == 0:
        raise RuntimeError(f"writing the PR comment failed ({resp.status}): {resp.body[:200]!r}")
    return action


def host_of(url: str) -> str:
    return (urlparse(url).hostname or "").lower()
