"""`make bring-over`: the operator's content from a (fake) Terraform checkout.

The checkout is built in tmp_path from the manifest with invented content; the project
never holds the upstream files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from components.payload import is_placeholder
from tools.import_plan import bring_over
from tools.import_plan.bring_over import GIT_CRYPT_HEADER, load_manifest, main, render_table

REPO = Path(__file__).resolve().parents[2]
ENTRIES = load_manifest()


def _fake_body(entry) -> str:
    return f"# fake operator content for {entry.dest}\nvalue = 1\n"


# A literal HCL object like upstream's Loki rules, and what terraform 1.11.4 printed for
# `yamlencode` of it (checked once against the real binary; the test needs none).
_RULES_HCL = """{
      groups = [
        {
          name = "Fake"
          rules = [
            {
              # the comment is not part of the value
              alert = "FakeAlert"
              expr  = "sum(count_over_time({job=\\"x\\"} |~ \\"(?i)oops\\" [5m])) > 0"
              for   = "5m"
              labels = { severity = "warning" }
              annotations = {
                summary     = "Fake on {{ $labels.node }}"
                description = <<-EOT
                  First line of the runbook.
                    An indented line.
                  Last line.
                EOT
              }
            },
            {
              record = "fake:rate1m"
              expr   = "sum(rate({job=\\"x\\"}[1m]))"
            },
          ]
        }
      ]
    }"""
_RULES_YAML = (
    '"groups":\n- "name": "Fake"\n  "rules":\n  - "alert": "FakeAlert"\n    "annotations":\n'
    '      "description": |\n        First line of the runbook.\n          An indented line.\n        Last line.\n'
    '      "summary": "Fake on {{ $labels.node }}"\n'
    '    "expr": "sum(count_over_time({job=\\"x\\"} |~ \\"(?i)oops\\" [5m])) > 0"\n    "for": "5m"\n'
    '    "labels":\n      "severity": "warning"\n  - "expr": "sum(rate({job=\\"x\\"}[1m]))"\n'
    '    "record": "fake:rate1m"\n')


def _yamlencode_tf(entries, value: str = _RULES_HCL) -> str:
    """A .tf file with one block per entry holding `"<key>" = yamlencode(<value>)` in its data."""
    return "\n".join(
        f'resource "{e.yamlencode.resource}" "y{i}" {{\n'
        f'  metadata {{\n    name      = "{e.yamlencode.name}"\n    namespace = "monitoring"\n  }}\n'
        f'  data = {{\n    "{e.yamlencode.key}" = yamlencode({value})\n  }}\n}}\n' for i, e in enumerate(entries))


def _heredoc_tf(entries) -> str:
    """A .tf file holding the heredocs the entries name, written like upstream HCL: one block
    per resource name (several heredoc attributes share it, an attribute's heredocs in
    ``occurrence`` order), a `variable` block per variable."""
    groups: dict[tuple[str, str], dict[str, int]] = {}
    for entry in entries:
        h = entry.heredoc
        attributes = groups.setdefault((h.resource, h.name), {})
        attributes[h.attribute] = max(attributes.get(h.attribute, 0), h.occurrence + 1)
    blocks = []
    for i, ((resource, name), attributes) in enumerate(groups.items()):
        if resource == bring_over.VARIABLE:
            blocks.append(f'variable "{name}" {{\n  default = <<EOT\n# fake default of {name}\nvalue = 1\nEOT\n}}\n')
            continue
        body = "".join(
            f'  {attribute} = trimspace(<<-EOT\n'
            f'    # fake policy {name} {attribute}\n'
            f'    if request.user:\n'
            f'        return True\n'
            f'    return False\n'
            f'  EOT\n'
            f'  )\n' for attribute, count in attributes.items() for _ in range(count))
        blocks.append(f'resource "{resource}" "p{i}" {{\n  name = "{name}"\n{body}}}\n')
    return "\n".join(blocks)


def _checkout(root: Path) -> Path:
    checkout = root / "infra"
    by_source: dict[str, list] = {}
    for entry in ENTRIES:
        by_source.setdefault(entry.source, []).append(entry)
    for source, entries in by_source.items():
        path = checkout / source
        path.parent.mkdir(parents=True, exist_ok=True)
        if entries[0].heredoc or entries[0].yamlencode:
            path.write_text(_heredoc_tf([e for e in entries if e.heredoc])
                            + _yamlencode_tf([e for e in entries if e.yamlencode]))
        else:
            path.write_text(_fake_body(entries[0]))
    return checkout


def _tree(root: Path) -> Path:
    """A copy of every manifest destination as committed (the placeholders)."""
    tree = root / "repo"
    for entry in ENTRIES:
        target = tree / entry.dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / entry.dest, target)
    return tree


def _contents(tree: Path) -> dict[str, bytes]:
    return {e.dest: (tree / e.dest).read_bytes() for e in ENTRIES}


def test_docs_table_is_rendered_from_the_manifest() -> None:
    doc = (REPO / "docs" / "migration.md").read_text()
    assert render_table(ENTRIES) in doc


def test_manifest_covers_every_placeholder_file() -> None:
    """After bring-over no payload is a placeholder, so a real `up` no longer refuses."""
    placeholders = sorted(
        str(p.relative_to(REPO)) for p in REPO.glob("stacks/*/files/**/*")
        if p.is_file() and is_placeholder(p.read_text(encoding="utf-8", errors="replace")))
    assert placeholders == sorted(e.dest for e in ENTRIES)


def test_copies_every_file_and_reports_it(tmp_path: Path, capsys) -> None:
    checkout, tree = _checkout(tmp_path), _tree(tmp_path)
    assert main(["--from", str(checkout)], root=tree) == 0
    out = capsys.readouterr().out
    for entry in ENTRIES:
        text = (tree / entry.dest).read_text()
        assert not is_placeholder(text)
        assert f"copied     {entry.dest}  <- {entry.source}" in out
    assert f"bring-over: {len(ENTRIES)} written, 0 already up to date" in out
    # Heredoc: indentation removed as Terraform's <<- does, trimspace applied.
    policy = next(e for e in ENTRIES if e.heredoc)
    assert (tree / policy.dest).read_text() == (
        f"# fake policy {policy.heredoc.name} {policy.heredoc.attribute}\nif request.user:\n    return True\nreturn False\n")
    # yamlencode: the literal object rendered as Terraform's yamlencode wrote it.
    rules = next(e for e in ENTRIES if e.yamlencode)
    assert (tree / rules.dest).read_text() == _RULES_YAML
    assert main(["--from", str(checkout)], root=tree) == 0
    assert f"0 written, {len(ENTRIES)} already up to date" in capsys.readouterr().out


def test_missing_source_writes_nothing(tmp_path: Path, capsys) -> None:
    checkout, tree = _checkout(tmp_path), _tree(tmp_path)
    (checkout / ENTRIES[0].source).unlink()
    before = _contents(tree)
    assert main(["--from", str(checkout)], root=tree) == 2
    err = capsys.readouterr().err
    assert f"{ENTRIES[0].dest}: {checkout / ENTRIES[0].source}: not found in the Terraform checkout" in err
    assert err.rstrip().endswith("nothing written")
    assert _contents(tree) == before


def test_git_crypt_encrypted_source_is_refused(tmp_path: Path, capsys) -> None:
    checkout, tree = _checkout(tmp_path), _tree(tmp_path)
    entry = next(e for e in ENTRIES if e.dest.endswith("conf.yml"))
    (checkout / entry.source).write_bytes(GIT_CRYPT_HEADER + b"\x8a\x01ciphertext")
    before = _contents(tree)
    assert main(["--from", str(checkout)], root=tree) == 2
    assert "encrypted by git-crypt; run `git-crypt unlock` in the checkout first" in capsys.readouterr().err
    assert _contents(tree) == before


def test_real_content_is_not_overwritten_without_force(tmp_path: Path, capsys) -> None:
    checkout, tree = _checkout(tmp_path), _tree(tmp_path)
    edited = tree / ENTRIES[0].dest
    edited.write_text("operator's own edit\n")
    before = _contents(tree)
    assert main(["--from", str(checkout)], root=tree) == 1
    err = capsys.readouterr().err
    assert f"{ENTRIES[0].dest} holds real content that differs from {ENTRIES[0].source}; pass --force" in err
    assert _contents(tree) == before  # not even the placeholders were replaced
    assert main(["--from", str(checkout), "--force"], root=tree) == 0
    assert f"overwrote  {ENTRIES[0].dest}" in capsys.readouterr().out
    assert edited.read_text() == _fake_body(ENTRIES[0])


def test_heredoc_with_terraform_interpolation_is_refused(tmp_path: Path, capsys) -> None:
    checkout, tree = _checkout(tmp_path), _tree(tmp_path)
    policy = next(e for e in ENTRIES if e.heredoc)
    path = checkout / policy.source
    path.write_text(path.read_text().replace("# fake policy", "# group ${authentik_group.x.name}", 1))
    assert main(["--from", str(checkout)], root=tree) == 2
    assert "interpolates Terraform values" in capsys.readouterr().err


def test_heredoc_escapes_become_literal(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    policy = next(e for e in ENTRIES if e.heredoc)
    path = checkout / policy.source
    path.write_text(path.read_text().replace("return False", 'return f"$${x} %%{y}"', 1))
    assert 'return f"${x} %{y}"' in bring_over.read_source(checkout, policy).decode()


def test_from_is_required(capsys) -> None:
    assert main(["--from", ""]) == 2
    assert "FROM is required" in capsys.readouterr().err


def test_synth_passes_after_bring_over(tmp_path: Path) -> None:
    """The brought-over tree still synthesizes: the programs accept real content."""
    tree = tmp_path / "repo"
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    for rel in files:
        if (REPO / rel).is_file():
            (tree / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO / rel, tree / rel)
    assert main(["--from", str(_checkout(tmp_path))], root=tree) == 0
    stacks = sorted({e.dest.split("/")[1] for e in ENTRIES})
    result = subprocess.run([sys.executable, "-m", "tools.synth", "--out", str(tmp_path / "synth"),
                             "--stacks", *stacks], cwd=tree, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(stacks)} stacks" in result.stdout and "0 failed" in result.stdout


def test_heredoc_as_the_last_element_of_a_list(tmp_path: Path) -> None:
    source = tmp_path / "main.tf"
    source.write_text(
        'resource "kubernetes_job_v1" "fetch" {\n'
        '  metadata {\n    name = "fetch-data"\n  }\n'
        '  container {\n'
        '    command = ["/bin/bash", "-c", <<-EOT\n'
        '      set -eu\n'
        '      echo "$${HOME}"\n'
        '    EOT\n'
        '    ]\n'
        '  }\n'
        '}\n')
    entry = bring_over.Entry("stacks/x/files/fetch.sh", "main.tf", "test",
                             bring_over.Heredoc(resource="kubernetes_job_v1", name="fetch-data", attribute="command"))
    assert bring_over.read_source(tmp_path, entry).decode() == 'set -eu\necho "${HOME}"\n'


def test_heredoc_in_a_list_opened_on_an_earlier_line(tmp_path: Path) -> None:
    source = tmp_path / "main.tf"
    source.write_text(
        'resource "kubernetes_job" "init" {\n'
        '  metadata {\n    name = "db-init"\n  }\n'
        '  container {\n'
        '    command = [\n'
        '      "sh", "-c",\n'
        '      <<-EOT\n'
        '        set -e\n'
        '        echo ok\n'
        '      EOT\n'
        '    ]\n'
        '  }\n'
        '}\n')
    entry = bring_over.Entry("stacks/x/files/init.sh", "main.tf", "test",
                             bring_over.Heredoc(resource="kubernetes_job", name="db-init", attribute="command"))
    assert bring_over.read_source(tmp_path, entry).decode() == "set -e\necho ok\n"


def test_heredoc_keeps_listed_interpolations_as_tokens(tmp_path: Path, capsys) -> None:
    source = tmp_path / "main.tf"
    source.write_text(
        'resource "kubernetes_cron_job_v1" "sync" {\n'
        '  metadata {\n    name = "sync-${var.name}"\n  }\n'
        '  container {\n'
        '    command = ["/bin/sh", "-c", <<-EOT\n'
        "      USER='${var.name}' KEY='${random_string.key.result}'\n"
        "      curl -w '%%{http_code}' \"$${URL}\"\n"
        '    EOT\n'
        '    ]\n'
        '  }\n'
        '}\n')
    keep = {"var.name": "@USER@", "random_string.key.result": "@KEY@"}
    entry = bring_over.Entry("stacks/x/files/sync.sh", "main.tf", "test", bring_over.Heredoc(
        resource="kubernetes_cron_job_v1", name="sync-${var.name}", attribute="command", keep=keep))
    assert bring_over.read_source(tmp_path, entry).decode() == (
        "USER='@USER@' KEY='@KEY@'\ncurl -w '%{http_code}' \"${URL}\"\n")
    # An interpolation that is not listed is still refused.
    partial = bring_over.Entry(entry.dest, entry.source, entry.reason, bring_over.Heredoc(
        resource="kubernetes_cron_job_v1", name="sync-${var.name}", attribute="command", keep={"var.name": "@USER@"}))
    with pytest.raises(bring_over.BringOverError, match="interpolates Terraform values"):
        bring_over.read_source(tmp_path, partial)


def test_heredoc_as_the_last_element_of_a_multiline_list(tmp_path: Path) -> None:
    source = tmp_path / "main.tf"
    source.write_text(
        'resource "kubernetes_job" "init" {\n'
        '  metadata {\n    name = "app-db-init"\n  }\n'
        '  container {\n'
        '    command = [\n'
        '      "sh", "-c",\n'
        '      <<-EOT\n'
        '        set -e\n'
        '        echo done\n'
        '      EOT\n'
        '    ]\n'
        '  }\n'
        '}\n')
    entry = bring_over.Entry("stacks/x/files/init.sh", "main.tf", "test",
                             bring_over.Heredoc(resource="kubernetes_job", name="app-db-init", attribute="command"))
    assert bring_over.read_source(tmp_path, entry).decode() == "set -e\necho done\n"


def test_heredoc_occurrence_picks_the_nth(tmp_path: Path) -> None:
    source = tmp_path / "main.tf"
    source.write_text(
        'resource "kubernetes_deployment" "app" {\n'
        '  metadata {\n    name = "app"\n  }\n'
        '  init_container {\n    command = ["sh", "-c", <<-EOT\n      echo init\n    EOT\n    ]\n  }\n'
        '  container {\n    command = ["sh", "-c", <<-EOT\n      echo main\n    EOT\n    ]\n  }\n'
        '}\n')
    def entry(n: int):
        return bring_over.Entry("stacks/x/files/s.sh", "main.tf", "test", bring_over.Heredoc(
            resource="kubernetes_deployment", name="app", attribute="command", occurrence=n))
    assert bring_over.read_source(tmp_path, entry(0)).decode() == "echo init\n"
    assert bring_over.read_source(tmp_path, entry(1)).decode() == "echo main\n"
    with pytest.raises(bring_over.BringOverError, match="number 2"):
        bring_over.read_source(tmp_path, entry(2))


def test_variable_default_heredoc_is_taken_verbatim() -> None:
    text = ('variable "other" {\n  default = <<EOT\nnot this\nEOT\n}\n'
            'variable "postfix_cf" {\n  default = <<EOT\nrelayhost = [relay]:587\nlimit = $${x}\nEOT\n}\n')
    spec = bring_over.Heredoc(bring_over.VARIABLE, "postfix_cf", "default")
    assert bring_over._heredoc_body(text, spec, "t") == "relayhost = [relay]:587\nlimit = ${x}\n"


def _rules_entry(**spec):
    spec = {"resource": "kubernetes_config_map", "name": "loki-alert-rules", "key": "rules.yaml", **spec}
    return bring_over.Entry("stacks/x/files/rules.yaml", "loki.tf", "test", yamlencode=bring_over.YamlEncode(**spec))


def test_yamlencode_entry_renders_the_literal_object(tmp_path: Path) -> None:
    entry = _rules_entry()
    (tmp_path / "loki.tf").write_text(
        'resource "kubernetes_config_map" "other" {\n  metadata {\n    name = "other"\n  }\n'
        '  data = {\n    "rules.yaml" = yamlencode({ a = 1 })\n  }\n}\n\n' + _yamlencode_tf([entry]))
    assert bring_over.read_source(tmp_path, entry).decode() == _RULES_YAML


@pytest.mark.parametrize("change, line, reason", [
    ('for   = "5m"', 'for   = "${var.window}"', "an interpolation `${...}` is not a literal value"),
    ('for   = "5m"', "for   = local.window", "`local` is a reference"),
    ('for   = "5m"', 'for   = format("%dm", 5)', "`format` is a function call"),
    ("Last line.", "Last %{ if x }line%{ endif }.", "a template directive `%{...}`"),
    ('for   = "5m"', 'for   = "5m" + 1', "unexpected '+ 1"),
])
def test_yamlencode_entry_refuses_what_needs_terraform(tmp_path: Path, capsys, change, line, reason) -> None:
    entry = _rules_entry()
    text = _yamlencode_tf([entry])
    assert change in text
    (tmp_path / "loki.tf").write_text(text.replace(change, line, 1))
    lineno = next(n for n, row in enumerate(text.replace(change, line, 1).splitlines(), 1) if line in row)
    with pytest.raises(bring_over.BringOverError) as caught:
        bring_over.read_source(tmp_path, entry)
    message = str(caught.value)
    assert message.startswith(f"stacks/x/files/rules.yaml: {tmp_path / 'loki.tf'}: "
                              f"`kubernetes_config_map` `loki-alert-rules` `rules.yaml`, line {lineno}: ")
    assert reason in message


def test_yamlencode_entry_needs_the_block_and_the_key(tmp_path: Path) -> None:
    (tmp_path / "loki.tf").write_text(_yamlencode_tf([_rules_entry()]))
    with pytest.raises(bring_over.BringOverError, match="expected one `kubernetes_config_map` with name"):
        bring_over.read_source(tmp_path, _rules_entry(name="nope"))
    with pytest.raises(bring_over.BringOverError, match=r"has 0 `other.yaml = yamlencode\(...\)`"):
        bring_over.read_source(tmp_path, _rules_entry(key="other.yaml"))


def test_manifest_yamlencode_spec_is_checked(tmp_path: Path) -> None:
    manifest = tmp_path / "m.toml"
    manifest.write_text('[[file]]\ndest = "a"\nsource = "b"\nreason = "c"\n'
                        'yamlencode = { resource = "kubernetes_config_map", name = "x" }\n')
    with pytest.raises(bring_over.BringOverError, match="yamlencode needs exactly resource, name and key"):
        load_manifest(manifest)
    manifest.write_text('[[file]]\ndest = "a"\nsource = "b"\nreason = "c"\n'
                        'yamlencode = { resource = "r", name = "x", key = "k" }\n'
                        'heredoc = { resource = "r", name = "x", attribute = "a" }\n')
    with pytest.raises(bring_over.BringOverError, match="both heredoc and yamlencode"):
        load_manifest(manifest)
    [entry] = [e for e in ENTRIES if e.yamlencode]
    assert entry.upstream_cell() == ("`stacks/monitoring/modules/monitoring/loki.tf` "
                                     "(yamlencode of `kubernetes_config_map` `loki-alert-rules` key `rules.yaml`)")
