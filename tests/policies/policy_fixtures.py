"""Resource fixtures shaped like synth output (build/synth/<stack>/resources.json entries).

``"[unknown]"`` / ``"[secret]"`` are the synth spellings of values unknown at preview and of
Pulumi secrets; the analyzer driver turns them into the engine's wire sentinels.
"""

from __future__ import annotations

import copy
from typing import Any, Optional

from components.constants import (
    ALLOWED_GROUPS_ANNOTATION,
    AUTH_ANNOTATION,
    AUTH_REASON_ANNOTATION,
    MW_FORWARD_AUTH,
    MW_FORWARD_AUTH_PUBLIC,
    MW_RETRY,
    ROUTER_MIDDLEWARES_ANNOTATION,
)

PROJECT = "demo"
INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"


def res(type_: str, name: str, inputs: dict, project: str = PROJECT, **options: Any) -> dict:
    opts = {"protect": False, "dependsOn": [], "ignoreChanges": [], "retainOnDelete": False,
            "deleteBeforeReplace": False, "import": "", "aliases": []}
    opts.update(options)
    return {"urn": f"urn:pulumi:prod::{project}::{type_}::{name}", "type": type_, "name": name,
            "parent": None, "custom": True, "inputs": inputs, "options": opts}


def ingress(name: str = "app", ns: str = "app", auth: Optional[str] = "required", reason: Optional[str] = None,
            groups: Optional[str] = "Home Server Admins", mws: Optional[list] = None,
            host: Optional[str] = None, paths: tuple = ("/",), cls: Optional[str] = "traefik",
            project: str = PROJECT, service: str = "app") -> dict:
    ann: dict = {}
    if auth is not None:
        ann[AUTH_ANNOTATION] = auth
    if reason is not None:
        ann[AUTH_REASON_ANNOTATION] = reason
    if auth == "required" and groups is not None:
        ann[ALLOWED_GROUPS_ANNOTATION] = groups
    if mws is None:
        mws = [MW_RETRY] + ([MW_FORWARD_AUTH] if auth == "required" else
                            [MW_FORWARD_AUTH_PUBLIC] if auth == "public" else [])
    if mws:
        ann[ROUTER_MIDDLEWARES_ANNOTATION] = ",".join(mws)
    spec: dict = {"rules": [{"host": host or f"{name}.viktorbarzin.me", "http": {"paths": [
        {"path": p, "pathType": "Prefix",
         "backend": {"service": {"name": service, "port": {"number": 80}}}} for p in paths]}}]}
    if cls is not None:
        spec["ingressClassName"] = cls
    return res(INGRESS, name, {"metadata": {"name": name, "namespace": ns, "annotations": ann}, "spec": spec},
               project=project)


def container(name: str = "app", image: str = "docker.io/library/nginx:1.27.0", privileged: Any = None,
              caps: Optional[list] = None, requests: Any = "default", env: Optional[list] = None,
              cpu_limit: Optional[str] = None) -> dict:
    c: dict = {"name": name, "image": image}
    sc: dict = {}
    if privileged is not None:
        sc["privileged"] = privileged
    if caps is not None:
        sc["capabilities"] = {"add": caps}
    if sc:
        c["securityContext"] = sc
    resources: dict = {}
    if requests == "default":
        resources["requests"] = {"cpu": "10m", "memory": "64Mi"}
    elif requests is not None:
        resources["requests"] = requests
    if cpu_limit is not None:
        resources["limits"] = {"cpu": cpu_limit, "memory": "128Mi"}
    if resources:
        c["resources"] = resources
    if env is not None:
        c["env"] = env
    return c


def workload(kind: str = "Deployment", name: str = "app", ns: Any = "apps", containers: Optional[list] = None,
             init: Optional[list] = None, pod: Optional[dict] = None, labels: Optional[dict] = None,
             annotations: Optional[dict] = None, project: str = PROJECT, **options: Any) -> dict:
    spec: dict = {"containers": containers if containers is not None else [container()]}
    if init is not None:
        spec["initContainers"] = init
    spec.update(pod or {})
    pod_meta = {"labels": labels if labels is not None else {"app": name, "tier": "4-aux"}}
    meta: dict = {"name": name, "namespace": ns}
    if annotations:
        meta["annotations"] = annotations
    group = {"Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "Job": "batch/v1",
             "CronJob": "batch/v1", "Pod": "core/v1"}[kind]
    template = {"metadata": pod_meta, "spec": spec}
    if kind == "Pod":
        inputs = {"metadata": dict(meta, labels=pod_meta["labels"]), "spec": spec}
    elif kind == "CronJob":
        inputs = {"metadata": meta, "spec": {"schedule": "0 * * * *", "jobTemplate": {"spec": {"template": template}}}}
    else:
        inputs = {"metadata": meta, "spec": {"template": template}}
    return res(f"kubernetes:{group}:{kind}", name, inputs, project=project, **options)


def group(name: str, project: str = "authentik") -> dict:
    return res("authentik:index/group:Group", name.lower().replace(" ", "-"), {"name": name}, project=project)


def helm_release(atomic: Any = True, cleanup: Any = True) -> dict:
    inputs: dict = {"name": "chart", "chart": "x", "namespace": "apps"}
    if atomic is not None:
        inputs["atomic"] = atomic
    if cleanup is not None:
        inputs["cleanupOnFail"] = cleanup
    return res("kubernetes:helm.sh/v3:Release", "chart", inputs)


def external_secret(version: str = "v1") -> dict:
    return res(f"kubernetes:external-secrets.io/{version}:ExternalSecret", "es", {
        "metadata": {"name": "es", "namespace": "apps", "annotations": {"pulumi.com/patchForce": "true"}},
        "spec": {"target": {"name": "es"}, "dataFrom": [{"extract": {"key": "apps"}}]}})


