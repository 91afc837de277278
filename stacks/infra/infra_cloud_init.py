"""The cloud-config every template's clones boot with, built as data and dumped to YAML.

One shared snippet per template: the hostname comes from Proxmox's generated meta-data
(the clone's VM name), so nothing here is per-node. Module name prefixed with the stack for
the offline synth (many programs, one interpreter).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import yaml

WIZARD = "wizard"
# Public key of the automated Kubernetes upgrade pipeline (Vault secret/k8s-upgrade holds the
# pair); without it on a node the pipeline cannot drain and upgrade that node.
UPGRADE_PIPELINE_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIElH9x76UNA8UNxrxTjREYz4hz1fbCdRwAXbOkJ5FnSM k8s-upgrade-pipeline"
)
BASE_PACKAGES = (
    "htop", "vim", "curl", "jq", "tcpdump", "tree", "tmux", "wget", "net-tools", "zsh",
    "apt-transport-https", "ca-certificates", "gpg", "isc-dhcp-client",
    "cloud-guest-utils",  # growpart: clones grow their root disk
    "qemu-guest-agent", "nginx",
    "docker-ce", "docker-ce-cli", "containerd.io", "docker-buildx-plugin", "docker-compose-plugin",
)
K8S_PACKAGES = ("kubeadm", "kubelet", "open-iscsi")
KUBERNETES_MINOR = "v1.34"
SETUP_SCRIPT = "/usr/local/bin/k8s-node-containerd-setup.sh"
POST_JOIN_SCRIPT = "/usr/local/bin/k8s-node-post-join-tune.sh"

# Every VM: weekly TRIM for the thin pool, journald in RAM (journals ship to Loki anyway).
BASE_RUNCMD = (
    "systemctl enable --now fstrim.timer",
    "mkdir -p /etc/systemd/journald.conf.d",
    "printf '[Journal]\\nStorage=volatile\\nRuntimeMaxUse=200M\\nCompress=yes\\n' > /etc/systemd/journald.conf.d/90-oflt-volatile.conf",
    "rm -rf /var/log/journal",
    "systemctl restart systemd-journald",
)

# Unattended upgrades with the runtime and Kubernetes packages held back; reboots are left
# to kured.
UNATTENDED_UPGRADES_K8S = """\
cat > /etc/apt/apt.conf.d/52unattended-upgrades-k8s <<'EOF'
Unattended-Upgrade::Allowed-Origins {
    "${distro_id}:${distro_codename}";
    "${distro_id}:${distro_codename}-security";
    "${distro_id}:${distro_codename}-updates";
    "${distro_id}ESMApps:${distro_codename}-apps-security";
    "${distro_id}ESM:${distro_codename}-infra-security";
};
Unattended-Upgrade::Package-Blacklist {
    "^containerd(\\.io)?$";
    "^runc$";
    "^cri-tools$";
    "^kubernetes-cni$";
    "^calico-.*";
    "^cni-plugins-.*";
    "^docker-ce$";
};
Unattended-Upgrade::DevRelease "false";
Unattended-Upgrade::Automatic-Reboot "false";
EOF
"""
AUTO_UPGRADES = """\
cat > /etc/apt/apt.conf.d/20auto-upgrades <<'EOF'
APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "1";
EOF
"""
ISCSI_DIGESTS = """\
if ! grep -q '^node.conn\\[0\\].iscsi.HeaderDigest' /etc/iscsi/iscsid.conf; then
  echo 'node.conn[0].iscsi.HeaderDigest = CRC32C,None' >> /etc/iscsi/iscsid.conf
  echo 'node.conn[0].iscsi.DataDigest = CRC32C,None' >> /etc/iscsi/iscsid.conf
