"""PR previews, the PR comment and apply-on-push through the pipeline entry points."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.ops import ci, exitcodes
from tools.ops.events import read_preview
from tools.ops.http import Response
from tools.ops.prcomment import MARKER, ForgeTarget, upsert_comment
from tools.ops.wrapper import Context

from ops_fixtures import fixture_events, fixture_text

CANONICAL = {"PU_CANONICAL_FORGE": "forge.example.org", "CI_FORGE_URL": "https://forge.example.org", "CI": "woodpecker"}


class FakeForge:
    def __init__(self, existing: list[dict] | None = None):
        self.calls: list[tuple[str, str, dict | None]] = []
        self.existing = existing or []

    def __call__(self, method, url, body, headers):
        self.calls.append((method, url, json.loads(body) if body else None))
        if method == "GET":
            return Response(200, json.dumps(self.existing).encode())
        return Response(201 if method == "POST" else 200, b"{}")


def test_preview_digest_and_event_log_combine(tmp_path):
    log = tmp_path / "events.jsonl"
    log.write_text(fixture_text("events_changes.jsonl"))
    s = read_preview(fixture_text("preview_changes.json"), log)
    assert [s.count(op) for op in ("create", "update", "replace", "delete")] == [1, 1, 1, 0]
    assert [c.name for c in s.protected_replacements] == ["dashy-data"]
    assert [v.policy for v in s.mandatory_violations] == ["ingress-auth-reason-required"]
    assert len(s.violations) == 2
    deploy = next(c for c in s.changes if c.name == "dashy")
    assert deploy.paths == ("spec.template.spec.containers[0].image",)
    assert s.errors == ["error: preview failed due to 1 mandatory policy violation(s)"]


def test_digest_alone_has_no_policy_results():
    s = read_preview(fixture_text("preview_changes.json"), None)
    assert s.violations == [] and s.count("update") == 1


def test_comment_is_created_once_then_edited():
    target = ForgeTarget("https://forge.example.org/api/v1", "viktor/infra", 12, "t0ken")
    forge = FakeForge()
    assert upsert_comment(forge, target, f"{MARKER}\nfirst") == "created"
    assert forge.calls[-1][:2] == ("POST", "https://forge.example.org/api/v1/repos/viktor/infra/issues/12/comments")
    forge = FakeForge(existing=[{"id": 5, "body": "unrelated"}, {"id": 9, "body": f"{MARKER}\nold"}])
    assert upsert_comment(forge, target, f"{MARKER}\nsecond") == "updated"
    assert forge.calls[-1] == ("PATCH", "https://forge.example.org/api/v1/repos/viktor/infra/issues/comments/9",
                               {"body": f"{MARKER}\nsecond"})


def test_forge_target_from_github_and_woodpecker_env():
    gh = ForgeTarget.from_env({"GITHUB_ACTIONS": "true", "GITHUB_REF": "refs/pull/7/merge",
                               "GITHUB_REPOSITORY": "o/r", "GITHUB_TOKEN": "x"})
    assert (gh.api, gh.number) == ("https://api.github.com", 7)
    wp = ForgeTarget.from_env({"CI_FORGE_URL": "https://forge.example.org/", "CI_COMMIT_PULL_REQUEST": "3",
                               "CI_REPO": "o/r", "FORGE_TOKEN": "x"})
    assert (wp.api, wp.number) == ("https://forge.example.org/api/v1", 3)
    assert ForgeTarget.from_env({"CI_FORGE_URL": "https://f", "CI_REPO": "o/r"}) is None


@pytest.fixture
def fleet(repo, stub):
    repo.init_git()
    repo.write("components/__init__.py", "")
    repo.write("components/ingress.py", "X = 1\n")
    repo.write("policies/PulumiPolicy.yaml", "runtime: python\n")
    repo.stack("platform", bootstrap=True)
    repo.stack("vault", bootstrap=True, human_only=True, depends_on=("platform",),
               main="from components import ingress\n")
    repo.stack("dashy", depends_on=("platform",), main="from components.ingress import X\n")
    repo.stack("tandoor", main="import pulumi\nfrom components import ingress\n"
                               "p = pulumi.StackReference('organization/dashy/prod')\n")
    repo.stack("lonely")
    stub.adopt(repo)
    repo.commit("base")
    return repo


def ctx(fleet, stub, **env):
    logs: list[str] = []
    c = Context(fleet.root, stub.env(**env), log=logs.append, sleep=lambda s: None)
    return c, logs


def test_pr_previews_affected_stacks_and_posts_one_blocking_comment(fleet, stub, tmp_path):
    base = fleet.git("rev-parse", "HEAD")
    fleet.write("components/ingress.py", "X = 2\n")
    fleet.commit("touch ingress")
    stub.scenario({
        "preview:dashy": {"exit": 255, "stdout": fixture_text("preview_changes.json"),
                          "events": fixture_events("events_changes.jsonl")},
        "preview:tandoor": {"stdout": fixture_text("preview_clean.json")},
    })
    forge = FakeForge()
    c, _ = ctx(fleet, stub, CI="woodpecker", CI_FORGE_URL="https://forge.example.org", CI_REPO="viktor/infra",
               CI_COMMIT_PULL_REQUEST="12", FORGE_TOKEN="t", CI_PIPELINE_URL="https://ci.example.org/p/1")
    code = ci.run_pr(c, base, "HEAD", artifacts=tmp_path / "ci", http=forge)
    assert code == exitcodes.FAILED
    assert sorted(x["stack"] for x in stub.calls("preview")) == ["dashy", "tandoor"]  # vault is human-only
    argv = stub.calls("preview")[0]["argv"]
    assert "--json" in argv and "--event-log" in argv and "--policy-pack" in argv
    posts = [x for x in forge.calls if x[0] in ("POST", "PATCH")]
    assert len(posts) == 1
    body = posts[0][2]["body"]
    assert "| `dashy` | 1 | 1 | 1 | 0 | 1 mandatory, 1 advisory | BLOCKED |" in body
    assert "| `tandoor` | 0 | 0 | 0 | 0 | - | ok |" in body
    assert "replaces protected resource `urn:pulumi:prod::dashy::kubernetes:core/v1:PersistentVolumeClaim::dashy-data`" in body
    assert "`vault`: human-only" in body
    assert "https://ci.example.org/p/1" in body
    # the affected subgraph, as a Mermaid block the forge renders
    assert "```mermaid\ngraph LR\n" in body and '["dashy"]' in body and '["tandoor"]' in body
    assert (tmp_path / "ci/dashy/events.jsonl").is_file()


def test_pr_with_clean_previews_passes_and_docs_only_previews_nothing(fleet, stub, tmp_path):
    base = fleet.git("rev-parse", "HEAD")
    fleet.write("docs/notes.md", "hi\n")
    fleet.commit("docs")
    c, _ = ctx(fleet, stub, CI="true")
    assert ci.run_pr(c, base, "HEAD", artifacts=tmp_path / "ci", http=FakeForge()) == exitcodes.OK
    assert stub.calls("preview") == []
    assert "No stack is affected" in (tmp_path / "ci/comment.md").read_text()


def test_apply_runs_in_dependency_order_and_skips_human_only(fleet, stub):
    base = fleet.git("rev-parse", "HEAD")
    fleet.write("components/ingress.py", "X = 3\n")
    fleet.write("stacks/platform/__main__.py", "import pulumi  # changed\n")
    fleet.commit("change")
    c, logs = ctx(fleet, stub, **CANONICAL)
    assert ci.run_apply(c, base) == exitcodes.OK
    assert [x["stack"] for x in stub.calls("up")] == ["platform", "dashy", "tandoor"]
    assert any("[vault] SKIPPED: Tier-0 stack" in m for m in logs)


def test_apply_lock_contention_is_not_applied_and_never_green(fleet, stub):
    base = fleet.git("rev-parse", "HEAD")
    fleet.write("components/ingress.py", "X = 4\n")
    fleet.commit("change")
    stub.scenario({"up:dashy": {"exit": 255, "stderr": fixture_text("locked_stderr.txt")}})
    c, logs = ctx(fleet, stub, PU_LOCK_TIMEOUT="0", **CANONICAL)
    # the run goes on with the other stacks, but the pipeline must not look applied
    assert ci.run_apply(c, base) == exitcodes.NOT_APPLIED
    assert [x["stack"] for x in stub.calls("up")] == ["dashy", "tandoor"]
    assert any("dashy: not-applied (locked by another run; re-run this pipeline)" in m for m in logs)


def test_apply_retries_transient_errors_at_most_three_times(fleet, stub):
    base = fleet.git("rev-parse", "HEAD")
    fleet.write("stacks/lonely/__main__.py", "import pulumi  # changed\n")
    fleet.commit("change")
    transient = {"exit": 255, "stderr": "error: failed to download plugin: kubernetes-4.34.2: "
                                         "Get \"https://...\": net/http: Client.Timeout exceeded while awaiting headers\n"}
    stub.scenario({"up:lonely": [transient, transient, {"exit": 0}]})
    c, _ = ctx(fleet, stub, **CANONICAL)
    assert ci.run_apply(c, base) == exitcodes.OK
    assert len(stub.calls("up")) == 3
    stub.scenario({"up:lonely": [transient] * 5})
    assert ci.run_apply(c, base) == exitcodes.FAILED
    assert len(stub.calls("up")) == 6


def test_apply_fails_fast_on_a_real_error(fleet, stub):
    base = fleet.git("rev-parse", "HEAD")
    fleet.write("components/ingress.py", "X = 5\n")
    fleet.commit("change")
    stub.scenario({"up:dashy": {"exit": 255, "stderr": "error: kubernetes:apps/v1:Deployment resource 'x': "
                                                       "field is immutable\n"}})
    c, logs = ctx(fleet, stub, **CANONICAL)
    assert ci.run_apply(c, base) == exitcodes.FAILED
    assert [x["stack"] for x in stub.calls("up")] == ["dashy"]
    assert any("tandoor: not-attempted" in m for m in logs)


def test_mirror_forge_never_applies(fleet, stub):
    c, logs = ctx(fleet, stub, PU_CANONICAL_FORGE="forge.example.org", GITHUB_SERVER_URL="https://github.com",
                  GITHUB_ACTIONS="true", CI="true")
    assert ci.run_apply(c, "") == exitcodes.OK
    assert stub.calls() == []
    assert any("not the canonical forge" in m for m in logs)
    c, _ = ctx(fleet, stub, CI_FORGE_URL="https://forge.example.org", CI="true")
    assert ci.run_apply(c, "") == exitcodes.CONFIG


def test_restarted_pipeline_on_an_old_checkout_refuses(fleet, stub):
    old = fleet.git("rev-parse", "HEAD")
    fleet.write("stacks/lonely/__main__.py", "import pulumi  # changed\n")
    newer = fleet.commit("newer")
    fleet.git("checkout", "-q", old)
    c, logs = ctx(fleet, stub, **CANONICAL)
    assert ci.run_apply(c, newer) == exitcodes.REFUSED
    assert stub.calls("up") == []
    assert any("would revert" in m for m in logs)


def test_classifier_on_real_failure_texts():
    from tools.ops.pulumi_cli import RunResult
    from tools.ops.wrapper import OpResult

    def res(stderr):
        return OpResult("s", "failed", 255, RunResult(255, "", stderr))
    assert ci.classify(res("error: Error making API request.\n\nURL: PUT http://vault:8200/v1/transit/keys/x\n"
                           "Code: 503. Errors:\n\n* Vault is sealed\n")) == "transient"
    assert ci.classify(res(fixture_text("backend_down_stderr.txt"))) == "failed"
    assert ci.classify(OpResult("s", "locked", 75)) == "locked"


# ---------------------------------------------------------------- each blocking condition

from tools.ops.events import PolicyViolation, PreviewSummary, ResourceChange  # noqa: E402
from tools.ops.prcomment import StackPreview, render  # noqa: E402

URN = "urn:pulumi:prod::dashy::kubernetes:core/v1:PersistentVolumeClaim::dashy-data"


def preview_with(*, changes=(), violations=(), status="ok", note="", counts=None):
    s = PreviewSummary(counts=counts if counts is not None else {"same": 3}, changes=list(changes),
                       violations=list(violations), parsed=True)
    return StackPreview("dashy", status, s, note=note)


@pytest.mark.parametrize("change, blocks", [
    (ResourceChange(URN, "delete", (), protected=True), "deletes protected resource"),
    (ResourceChange(URN, "replace", ("spec",), protected=True), "replaces protected resource"),
    (ResourceChange(URN, "delete-replaced", (), protected=True), "replaces protected resource"),
    (ResourceChange(URN, "delete", (), protected=False), None),
    (ResourceChange(URN, "update", ("spec",), protected=True), None),
])
def test_protected_deletes_and_replacements_block(change, blocks):
    p = preview_with(changes=[change])
    if blocks:
        assert any(blocks in b for b in p.blocking)
        assert "BLOCKED" in render([p], commit="c" * 12)
    else:
        assert p.blocking == []


@pytest.mark.parametrize("level, blocks", [("mandatory", True), ("advisory", False), ("remediate", False)])
def test_only_mandatory_policy_violations_block(level, blocks):
    p = preview_with(violations=[PolicyViolation("ingress-auth", "homelab", level, URN, "needs auth")])
    assert bool(p.blocking) is blocks


def test_a_failed_preview_blocks_and_shows_no_counts_and_the_program_error():
    note = "ModuleNotFoundError: No module named 'components'\n  /x/stacks/dashy/__main__.py:3 in <module>"
    failed = preview_with(status="error", note=note, counts={})
    clean = preview_with()
    body = render([failed], commit="c" * 12)
    assert "| `dashy` | - | - | - | - | - | FAILED |" in body
    assert "ModuleNotFoundError: No module named 'components'" in body and "__main__.py:3" in body
    assert failed.blocking and not clean.blocking
    assert "| `dashy` | 0 | 0 | 0 | 0 | - | ok |" in render([clean], commit="c" * 12)


def test_extra_sections_are_placed_after_the_table():
    body = render([preview_with()], commit="c" * 12, sections=["**Affected subgraph**\n\n- dashy"])
    assert body.index("| `dashy`") < body.index("**Affected subgraph**")


def test_forge_guard_fails_closed():
    assert ci.forge_guard({"PU_CANONICAL_FORGE": "forge.example.org"})[0] is False
    assert "no forge is known" in ci.forge_guard({"PU_CANONICAL_FORGE": "forge.example.org"})[1]
    assert ci.forge_guard({"CI_FORGE_URL": "https://forge.example.org"})[0] is False
    assert ci.forge_guard({"PU_CANONICAL_FORGE": "forge.example.org", "CI_FORGE_URL": "https://evil.example"})[0] is False
    assert ci.forge_guard({"PU_CANONICAL_FORGE": "Forge.Example.org",
                           "CI_FORGE_URL": "https://forge.example.org/"}) == (True, "")


def test_apply_with_no_forge_known_fails_and_runs_nothing(fleet, stub):
    c, logs = ctx(fleet, stub, PU_CANONICAL_FORGE="forge.example.org", CI="true")
    assert ci.run_apply(c, "") == exitcodes.CONFIG
    assert stub.calls() == []


def test_pr_preview_of_an_uninitialised_stack_creates_nothing_and_says_how(fleet, stub, tmp_path):
    base = fleet.git("rev-parse", "HEAD")
    fleet.stack("newapp")
    fleet.commit("add newapp")
    c, _ = ctx(fleet, stub, CI="woodpecker")
    assert ci.run_pr(c, base, "HEAD", artifacts=tmp_path / "ci", http=FakeForge()) == exitcodes.OK
    assert stub.calls("stack init") == [] and stub.calls("preview") == []
    assert "scripts/pu init newapp" in (tmp_path / "ci/comment.md").read_text()


def test_apply_skips_passphrase_stacks_without_a_passphrase_and_goes_on(fleet, stub):
    base = fleet.git("rev-parse", "HEAD")
    fleet.write("components/ingress.py", "X = 9\n")
    fleet.write("stacks/platform/__main__.py", "import pulumi  # changed\n")
    fleet.commit("change")
    env = stub.env(**CANONICAL)
    env.pop("PULUMI_CONFIG_PASSPHRASE")
    logs: list[str] = []
    c = Context(fleet.root, env, log=logs.append, sleep=lambda s: None)
    assert ci.run_apply(c, base) == exitcodes.OK
    assert [x["stack"] for x in stub.calls("up")] == ["dashy", "tandoor"]
    assert any("[platform] SKIPPED: passphrase stack" in m for m in logs)


def test_pr_uses_the_base_branch_policy_pack(fleet, stub, tmp_path):
    base = fleet.git("rev-parse", "HEAD")
    fleet.write("policies/PulumiPolicy.yaml", "runtime: python\n# relaxed by the PR\n")
    fleet.write("components/ingress.py", "X = 7\n")
    fleet.commit("relax policy")
    c, logs = ctx(fleet, stub, CI="woodpecker")
    ci.run_pr(c, base, "HEAD", artifacts=tmp_path / "ci", http=FakeForge(), policy_from=base)
    [call] = [x for x in stub.calls("preview") if x["stack"] == "dashy"]
    pack = Path(call["paths"]["--policy-pack"])
    assert pack == (fleet.root / ".base-policies/policies").resolve()
    assert "relaxed" not in (pack / "PulumiPolicy.yaml").read_text()