def namespace(name: str = "apps", protect: bool = False) -> dict:
    return res("kubernetes:core/v1:Namespace", f"{name}-namespace", {"metadata": {"name": name}}, protect=protect)


def pvc(ns: str = "apps", protect: bool = False, name: str = "data") -> dict:
    return res("kubernetes:core/v1:PersistentVolumeClaim", name, {
        "metadata": {"name": name, "namespace": ns},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}, protect=protect)


def configmap(data: dict) -> dict:
    return res("kubernetes:core/v1:ConfigMap", "cm", {"metadata": {"name": "cm", "namespace": "apps"}, "data": data})


def secret(string_data: Optional[dict] = None, data: Optional[dict] = None) -> dict:
    inputs: dict = {"metadata": {"name": "s", "namespace": "apps"}}
    if string_data is not None:
        inputs["stringData"] = string_data
    if data is not None:
        inputs["data"] = data
    return res("kubernetes:core/v1:Secret", "s", inputs)


def mutate(resource: dict, path: tuple, value: Any) -> dict:
    """Deep copy of ``resource`` with inputs[path] set to ``value`` (a missing-key ``value`` of
    ``DELETE`` removes it)."""
    r = copy.deepcopy(resource)
    cur = r["inputs"]
    for k in path[:-1]:
        cur = cur[k]
    if value is DELETE:
        cur.pop(path[-1], None)
    else:
        cur[path[-1]] = value
    return r


DELETE = object()


# --- exposure paths, RBAC, config files (issue #18) --------------------------------------------

def posture(auth: Optional[str], reason: Optional[str] = None) -> dict:
    out: dict = {}
    if auth is not None:
        out[AUTH_ANNOTATION] = auth
    if reason is not None:
        out[AUTH_REASON_ANNOTATION] = reason
    return out


def service(name: str = "app", ns: str = "apps", type_: Any = "ClusterIP", annotations: Any = None,
            selector: Optional[dict] = None, external_ips: Any = None, project: str = PROJECT) -> dict:
    meta: dict = {"name": name, "namespace": ns}
    if annotations is not None:
        meta["annotations"] = annotations
    spec: dict = {"selector": selector if selector is not None else {"app": name},
                  "ports": [{"port": 80, "targetPort": 8080}]}
    if type_ is not None:
        spec["type"] = type_
    if external_ips is not None:
        spec["externalIPs"] = external_ips
    return res("kubernetes:core/v1:Service", name, {"metadata": meta, "spec": spec}, project=project)


def ingress_route(name: str = "app", ns: str = "apps", kind: str = "IngressRoute", annotations: Any = None,
                  routes: Any = None, group: str = "traefik.io/v1alpha1", project: str = PROJECT) -> dict:
    """Default: one HTTP route with the Authentik forward-auth middleware (CRD reference)."""
    if routes is None:
        routes = [{"match": f"Host(`{name}.viktorbarzin.me`)", "kind": "Rule",
                   "middlewares": [{"name": "authentik-forward-auth", "namespace": "traefik"}],
                   "services": [{"name": name, "port": 80}]}]
    meta: dict = {"name": name, "namespace": ns}
    if annotations is not None:
        meta["annotations"] = annotations
    return res(f"kubernetes:{group}:{kind}", f"{name}-route", {"metadata": meta, "spec": {
        "entryPoints": ["websecure"], "routes": routes}}, project=project)


def tcp_route(name: str = "tcp", annotations: Any = None, kind: str = "IngressRouteTCP") -> dict:
    return ingress_route(name, kind=kind, annotations=annotations, routes=[
        {"match": "HostSNI(`*`)", "services": [{"name": name, "port": 5432}]}])


def middleware(name: str, ns: str, spec: dict, project: str = PROJECT) -> dict:
    return res("kubernetes:traefik.io/v1alpha1:Middleware", name, {
        "metadata": {"name": name, "namespace": ns}, "spec": spec}, project=project)


def tunnel(rules: Any) -> dict:
    return res("cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig", "tunnel",
               {"accountId": "acc", "tunnelId": "t", "config": {"ingresses": rules}})


def helm(values: Any, chart: str = "app", files: Any = None, name: str = "app") -> dict:
    inputs: dict = {"name": name, "chart": chart, "namespace": "apps", "atomic": True, "cleanupOnFail": True,
                    "values": values}
    if files is not None:
        inputs["valueYamlFiles"] = files
    return res("kubernetes:helm.sh/v3:Release", name, inputs)


def cluster_role(name: str, rules: Any, project: str = PROJECT) -> dict:
    return res("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", name,
               {"metadata": {"name": name}, "rules": rules}, project=project)


def cluster_role_binding(role: str, subjects: list, name: str = "binding", project: str = PROJECT) -> dict:
    return res("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", name, {
        "metadata": {"name": name},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": subjects}, project=project)


def sa_subject(name: str = "default", ns: str = "apps") -> dict:
    return {"kind": "ServiceAccount", "name": name, "namespace": ns}


def tier_namespace(name: str = "apps", labels: Any = None) -> dict:
    meta: dict = {"name": name}
    if labels is not None:
        meta["labels"] = labels
    return res("kubernetes:core/v1:Namespace", f"{name}-namespace", {"metadata": meta})


def ingress_class(name: str, controller: Any) -> dict:
    return res("kubernetes:networking.k8s.io/v1:IngressClass", name, {
        "metadata": {"name": name}, "spec": {"controller": controller}})