fi
"""


def k8s_runcmd(join_command: str) -> list[str]:
    """Node bootstrap: upgrades policy, containerd setup, iSCSI hardening, swap off, join, tune."""
    return [
        "apt-get install -y unattended-upgrades update-notifier-common",
        UNATTENDED_UPGRADES_K8S,
        AUTO_UPGRADES,
        "systemctl unmask unattended-upgrades 2>/dev/null || true",
        "systemctl enable --now unattended-upgrades",
        "apt-mark hold kubelet kubeadm kubectl",
        "apt-mark hold containerd containerd.io runc 2>/dev/null || true",
        "systemctl stop kubelet",
        "containerd config default | sudo tee /etc/containerd/config.toml",
        f"bash {SETUP_SCRIPT}",
        "systemctl restart containerd",
        "systemctl enable --now iscsid",
        # Longer session recovery and CRC32C digests: survive transient iSCSI drops intact.
        "sed -i 's/^node.session.timeo.replacement_timeout = .*/node.session.timeo.replacement_timeout = 300/' /etc/iscsi/iscsid.conf",
        "sed -i 's/^node.conn\\[0\\].timeo.noop_out_interval = .*/node.conn[0].timeo.noop_out_interval = 10/' /etc/iscsi/iscsid.conf",
        "sed -i 's/^node.conn\\[0\\].timeo.noop_out_timeout = .*/node.conn[0].timeo.noop_out_timeout = 15/' /etc/iscsi/iscsid.conf",
        ISCSI_DIGESTS,
        "systemctl restart iscsid",
        "mkdir -p /sentinel",  # kured's reboot sentinel gate
        "swapoff -a",  # kubelet refuses to start with swap on
        "sed -i '/ swap / s/^/#/' /etc/fstab",
        join_command,
        "systemctl enable kubelet",
        "systemctl start kubelet",
        # After the join: /var/lib/kubelet/config.yaml exists only from here on.
        f"bash {POST_JOIN_SCRIPT}",
    ]


def cloud_config(*, k8s: bool, ssh_public_key: str, passwd: str, join_command: str = "",
                 setup_script: str = "", post_join_script: str = "",
                 provision_cmds: Sequence[str] = ()) -> str:
    """The `#cloud-config` document of one template's snippet."""
    apt_sources: dict = {}
    if k8s:
        apt_sources["kubernetes"] = {
            "source": f"deb https://pkgs.k8s.io/core:/stable:/{KUBERNETES_MINOR}/deb/ /",
            "keyid": "DE15B14486CD377B9E876E1A234654DA9A296436",
            "filename": "kubernetes.list",
        }
    apt_sources["docker"] = {
        "source": "deb https://download.docker.com/linux/ubuntu noble stable",
        "keyid": "9DC858229FC7DD38854AE2D88D81803C0EBFCD88",
        "filename": "docker.list",
    }
    document: dict = {
        "manage_etc_hosts": True,
        "users": [{
            "name": WIZARD,
            "sudo": "ALL=(ALL) NOPASSWD:ALL",
            # An empty key renders as a null entry, as upstream's template did.
            "ssh_authorized_keys": [ssh_public_key or None, UPGRADE_PIPELINE_KEY],
            "passwd": passwd,
            "lock_passwd": False,
            "shell": "/bin/bash",
        }],
        "package_update": True,
        "package_upgrade": True,
        "packages": list(BASE_PACKAGES) + (list(K8S_PACKAGES) if k8s else []),
        "apt": {"sources": apt_sources},
    }
    runcmd = list(BASE_RUNCMD)
    if k8s:
        # Base64 keeps YAML from touching the heredocs inside the scripts.
        document["write_files"] = [
            {"path": path, "permissions": "0755", "owner": "root:root", "encoding": "b64",
             "content": base64.b64encode(body.encode()).decode()}
            for path, body in ((SETUP_SCRIPT, setup_script), (POST_JOIN_SCRIPT, post_join_script))
        ]
        runcmd += k8s_runcmd(join_command)
    runcmd += list(provision_cmds)
    document["runcmd"] = runcmd
    return "#cloud-config\n" + yaml.safe_dump(document, sort_keys=False, width=4096)
