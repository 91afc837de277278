"""Helm values of the Vault release: 3-node Raft HA with the auto-unseal and audit-tail sidecars."""

from __future__ import annotations

from pathlib import Path

from components.payload import load_payload

STACK_DIR = Path(__file__).resolve().parent
VAULT_IMAGE = "hashicorp/vault:1.18.1"
# Raft fsyncs badly on NFS: both volumes live on encrypted local LVM.
STORAGE_CLASS = "proxmox-lvm-encrypted"


def helm_values() -> dict:
    return {
        "global": {"enabled": True},
        "server": {
            "enabled": True,
            "resources": {"requests": {"memory": "384Mi", "cpu": "100m"}, "limits": {"memory": "384Mi"}},
            "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
            "dataStorage": {"enabled": True, "size": "2Gi", "storageClass": STORAGE_CLASS},
            # No `annotations` here: they would land in the StatefulSet's immutable
            # volumeClaimTemplates. The autoresizer annotations are patched onto the live
            # PVCs instead (audit-pvc-autoresizer-* in __main__.py).
            "auditStorage": {"enabled": True, "size": "2Gi", "storageClass": STORAGE_CLASS},
            "standalone": {"enabled": False},
            "ha": {
                "enabled": True,
                "replicas": 3,
                "raft": {"enabled": True, "setNodeId": True,
                         "config": load_payload(STACK_DIR, "server-config.hcl")},
            },
            "statefulSet": {"securityContext": {"pod": {
                # OnRootMismatch avoids a recursive chown on every restart; the other four
                # restate the chart defaults, which a custom `pod` block would otherwise drop.
                "fsGroupChangePolicy": "OnRootMismatch",
                "fsGroup": 1000,
                "runAsGroup": 1000,
                "runAsUser": 100,
                "runAsNonRoot": True,
            }}},
            "extraVolumes": [{"type": "secret", "name": "vault-unseal-key"}],
            "extraContainers": [
                {
                    "name": "auto-unseal",
                    "image": VAULT_IMAGE,
                    "command": ["/bin/sh", "-c"],
                    "args": [load_payload(STACK_DIR, "auto-unseal.sh")],
                    # The chart mounts extraVolumes under a "userconfig-" prefix.
                    "volumeMounts": [{"name": "userconfig-vault-unseal-key",
                                      "mountPath": "/vault/unseal-key", "readOnly": True}],
                    "resources": {"requests": {"cpu": "10m", "memory": "128Mi"}, "limits": {"memory": "128Mi"}},
                },
                {
                    # Streams the file audit log to stdout so the node log shipper forwards
                    # it to Loki (job=vault-audit), where the audit alert rules read it.
                    "name": "audit-tail",
                    "image": "busybox:1.37",
                    "command": ["/bin/sh", "-c"],
                    "args": ["set -e; mkdir -p /vault/audit; "
                             "while [ ! -f /vault/audit/vault-audit.log ]; do sleep 5; done; "
                             "exec tail -F /vault/audit/vault-audit.log"],
                    "volumeMounts": [{"name": "audit", "mountPath": "/vault/audit", "readOnly": True}],
                    "resources": {"requests": {"cpu": "5m", "memory": "16Mi"}, "limits": {"memory": "32Mi"}},
                },
            ],
        },
        "ui": {"enabled": True},
        "injector": {"enabled": False},
        "csi": {"enabled": False},
    }
