"""t3-afk: parked at zero, Keel kept off, and the sidecar the Service routes to."""

from components import constants as c

NS = "t3-afk"


def _deployment(stack):
    return stack.k8s("Deployment", "t3-afk", NS)


def test_parked_with_keel_policy_never(synth_stack):
    deployment = _deployment(synth_stack(NS))
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 0
    assert spec["strategy"] == {"type": "Recreate"}
    annotations = deployment["inputs"]["metadata"]["annotations"]
    assert annotations["keel.sh/policy"] == "never" and annotations["pulumi.com/skipAwait"] == "true"
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[0].image" not in ignored  # T3's image is pinned by this stack, not Keel
    assert 'metadata.labels["tier"]' in ignored


def test_pinned_t3_install_and_serve_command(synth_stack):
    pod = _deployment(synth_stack(NS))["inputs"]["spec"]["template"]["spec"]
    assert pod["securityContext"] == {"runAsUser": 1000, "runAsGroup": 1000, "fsGroup": 1000}
    fix, install = pod["initContainers"]
    assert (fix["name"], fix["image"], fix["securityContext"]) == ("fix-perms", "busybox:1.37", {"runAsUser": 0})
    assert install["image"] == "docker.io/library/node:24"
    assert 'npm install -g "t3@0.0.27" "@anthropic-ai/claude-code@latest"' in install["command"][2]
    t3, dispatcher = pod["containers"]
    assert t3["command"][:2] == ["bash", "-c"]
    assert t3["command"][2].rstrip().endswith("exec t3 serve --mode web --host 0.0.0.0 --port 3773 --base-dir /data/t3")
    assert 'url."https://${GITHUB_TOKEN}@github.com/".insteadOf' in t3["command"][2]
    assert t3["envFrom"] == [{"secretRef": {"name": "t3-afk-secrets"}}]
    assert t3["resources"] == {"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"memory": "4Gi"}}
    assert t3["livenessProbe"]["tcpSocket"] == {"port": 3773}
    assert dispatcher["command"] == ["node", "/scripts/dispatcher.js"]
    assert {v["name"]: v for v in pod["volumes"]}["dispatcher"]["configMap"] == {"name": "t3-afk-dispatcher"}


def test_service_routes_to_the_dispatcher_sidecar(synth_stack):
    spec = synth_stack(NS).k8s("Service", "t3-afk", NS)["inputs"]["spec"]
    assert spec["ports"] == [{"port": 3773, "targetPort": 8080}]


def test_data_on_ssd_nfs_and_authentik_gated_ingress(synth_stack):
    stack = synth_stack(NS)
    pv = stack.k8s("PersistentVolume", "t3-afk-data")["inputs"]["spec"]
    assert pv["csi"]["volumeAttributes"]["share"] == "/srv/nfs-ssd/t3-afk-data"
    assert pv["capacity"] == {"storage": "30Gi"}
    ingress = stack.k8s("Ingress", "t3-afk", NS)["inputs"]
    assert ingress["metadata"]["annotations"][c.AUTH_ANNOTATION] == "required"
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"] == {"name": "t3-afk", "port": {"number": 3773}}
