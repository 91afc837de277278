"""Patches of objects a stack does not own, and the kubectl steps the SDK cannot express.

Upstream changed nodes, chart-owned workloads and other stacks' ConfigMaps with
``null_resource`` + ``local-exec`` running ``kubectl label/taint/patch``. Here:

- ``node_patch``, ``workload_patch`` and ``config_map_patch`` are thin wrappers over the
  pulumi-kubernetes server-side-apply ``*Patch`` resources. They apply only the fields
  given, under one named field manager, with ``pulumi.com/patchForce`` so the fields kubectl
  (or a chart) set before are taken over instead of conflicting. They are retained on
  delete by default: removing one from the program leaves the labels/taints on the object,
  as deleting the ``null_resource`` did.
- ``kubectl_command`` wraps ``pulumi_command.local.Command`` for what a patch resource
  cannot say (a node's *status* subresource, a rollout gate, a loop over the nodes that
  match a label). The script runs on create, again when it or one of its explicit
  ``triggers`` changes, and — because a ``null_resource`` cannot be imported — once on the
  first ``up`` after the import. Every script must therefore be safe to run again, and the
  caller says why in ``rerun_safe``.

Everything here needs the cluster credentials of the machine running ``pulumi up``
(``KUBECONFIG`` or the default location) and, for commands, ``kubectl`` on the PATH.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
import pulumi_command as command
import pulumi_kubernetes as k8s

from components.errors import ArgumentError, require_choice, require_dns_label

FIELD_MANAGER = "pulumi-homelab"
"""Field manager of every patch: one name, so ``kubectl get -o yaml --show-managed-fields``
tells the program's fields from everyone else's."""
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")


def _patch_metadata(component: str, name: str, namespace: str | None, labels: Mapping[str, str],
                    annotations: Mapping[str, str]) -> dict:
    for argument, values in (("labels", labels), ("annotations", annotations)):
        if not isinstance(values, Mapping) or not all(isinstance(v, str) for v in values.values()):
            raise ArgumentError(component, argument, "must map strings to strings")
    return {"name": name, **({"namespace": namespace} if namespace else {}),
            **({"labels": dict(labels)} if labels else {}),
            "annotations": {**annotations, "pulumi.com/patchForce": "true",
                            "pulumi.com/patchFieldManager": FIELD_MANAGER}}


def _patch_options(opts: pulumi.ResourceOptions | None, retain_on_delete: bool) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions.merge(pulumi.ResourceOptions(retain_on_delete=retain_on_delete), opts)


def node_patch(name: str, *, node: str, labels: Mapping[str, str] | None = None,
               taints: Sequence[Mapping[str, str]] | None = None, owns_all_taints: bool = False,
               retain_on_delete: bool = True, opts: pulumi.ResourceOptions | None = None) -> k8s.core.v1.NodePatch:
    """Labels and/or taints on one node (``kubectl label node`` / ``kubectl taint node``).

    Labels merge key by key. ``spec.taints`` is an atomic list for server-side apply: the
    patch sets the node's whole taint list, so ``taints`` must be every taint the node
    should carry and the caller says so with ``owns_all_taints=True``. Safe to apply again.
    """
    component = "node_patch"
    require_dns_label(component, "name", name)
    labels = labels or {}
    if not labels and taints is None:
        raise ArgumentError(component, "labels", "and taints are both empty: the patch would change nothing")
    spec = None
    if taints is not None:
        if not owns_all_taints:
            raise ArgumentError(component, "owns_all_taints",
                                "must be True with taints: server-side apply replaces the node's whole taint list")
        for i, taint in enumerate(taints):
            if set(taint) - {"key", "value", "effect"} or "key" not in taint or "effect" not in taint:
                raise ArgumentError(component, f"taints[{i}]", f"is {dict(taint)!r}, expected key, effect and optional value")
            require_choice(component, f"taints[{i}].effect", taint["effect"], TAINT_EFFECTS)
        spec = {"taints": [dict(t) for t in taints]}
    return k8s.core.v1.NodePatch(name, metadata=_patch_metadata(component, node, None, labels, {}), spec=spec,
                                 opts=_patch_options(opts, retain_on_delete))


def workload_patch(name: str, *, kind: str, namespace: str, workload: str,
                   host_aliases: Sequence[Mapping] | None = None, pod_annotations: Mapping[str, str] | None = None,
                   labels: Mapping[str, str] | None = None, annotations: Mapping[str, str] | None = None,
                   retain_on_delete: bool = True, opts: pulumi.ResourceOptions | None = None) -> pulumi.CustomResource:
    """Fields on a Deployment/StatefulSet/DaemonSet another owner (a chart) declares.

    ``host_aliases`` (``[{"ip": ..., "hostnames": [...]}]``, keyed by ip) and
    ``pod_annotations`` go into the pod template, so applying a change rolls the pods;
    ``labels``/``annotations`` go on the object. Safe to apply again.
    """
    component = "workload_patch"
    require_dns_label(component, "name", name)
    require_choice(component, "kind", kind, WORKLOAD_KINDS)
    template: dict = {}
    if host_aliases:
        for i, alias in enumerate(host_aliases):
            if set(alias) != {"ip", "hostnames"} or not alias["hostnames"]:
                raise ArgumentError(component, f"host_aliases[{i}]", f"is {dict(alias)!r}, expected ip and hostnames")
        template["spec"] = {"hostAliases": [{"ip": a["ip"], "hostnames": list(a["hostnames"])} for a in host_aliases]}
    if pod_annotations:
        template["metadata"] = {"annotations": dict(pod_annotations)}
    if not template and not labels and not annotations:
        raise ArgumentError(component, "host_aliases", "pod_annotations, labels and annotations are all empty")
    resource = {"Deployment": k8s.apps.v1.DeploymentPatch, "StatefulSet": k8s.apps.v1.StatefulSetPatch,
                "DaemonSet": k8s.apps.v1.DaemonSetPatch}[kind]
    return resource(name, metadata=_patch_metadata(component, workload, namespace, labels or {}, annotations or {}),
                    spec={"template": template} if template else None, opts=_patch_options(opts, retain_on_delete))


def config_map_patch(name: str, *, namespace: str, config_map: str, data: Mapping[str, str],
                     retain_on_delete: bool = True, opts: pulumi.ResourceOptions | None = None) -> k8s.core.v1.ConfigMapPatch:
    """Keys of a ConfigMap another owner declares (CoreDNS' Corefile); other keys are left alone.

    Safe to apply again.
    """
    component = "config_map_patch"
    require_dns_label(component, "name", name)
    if not data or not all(isinstance(v, str) for v in data.values()):
        raise ArgumentError(component, "data", "must be a non-empty mapping of strings")
    return k8s.core.v1.ConfigMapPatch(name, metadata=_patch_metadata(component, config_map, namespace, {}, {}),
                                      data=dict(data), opts=_patch_options(opts, retain_on_delete))


def kubectl_command(name: str, *, script: str, triggers: Mapping[str, pulumi.Input], rerun_safe: str,
                    environment: Mapping[str, pulumi.Input[str]] | None = None,
                    opts: pulumi.ResourceOptions | None = None) -> command.local.Command:
    """A bash script (``set -euo pipefail`` first) run with kubectl on the applying machine.

    Runs on create, when ``script`` changes, and when a ``triggers`` value changes (Terraform's
    ``triggers`` map: a ``command_hash``-style key bumps a re-run by hand). Runs once more on
    the first ``up`` after the import, so it must be re-runnable: ``rerun_safe`` says why
    (``--overwrite``, ``op: add`` on an existing key, ...). Nothing runs on delete.
    """
    component = "kubectl_command"
    require_dns_label(component, "name", name)
    if not isinstance(rerun_safe, str) or len(rerun_safe.split()) < 3:
        raise ArgumentError(component, "rerun_safe", "must say, in a sentence, why running the script again is harmless")
    if not triggers:
        raise ArgumentError(component, "triggers", "must be explicit (at least one key) — what makes the step run again")
    if not isinstance(script, str) or "kubectl" not in script:
        raise ArgumentError(component, "script", "must be a shell script calling kubectl")
    body = script if script.lstrip().startswith("set -euo pipefail") else f"set -euo pipefail\n{script}"
    return command.local.Command(
        name, create=body, interpreter=["/bin/bash", "-c"], environment=dict(environment) if environment else None,
        triggers=[f"{key}={value}" if isinstance(value, (str, int, float, bool))
                  else pulumi.Output.from_input(value).apply(lambda v, k=key: f"{k}={v}")
                  for key, value in sorted(triggers.items())],
        opts=opts)
