"""homepage: the objects an outage would be about."""

from pathlib import Path

from components import constants as c

REPO = Path(__file__).resolve().parents[2]
NS = "homepage"


def test_release_is_pinned_with_cluster_discovery_values(synth_stack):
    [release] = synth_stack("homepage").of_type("kubernetes:helm.sh/v3:Release")
    inputs = release["inputs"]
    assert (inputs["name"], inputs["namespace"], inputs["chart"]) == ("homepage", NS, "homepage")
    assert inputs["repositoryOpts"] == {"repo": "http://jameswynn.github.io/helm-charts"}
    assert inputs["version"] == "2.1.0" and inputs["atomic"] is True and inputs["cleanupOnFail"] is True
    values = inputs["values"]
    assert values["image"] == {"repository": "ghcr.io/gethomepage/homepage", "tag": "v1.10.1"}
    assert values["enableRbac"] is True and values["serviceAccount"]["create"] is True
    assert values["config"]["kubernetes"] == {"mode": "cluster"} and values["config"]["services"] == []
    assert values["ingress"]["main"]["enabled"] is False
    assert values["env"] == {"HOMEPAGE_ALLOWED_HOSTS": "home.viktorbarzin.me"}
    assert values["config"]["settings"]["layout"]["Core Platform"] == {"style": "row", "columns": 4}
    assert len(values["config"]["settings"]["layout"]) == 11


def test_public_ingress_goes_through_anubis_to_the_cache(synth_stack):
    stack = synth_stack("homepage")
    ingress = stack.k8s("Ingress", "homepage", NS)["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert ingress["spec"]["rules"][0]["host"] == "home.viktorbarzin.me"
    assert annotations[c.AUTH_ANNOTATION] == "none" and annotations[c.AUTH_REASON_ANNOTATION]
    chain = annotations[c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")
    assert chain[0] == c.MW_REAL_IP and chain[-1] == c.MW_X402 and c.MW_AI_BOT_BLOCK not in chain
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "anubis-homepage", "port": {"number": 8080}}
    anubis = stack.k8s("Deployment", "anubis-homepage", NS)["inputs"]["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in anubis["env"]}
    assert env["TARGET"] == "http://homepage-cache.homepage.svc.cluster.local"


def test_cache_proxy_serves_nginx_config_from_its_configmap(synth_stack):
    stack = synth_stack("homepage")
    config = stack.k8s("ConfigMap", "homepage-cache-config", NS)["inputs"]["data"]["default.conf"]
    # The nginx file is operator content brought over byte for byte (a placeholder here).
    assert config == (REPO / "stacks" / "homepage" / "files" / "default.conf").read_text()
    deployment = stack.k8s("Deployment", "homepage-cache", NS)["inputs"]
    assert deployment["metadata"]["labels"] == {"tier": "4-aux"}
    pod = deployment["spec"]["template"]["spec"]
    assert pod["containers"][0]["image"] == "nginx:alpine"
    assert pod["volumes"] == [{"name": "config", "configMap": {"name": "homepage-cache-config"}}]
    service = stack.k8s("Service", "homepage-cache", NS)["inputs"]
    assert "labels" not in service["metadata"]
    assert service["spec"]["selector"] == {"app": "homepage-cache"}
