"""`make new-stack NAME=<name>`: write a working stack and its test.

The result synthesizes and passes the policy pack as written: a namespace, the wildcard TLS
secret, one WebApp (Deployment + Service) and an ingress with Authentik login required.
Replace the image, port and resources with the app's own, then `make synth STACKS=<name>`.

    python -m tools.new_stack <name> [--root <repo>] [--description TEXT]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Kubernetes namespace rules (a DNS-1123 label), which also keep the name valid as a Pulumi
# project, a hostname label and (with '-' -> '_') a test module name.
NAME_RE = re.compile(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?")


class ScaffoldError(Exception):
    pass


def check_name(root: Path, name: str) -> None:
    if not NAME_RE.fullmatch(name or ""):
        raise ScaffoldError(
            f"stack name {name!r} is not usable: it becomes the namespace, the Pulumi project and the "
            "host name, so it must be lowercase letters, digits and '-', start with a letter, end with a "
            "letter or digit, at most 63 characters (e.g. NAME=recipe-box)")
    existing = root / "stacks" / name
    if existing.exists():
        raise ScaffoldError(f"stacks/{name} already exists; pick another name (a live stack's directory "
                            "is its URN identity and is never reused or renamed)")
    test = root / "tests" / "stacks" / f"test_{name.replace('-', '_')}.py"
    if test.exists():
        raise ScaffoldError(f"{test.relative_to(root)} already exists; pick another name")


def files(name: str, description: str, secrets_provider: str) -> dict[str, str]:
    """Relative path -> content of everything the scaffold writes."""
    test_module = name.replace("-", "_")
    return {
        f"stacks/{name}/Pulumi.yaml": (
            f"name: {name}\n"
            f"description: {description}\n"
            "runtime:\n  name: python\n  options:\n    toolchain: pip\n    virtualenv: ../../.venv\n"
        ),
        f"stacks/{name}/Pulumi.prod.yaml": (
            "# Stack `prod`. The secrets provider is fixed per stack (docs/state.md); the first\n"
            f"# `scripts/pu preview {name}` creates the stack with it and adds `encryptedkey:`.\n"
            "# Secrets only through `pulumi config set --secret` (they land here as `secure:`).\n"
            f"secretsprovider: {secrets_provider}\n"
            "config: {}\n"
        ),
        f"stacks/{name}/stack.yaml": "bootstrap: false\nhuman_only: false\ndepends_on: [platform]\n",
        f"stacks/{name}/__main__.py": f'''"""{name}: {description}."""

import pulumi

from components.constants import TIER_AUX
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs

settings = ClusterSettings.load()
NS = APP = "{name}"

namespace = Namespace(NS, NamespaceArgs(tier=TIER_AUX))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Replace the image (pinned tag), port and resources with the app's own.
WebApp(APP, WebAppArgs(
    namespace=NS,
    tier=TIER_AUX,
    containers=[{{
        "name": APP,
        "image": "docker.io/nginxinc/nginx-unprivileged:1.27.3",
        "ports": [{{"container_port": 8080}}],
        "resources": {{"requests": {{"cpu": "10m", "memory": "64Mi"}}, "limits": {{"memory": "64Mi"}}}},
    }}],
    service_ports=[{{"name": "http", "port": 80, "target_port": 8080}}],
), opts=ns_opts)

# Authentik login in front (auth="required"): the safe default until the app's own auth
# posture is decided (docs/adding-a-service.md, step 3).
ingress = IngressFactory(APP, IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="proxied",
), opts=ns_opts)

pulumi.export("host", ingress.host)
''',
        f"tests/stacks/test_{test_module}.py": f'''"""{name}: the objects an outage would be about."""

from components import constants as c


def test_ingress_requires_authentik_login(synth_stack):
    stack = synth_stack("{name}")
    ingress = stack.k8s("Ingress", "{name}", "{name}")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations[c.AUTH_ANNOTATION] == "required"
    assert c.MW_FORWARD_AUTH in annotations[c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")
    assert ingress["spec"]["rules"][0]["host"] == "{name}.viktorbarzin.me"


def test_deployment_and_service(synth_stack):
    stack = synth_stack("{name}")
    deployment = stack.k8s("Deployment", "{name}", "{name}")["inputs"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "docker.io/nginxinc/nginx-unprivileged:1.27.3"
    service = stack.k8s("Service", "{name}", "{name}")["inputs"]
    assert service["spec"]["ports"] == [{{"name": "http", "port": 80, "targetPort": 8080}}]
''',
    }


def scaffold(root: Path, name: str, description: str | None = None) -> list[Path]:
    """Write the stack and its test under ``root``; nothing is written if a check fails."""
    check_name(root, name)
    description = description or f"{name} web app"
    if "\n" in description or ":" in description:
        raise ScaffoldError("the description is one line without ':' (it goes into Pulumi.yaml as is)")
    from tools.ops.backend import secrets_provider
    from tools.ops.repo import StackMeta, list_stacks, load_stack_meta

    metas = {s: load_stack_meta(root, s) for s in list_stacks(root)}
    metas[name] = StackMeta(name=name, depends_on=("platform",))
    written = []
    for relative, text in files(name, description, secrets_provider(name, metas)).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make new-stack NAME=<name>", description=__doc__.splitlines()[0])
    parser.add_argument("name", nargs="?", default="")
    parser.add_argument("--root", type=Path, default=REPO)
    parser.add_argument("--description")
    args = parser.parse_args(argv)
    try:
        written = scaffold(args.root, args.name, args.description)
    except ScaffoldError as exc:
        print(f"new-stack: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"new-stack: wrote {path.relative_to(args.root)}")
    print(f"new-stack: next: edit stacks/{args.name}/__main__.py, then `make synth STACKS={args.name}`, "
          f"`.venv/bin/python -m pytest -q tests/stacks/test_{args.name.replace('-', '_')}.py` "
          "(docs/adding-a-service.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
