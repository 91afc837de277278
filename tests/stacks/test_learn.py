"""learn: the objects an outage would be about."""

import hashlib

from components import constants as c


def test_both_hosts_route_to_the_one_service_behind_forward_auth(synth_stack):
    stack = synth_stack("learn")
    for name in ("pages", "plans"):
        ingress = stack.k8s("Ingress", name, "learn")["inputs"]
        annotations = ingress["metadata"]["annotations"]
        assert ingress["spec"]["rules"][0]["host"] == f"{name}.viktorbarzin.me"
        assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "learn"
        assert annotations[c.AUTH_ANNOTATION] == "required"
        assert annotations[c.ALLOWED_GROUPS_ANNOTATION] == "Home Server Admins"
        assert c.MW_FORWARD_AUTH in annotations[c.ROUTER_MIDDLEWARES_ANNOTATION].split(",")


def test_pod_syncs_the_repo_and_serves_it_with_caddy(synth_stack):
    stack = synth_stack("learn")
    deployment = stack.k8s("Deployment", "learn", "learn")
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    git_sync, caddy = pod["containers"]
    assert git_sync["image"] == "registry.k8s.io/git-sync/git-sync:v4.7.0"
    assert "--repo=git@github.com:ViktorBarzin/monorepo.git" in git_sync["args"] and "--link=current" in git_sync["args"]
    assert git_sync["securityContext"] == {"runAsUser": 65533} and pod["securityContext"] == {"fsGroup": 65533}
    assert caddy["image"] == "docker.io/library/caddy:2.10.2-alpine"
    assert caddy["readinessProbe"]["httpGet"] == {"path": "/healthz", "port": 8080}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["git-secret"]["secret"] == {"secretName": "learn-git-creds", "defaultMode": 0o400}
    assert volumes["caddyfile"]["configMap"]["name"] == "learn-caddyfile"
    ignored = deployment["options"]["ignoreChanges"]
    assert {"spec.template.spec.containers[0].image", "spec.template.spec.containers[1].image",
            'metadata.labels["tier"]'} <= set(ignored)


def test_caddyfile_hash_rolls_the_pod(synth_stack):
    stack = synth_stack("learn")
    caddyfile = stack.k8s("ConfigMap", "learn-caddyfile", "learn")["inputs"]["data"]["Caddyfile"]
    assert "redir https://pages.viktorbarzin.me{uri} permanent" in caddyfile
    annotations = stack.k8s("Deployment", "learn", "learn")["inputs"]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["viktorbarzin.me/caddyfile-sha"] == hashlib.sha1(caddyfile.encode()).hexdigest()


def test_deploy_key_comes_from_vault(synth_stack):
    stack = synth_stack("learn")
    spec = stack.k8s("ExternalSecret", "learn-git-creds", "learn")["inputs"]["spec"]
    assert spec["refreshInterval"] == "1h"
    assert [(d["secretKey"], d["remoteRef"]) for d in spec["data"]] == [
        ("ssh", {"key": "learn", "property": "ssh"}), ("known_hosts", {"key": "learn", "property": "known_hosts"})]
