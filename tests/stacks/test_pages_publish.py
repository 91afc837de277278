"""pages-publish: the objects an outage would be about."""

from components import constants as c


def test_api_ingress_is_token_gated_on_port_8080(synth_stack):
    ingress = synth_stack("pages-publish").k8s("Ingress", "pages-publish", "pages-publish")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations[c.AUTH_ANNOTATION] == "none" and annotations[c.AUTH_REASON_ANNOTATION]
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "pages-publish.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "pages-publish", "port": {"number": 8080}}


def test_keel_match_tag_is_enforced_not_ignored(synth_stack):
    deployment = synth_stack("pages-publish").k8s("Deployment", "pages-publish", "pages-publish")
    assert deployment["inputs"]["metadata"]["annotations"]["keel.sh/match-tag"] == "true"
    ignored = deployment["options"]["ignoreChanges"]
    assert 'metadata.annotations["keel.sh/match-tag"]' not in ignored
    assert 'metadata.annotations["keel.sh/policy"]' in ignored and 'metadata.labels["tier"]' in ignored
    assert "spec.template.spec.containers[0].image" in ignored


def test_deploy_key_is_a_0400_file_and_api_keys_an_env_var(synth_stack):
    stack = synth_stack("pages-publish")
    pod = stack.k8s("Deployment", "pages-publish", "pages-publish")["inputs"]["spec"]["template"]["spec"]
    assert pod["securityContext"] == {"runAsUser": 10001, "runAsGroup": 10001, "fsGroup": 10001}
    [container] = pod["containers"]
    assert container["image"] == "ghcr.io/viktorbarzin/pages-publish:latest"
    env = {e["name"]: e for e in container["env"]}
    assert env["PAGES_API_KEYS"]["valueFrom"]["secretKeyRef"] == {"name": "pages-publish-secrets", "key": "PAGES_API_KEYS"}
    assert env["DEPLOY_KEY_PATH"]["value"] == "/etc/pages-deploy/id_ed25519"
    key_volume = next(v for v in pod["volumes"] if v["name"] == "deploy-key")["secret"]
    assert key_volume == {"secretName": "pages-publish-secrets", "defaultMode": 0o400,
                          "items": [{"key": "deploy_key", "path": "id_ed25519"}]}
    spec = stack.k8s("ExternalSecret", "pages-publish-secrets", "pages-publish")["inputs"]["spec"]
    assert spec["refreshInterval"] == "1h"
    assert [(d["secretKey"], d["remoteRef"]) for d in spec["data"]] == [
        ("PAGES_API_KEYS", {"key": "pages-publish", "property": "api_keys"}),
        ("deploy_key", {"key": "pages-publish", "property": "deploy_key"})]
