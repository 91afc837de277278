"""beads-server: the objects an outage would be about."""

import pytest

NS = "beads-server"


def test_dolt_keeps_its_claim_address_and_pinned_image(synth_stack):
    stack = synth_stack("beads-server")
    deployment = stack.k8s("Deployment", "dolt", NS)
    spec = deployment["inputs"]["spec"]
    assert spec["strategy"] == {"type": "Recreate"}
    pod = spec["template"]["spec"]
    assert pod["containers"][0]["image"] == "dolthub/dolt-sql-server:2.0.3"
    assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == "dolt-data"
    assert deployment["inputs"]["metadata"]["annotations"]["keel.sh/policy"] == "never"
    assert "spec.template.spec.containers[0].image" in deployment["options"]["ignoreChanges"]
    claim = stack.k8s("PersistentVolumeClaim", "dolt-data", NS)["inputs"]
    assert claim["spec"]["storageClassName"] == "proxmox-lvm"
    assert claim["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "10Gi"
    service = stack.k8s("Service", "dolt", NS)["inputs"]
    assert service["spec"]["type"] == "LoadBalancer"
    assert service["spec"]["externalTrafficPolicy"] == "Cluster"
    assert service["metadata"]["annotations"] == {"metallb.universe.tf/loadBalancerIPs": "10.0.20.200",
                                                  "metallb.io/allow-shared-ip": "shared"}


def test_schema_job_is_named_after_the_schema(synth_stack):
    import hashlib
    from pathlib import Path
    schema = (Path(__file__).parents[2] / "stacks/beads-server/files/presence-schema.sql").read_text()
    name = f"presence-schema-{hashlib.sha256(schema.encode()).hexdigest()[:8]}"
    job = synth_stack("beads-server").k8s("Job", name, NS)["inputs"]["spec"]
    assert job["backoffLimit"] == 3
    assert job["template"]["spec"]["restartPolicy"] == "OnFailure"
    assert job["template"]["spec"]["containers"][0]["image"] == "mysql:8.4"


def test_graphql_ingress_states_its_posture(synth_stack):
    ingress = synth_stack("beads-server").k8s("Ingress", "dolt-workbench-graphql", NS)["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none"
    assert annotations["infra.viktorbarzin.me/auth-reason"]
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "dolt-workbench.viktorbarzin.me"
    assert rule["http"]["paths"] == [{"path": "/graphql", "pathType": "Exact", "backend": {
        "service": {"name": "dolt-workbench", "port": {"number": 9002}}}}]


@pytest.mark.parametrize("name,auth", [("dolt-workbench", "none"), ("beadboard", "required")])
def test_factory_ingresses(synth_stack, name, auth):
    ingress = synth_stack("beads-server").k8s("Ingress", name, NS)["inputs"]
    assert ingress["metadata"]["annotations"]["infra.viktorbarzin.me/auth"] == auth
    assert ingress["spec"]["rules"][0]["host"] == f"{name}.viktorbarzin.me"


def test_beadboard_reads_the_agent_token(synth_stack):
    stack = synth_stack("beads-server")
    container = stack.k8s("Deployment", "beadboard", NS)["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "ghcr.io/viktorbarzin/beadboard:17a38e43"
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}
    assert env["CLAUDE_AGENT_BEARER_TOKEN"] == {"secretKeyRef": {"name": "beadboard-agent-service", "key": "api_bearer_token"}}
    es = stack.k8s("ExternalSecret", "beadboard-agent-service", NS)["inputs"]["spec"]
    assert es["data"] == [{"secretKey": "api_bearer_token",
                           "remoteRef": {"key": "claude-agent-service", "property": "api_bearer_token"}}]


@pytest.mark.parametrize("name,schedule", [("beads-dispatcher", "*/2 * * * *"), ("beads-reaper", "*/10 * * * *")])
def test_dispatch_cronjobs_are_suspended_by_default(synth_stack, name, schedule):
    spec = synth_stack("beads-server").k8s("CronJob", name, NS)["inputs"]["spec"]
    assert spec["schedule"] == schedule
    assert spec["suspend"] is True
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["startingDeadlineSeconds"] == 60
    job = spec["jobTemplate"]["spec"]
    assert (job["backoffLimit"], job["ttlSecondsAfterFinished"]) == (0, 600)
    container = job["template"]["spec"]["containers"][0]
    assert container["image"] == "ghcr.io/viktorbarzin/claude-agent-service:latest"
