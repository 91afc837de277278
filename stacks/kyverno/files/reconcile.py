#!/usr/bin/env python3
"""Recycle pods that were admitted while Kyverno was down and so lack their wait-for init containers.

A pod that declares ``dependency.kyverno.io/wait-for`` normally gets one ``wait-for-*``
init container per dependency from the inject-dependency-init-containers policy. That
mutation runs on CREATE only and the webhook fails open, so pods created during a cold
boot start without them and can wedge. Once the Kyverno admission controller is ready
again, this job deletes such pods (owned, aged, Running/Pending, outside the skipped
namespaces, at most MAX_RESTARTS_PER_RUN per run) so their controller recreates them
through the now-working webhook. DRY_RUN=true only logs. Standard library only.
"""

import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone

SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
ANNOTATION = "dependency.kyverno.io/wait-for"
INIT_PREFIX = "wait-for-"


def setting(name, default):
    return os.environ.get(name, default)


APISERVER = setting("APISERVER", "https://kubernetes.default.svc")
KYVERNO_NAMESPACE = setting("KYVERNO_NAMESPACE", "kyverno")
KYVERNO_DEPLOYMENT = setting("KYVERNO_DEPLOYMENT", "kyverno-admission-controller")
GRACE_SECONDS = int(setting("GRACE_SECONDS", "300"))
MAX_RESTARTS = int(setting("MAX_RESTARTS_PER_RUN", "15"))
DRY_RUN = setting("DRY_RUN", "false").strip().lower() == "true"
SKIP = {n.strip() for n in setting("SKIP_NAMESPACES", "kube-system,kube-public,kube-node-lease,kyverno").split(",") if n.strip()}
PUSHGATEWAY = setting("PUSHGATEWAY_URL", "http://prometheus-prometheus-pushgateway.monitoring:9091")
PUSH_JOB = setting("PUSH_JOB", "post-boot-reconcile")


def log(message):
    print(message, flush=True)


class Api:
    def __init__(self):
        with open(f"{SA_DIR}/token") as fh:
            self.token = fh.read().strip()
        self.tls = ssl.create_default_context(cafile=f"{SA_DIR}/ca.crt")

    def call(self, method, path):
        request = urllib.request.Request(APISERVER + path, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Accept": "application/json"})
        with urllib.request.urlopen(request, context=self.tls, timeout=30) as response:
            body = response.read().decode()
        return json.loads(body) if body else {}

    def ready_replicas(self):
        """Ready admission-controller replicas; 0 whenever it cannot be determined."""
        try:
            deployment = self.call("GET", f"/apis/apps/v1/namespaces/{KYVERNO_NAMESPACE}/deployments/{KYVERNO_DEPLOYMENT}")
        except Exception as exc:  # noqa: BLE001 - any failure means "do not act"
            log(f"WARN: cannot read {KYVERNO_NAMESPACE}/{KYVERNO_DEPLOYMENT} ({exc}); treating Kyverno as not ready")
            return 0
        return int((deployment.get("status") or {}).get("readyReplicas") or 0)

    def live_pods(self):
        """All pods that are not Succeeded/Failed, page by page."""
        selector = urllib.parse.quote("status.phase!=Succeeded,status.phase!=Failed")
        pods, token = [], ""
        while True:
            path = f"/api/v1/pods?limit=500&fieldSelector={selector}"
            if token:
                path += "&continue=" + urllib.parse.quote(token)
            page = self.call("GET", path)
            pods.extend(page.get("items") or [])
            token = (page.get("metadata") or {}).get("continue") or ""
            if not token:
                return pods


def lacks_injection(pod):
    wanted = ((pod.get("metadata") or {}).get("annotations") or {}).get(ANNOTATION, "")
    if not wanted.strip():
        return False
    inits = (pod.get("spec") or {}).get("initContainers") or []
    return not any((c.get("name") or "").startswith(INIT_PREFIX) for c in inits)


def age(pod):
    created = (pod.get("metadata") or {}).get("creationTimestamp")
    if not created:
        return 0.0
    return (datetime.now(timezone.utc) - datetime.fromisoformat(created.replace("Z", "+00:00"))).total_seconds()


def refusal(pod):
    """Why this pod must not be deleted, or None when it may be."""
    meta = pod.get("metadata") or {}
    if not meta.get("ownerReferences"):
        return "bare pod (no owner would recreate it)"
    if meta.get("deletionTimestamp"):
        return "already terminating"
    if age(pod) <= GRACE_SECONDS:
        return f"younger than {GRACE_SECONDS}s"
    phase = (pod.get("status") or {}).get("phase")
    if phase not in ("Running", "Pending"):
        return f"phase {phase}"
    return None


def push(restarted=0, found=0, ready=0, capped=0, success=1):
    metrics = {
        "restarted": restarted, "missed_found": found, "kyverno_ready": ready,
        "capped": capped, "success": success, "last_run_timestamp": int(time.time()),
    }
    body = "".join(f"# TYPE post_boot_reconcile_{k} gauge\npost_boot_reconcile_{k} {v}\n" for k, v in metrics.items())
    request = urllib.request.Request(f"{PUSHGATEWAY}/metrics/job/{PUSH_JOB}", data=body.encode(), method="PUT",
                                     headers={"Content-Type": "text/plain"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
    except Exception as exc:  # noqa: BLE001 - metrics are best effort
        log(f"WARN: push to {PUSHGATEWAY} failed: {exc}")


def run():
    api = Api()
    if api.ready_replicas() < 1:
        log("Kyverno admission controller not ready; nothing to do this run")
        push()
        return
    found, eligible = 0, []
    for pod in api.live_pods():
        if not lacks_injection(pod):
            continue
        found += 1
        meta = pod.get("metadata") or {}
        ref = f"{meta.get('namespace', '')}/{meta.get('name', '')}"
        if meta.get("namespace") in SKIP:
            log(f"SKIP {ref}: Kyverno never mutates this namespace")
            continue
        reason = refusal(pod)
        if reason:
            log(f"SKIP {ref}: {reason}")
            continue
        eligible.append(ref)
    capped = int(len(eligible) > MAX_RESTARTS)
    log(f"missed injection: {found} found, {len(eligible)} eligible, cap {MAX_RESTARTS}{' (dry run)' if DRY_RUN else ''}")
    restarted = 0
    for ref in eligible[:MAX_RESTARTS]:
        if DRY_RUN:
            log(f"WOULD delete {ref}")
            continue
        namespace, name = ref.split("/", 1)
        try:
            api.call("DELETE", f"/api/v1/namespaces/{namespace}/pods/{name}")
            restarted += 1
            log(f"deleted {ref}; its controller recreates it with the init containers")
        except urllib.error.HTTPError as exc:
            log(f"SKIP {ref}: already gone" if exc.code == 404 else f"ERROR deleting {ref}: {exc}")
        except Exception as exc:  # noqa: BLE001 - one failed delete must not stop the run
            log(f"ERROR deleting {ref}: {exc}")
    push(restarted=restarted, found=found, ready=1, capped=capped)


if __name__ == "__main__":
    try:
        run()
    except Exception as exc:  # noqa: BLE001
        print(f"FATAL: {exc}", file=sys.stderr, flush=True)
        push(success=0)
        sys.exit(1)
