"""osm_routing: the objects an outage would be about."""

import pytest

OSRM_IMAGE = "ghcr.io/project-osrm/osrm-backend:v6.0.0"


@pytest.mark.parametrize("profile", ["foot", "bicycle"])
def test_osrm_servers_serve_their_graph_with_the_builder_release(synth_stack, profile):
    stack = synth_stack("osm_routing")
    deployment = stack.k8s("Deployment", f"osrm-{profile}", "osm-routing")
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 1 and spec["strategy"] == {"type": "Recreate"}
    container = spec["template"]["spec"]["containers"][0]
    assert container["image"] == OSRM_IMAGE
    assert container["command"] == ["osrm-routed", "--algorithm", "MLD", f"/data/{profile}/greater-london-latest.osrm"]
    assert container["resources"]["limits"] == {"memory": "1Gi"}
    assert spec["template"]["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == "osm-routing-osrm-data-host"
    assert deployment["inputs"]["metadata"]["annotations"] == {"keel.sh/policy": "never"}
    # The stack owns the tag and the Keel opt-out: neither may be ignored.
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[0].image" not in ignored
    assert 'metadata.annotations["keel.sh/policy"]' not in ignored
    assert 'metadata.annotations["keel.sh/trigger"]' in ignored
    service = stack.k8s("Service", f"osrm-{profile}", "osm-routing")["inputs"]["spec"]
    assert service["ports"] == [{"port": 5000, "targetPort": 5000}]


def test_otp_stays_parked(synth_stack):
    stack = synth_stack("osm_routing")
    spec = stack.k8s("Deployment", "otp", "osm-routing")["inputs"]["spec"]
    assert spec["replicas"] == 0
    assert spec["template"]["spec"]["containers"][0]["image"] == "opentripplanner/opentripplanner:2.6.0"


def test_monthly_refresh_builds_both_graphs_on_the_osrm_volume(synth_stack):
    stack = synth_stack("osm_routing")
    cronjob = stack.k8s("CronJob", "osrm-refresh", "osm-routing")["inputs"]["spec"]
    assert cronjob["schedule"] == "0 4 1 * *" and cronjob["concurrencyPolicy"] == "Forbid"
    assert (cronjob["successfulJobsHistoryLimit"], cronjob["failedJobsHistoryLimit"]) == (1, 2)
    job = cronjob["jobTemplate"]["spec"]
    assert job["backoffLimit"] == 2
    pod = job["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == OSRM_IMAGE and container["command"] == ["/bin/sh", "-c"]
    script = container["args"][0]
    assert "england/$EXTRACT.osm.pbf" in script and "EXTRACT=greater-london-latest" in script and "for profile in foot bicycle" in script
    assert container["resources"]["limits"] == {"memory": "4Gi"}
    assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == "osm-routing-osrm-data-host"


def test_quota_has_no_cpu_limit(synth_stack):
    stack = synth_stack("osm_routing")
    quota = stack.k8s("ResourceQuota", "tier-quota", "osm-routing")["inputs"]["spec"]["hard"]
    assert quota == {"requests.cpu": "4", "requests.memory": "6Gi", "limits.memory": "16Gi", "pods": "20"}
    labels = stack.k8s("Namespace", "osm-routing")["inputs"]["metadata"]["labels"]
    assert labels["resource-governance/custom-quota"] == "true" and labels["tier"] == "4-aux"
    pv = stack.k8s("PersistentVolume", "osm-routing-otp-data-host")["inputs"]["spec"]
    assert pv["csi"]["volumeAttributes"]["share"] == "/srv/nfs/osm-routing/otp"
