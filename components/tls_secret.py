"""The wildcard TLS certificate as a kubernetes.io/tls Secret in one namespace."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from components.errors import require_dns_label

_COMPONENT = "TlsSecret"


@dataclass(frozen=True, kw_only=True)
class TlsSecretArgs:
    namespace: str
    secret_name: str
    """settings.tls_secret_name."""
    certificate: pulumi.Input[str]
    """PEM chain; pass a secret (see components.payload.tls_material)."""
    private_key: pulumi.Input[str]
    """PEM key; pass a secret."""

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        require_dns_label(_COMPONENT, "secret_name", self.secret_name)


class TlsSecret(pulumi.ComponentResource):
    """Output ``secret_name``."""

    secret_name: pulumi.Output[str]

    def __init__(self, name: str, args: TlsSecretArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("homelab:k8s:TlsSecret", name, None, opts)
        k8s.core.v1.Secret(
            f"{name}-secret",
            metadata={"name": args.secret_name, "namespace": args.namespace},
            type="kubernetes.io/tls",
            string_data={
                "tls.crt": pulumi.Output.secret(args.certificate),
                "tls.key": pulumi.Output.secret(args.private_key),
            },
            # Kyverno's sync-tls-secret policy stamps generate.kyverno.io labels on it.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["metadata.labels"]),
        )
        self.secret_name = pulumi.Output.from_input(args.secret_name)
        self.register_outputs({"secret_name": self.secret_name})


def cluster_tls_secret(namespace: str, secret_name: str, opts: pulumi.ResourceOptions | None = None) -> TlsSecret:
    """The wildcard certificate in ``namespace``, as nearly every app stack declares it.

    Logical name ``tls-secret`` (one per stack); material from components.payload.tls_material.
    """
    from components.payload import tls_material

    certificate, private_key = tls_material()
    return TlsSecret("tls-secret", TlsSecretArgs(namespace=namespace, secret_name=secret_name,
                                                 certificate=certificate, private_key=private_key), opts=opts)
