"""Configuration documents of the two proxy outposts Authentik's Kubernetes controller runs.

Both outposts are deployed by Authentik itself (service connection below) as
`ak-outpost-<name>` in the `authentik` namespace; `kubernetes_json_patches` is how this
stack shapes those controller-owned Deployments and Services.
"""

from __future__ import annotations

from components.tf_encoding import jsonencode

# The in-cluster Kubernetes service connection (created in the Authentik UI).
SERVICE_CONNECTION = "99e227a7-4562-4888-9660-4c27da678c50"
NAMESPACE = "authentik"
OUTPOST_TLS_SECRET = "authentik-outpost-tls"
# The embedded outpost's uuid, as its controller labels the pods (no dashes).
EMBEDDED_OUTPOST_UUID = "0eecac0797c7443c892505f2f4fe3e47"
POSTGRES_ENV_KEYS = ("HOST", "PORT", "USER", "PASSWORD", "NAME")


def _base(replicas: int) -> dict:
    return {
        "log_level": "info",
        "docker_labels": None,
        "authentik_host": "https://authentik.viktorbarzin.me/",
        "docker_network": None,
        "container_image": None,
        "docker_map_ports": True,
        "refresh_interval": "minutes=5",
        "kubernetes_replicas": replicas,
        "kubernetes_namespace": NAMESPACE,
        "authentik_host_browser": "",
        "object_naming_template": "ak-outpost-%(name)s",
        "authentik_host_insecure": False,
        "kubernetes_service_type": "ClusterIP",
        "kubernetes_ingress_path_type": None,
        "kubernetes_image_pull_secrets": [],
        "kubernetes_ingress_class_name": None,
        "kubernetes_disabled_components": [],
        "kubernetes_ingress_annotations": {},
        "kubernetes_ingress_secret_name": OUTPOST_TLS_SECRET,
        "kubernetes_httproute_annotations": {},
        "kubernetes_httproute_parent_refs": [],
    }


def _add(path: str, value: object) -> dict:
    return {"op": "add", "path": path, "value": value}


def embedded_config() -> dict:
    """The embedded outpost: 2 replicas on the shared PostgreSQL session backend.

    Patches: a 2Gi memory-backed /dev/shm, resources, the `component=server` pod label the
    controller's Service selector needs, the PostgreSQL connection from the `goauthentik`
    Secret, and a Service selector that targets the outpost pods rather than the server.
    """
    env = [
        _add("/spec/template/spec/containers/0/env/-", {
            "name": f"AUTHENTIK_POSTGRESQL__{key}",
            "valueFrom": {"secretKeyRef": {"name": "goauthentik", "key": f"AUTHENTIK_POSTGRESQL__{key}"}},
        })
        for key in POSTGRES_ENV_KEYS
    ]
    return {
        **_base(replicas=2),
        "kubernetes_json_patches": {
            "deployment": [
                _add("/spec/template/spec/volumes",
                     [{"name": "dshm", "emptyDir": {"medium": "Memory", "sizeLimit": "2Gi"}}]),
                _add("/spec/template/spec/containers/0/volumeMounts", [{"name": "dshm", "mountPath": "/dev/shm"}]),
                _add("/spec/template/spec/containers/0/resources",
                     {"limits": {"memory": "2560Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}}),
                _add("/spec/template/metadata/labels/app.kubernetes.io~1component", "server"),
                *env,
            ],
            "service": [{
                "op": "replace",
                "path": "/spec/selector",
                "value": {
                    "app.kubernetes.io/managed-by": "goauthentik.io",
                    "app.kubernetes.io/name": "authentik-outpost-proxy",
                    "goauthentik.io/outpost-name": "authentik-embedded-outpost",
                    "goauthentik.io/outpost-type": "proxy",
                    "goauthentik.io/outpost-uuid": EMBEDDED_OUTPOST_UUID,
                },
            }],
        },
    }


def public_config() -> dict:
    """The `public` outpost (guest tier): one small replica."""
    return {
        **_base(replicas=1),
        "kubernetes_json_patches": {"deployment": [
            _add("/spec/template/spec/containers/0/resources",
                 {"limits": {"memory": "256Mi"}, "requests": {"cpu": "10m", "memory": "64Mi"}}),
        ]},
    }


def encode(config: dict) -> str:
    """The outpost `config` attribute, byte for byte as Terraform's jsonencode wrote it."""
    return jsonencode(config)
