"""First-boot commands of the docker-registry template: the pull-through caches and the
private registry as a Docker Compose stack under /opt/registry, with its cron jobs.

Files are shipped inline as `echo <base64> | base64 -d > <path>` so that the snippet stays
one self-contained cloud-config. Module name prefixed with the stack for the offline synth.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from string import Template

ROOT = "/opt/registry"
# Pull-through caches (name -> upstream registry); `dockerhub` has its own authenticated config.
PROXIES: tuple[tuple[str, str], ...] = (
    ("ghcr", "https://ghcr.io"),
    ("quay", "https://quay.io"),
    ("k8s", "https://registry.k8s.io"),
    ("kyverno", "https://reg.kyverno.io"),
)
# Weekly garbage collection, staggered five minutes apart (Sunday from 03:00).
GC_ORDER = ("dockerhub", "ghcr", "quay", "k8s", "kyverno", "private")
KEEP_TAGS = 10

COMPOSE_UNIT = """\
[Unit]
Description=Docker Compose Registry Stack
After=docker.service
Requires=docker.service

[Service]
Type=oneshot
RemainAfterExit=yes
WorkingDirectory=/opt/registry
ExecStart=/usr/bin/docker compose up -d --remove-orphans
ExecStop=/usr/bin/docker compose down
TimeoutStartSec=300

[Install]
WantedBy=multi-user.target
"""


def write_file(path: str, content: str, then: str = "") -> str:
    encoded = base64.b64encode(content.encode()).decode()
    return f"echo {encoded} | base64 -d > {path}" + (f" && {then}" if then else "")


def cron(line: str) -> str:
    return f"( crontab -l 2>/dev/null; echo '{line}' ) | crontab -"


def provision_commands(*, load: Callable[[str], str], registry_user: str, registry_password: str,
                       dockerhub_password: str, tls_chain: str, tls_key: str) -> list[str]:
    """The template's extra `runcmd` entries, in upstream order.

    ``load`` reads a payload under files/docker-registry/.
    """
    dirs = " ".join(f"{ROOT}/data/{name}" for name in ("dockerhub", "ghcr", "quay", "k8s", "kyverno", "private"))
    proxy_template = Template(load("config-proxy.yml.tpl"))
    commands = [
        "apt-get install -y qemu-guest-agent apache2-utils",
        "systemctl enable qemu-guest-agent",
        "systemctl start qemu-guest-agent",
        # nginx runs inside Compose; the host package from the base packages stays off.
        "systemctl stop nginx || true",
        "systemctl disable nginx || true",
        f"mkdir -p {dirs} {ROOT}/tls",
        f"htpasswd -Bbn {registry_user} {registry_password} > {ROOT}/htpasswd",
        write_file(f"{ROOT}/docker-compose.yml", load("docker-compose.yml")),
        write_file(f"{ROOT}/nginx.conf", load("nginx_registry.conf")),
        write_file(f"{ROOT}/tls/fullchain.pem", tls_chain),
        write_file(f"{ROOT}/tls/privkey.pem", tls_key, then=f"chmod 600 {ROOT}/tls/privkey.pem"),
        write_file(f"{ROOT}/config-dockerhub.yml",
                   Template(load("config-dockerhub.yml.tpl")).safe_substitute(password=dockerhub_password)),
        *[
            write_file(f"{ROOT}/config-{name}.yml", proxy_template.safe_substitute(name=name, remote_url=url))
            for name, url in PROXIES
        ],
        write_file(f"{ROOT}/config-private.yml", load("config-private.yml")),
        write_file(f"{ROOT}/cleanup-tags.sh", load("cleanup-tags.sh"), then=f"chmod +x {ROOT}/cleanup-tags.sh"),
        write_file(f"{ROOT}/fix-broken-blobs.sh", load("fix-broken-blobs.sh"), then=f"chmod +x {ROOT}/fix-broken-blobs.sh"),
        write_file("/etc/systemd/system/docker-compose-registry.service", COMPOSE_UNIT),
        "systemctl daemon-reload",
        "systemctl enable docker-compose-registry.service",
        "systemctl start docker-compose-registry.service",
    ]
    commands += [
        cron(f"{i * 5} 3 * * 0 /usr/bin/docker exec registry-{name} registry garbage-collect "
             f"-m /etc/docker/registry/config.yml >> /var/log/registry-gc.log 2>&1")
        for i, name in enumerate(GC_ORDER)
    ]
    commands += [
        cron(f"0 2 * * * python3 {ROOT}/cleanup-tags.sh {KEEP_TAGS} >> /var/log/registry-cleanup.log 2>&1"),
        # Blob integrity: after Sunday's GC, and daily after the tag cleanup.
        cron(f"30 3 * * 0 python3 {ROOT}/fix-broken-blobs.sh >> /var/log/registry-fix-blobs.log 2>&1"),
        cron(f"30 2 * * 1-6 python3 {ROOT}/fix-broken-blobs.sh >> /var/log/registry-fix-blobs.log 2>&1"),
    ]
    return commands
