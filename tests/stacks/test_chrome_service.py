"""chrome-service: the neko master browser (images, ports, probes, volumes), its four Services
and media LoadBalancer, the ingress postures, the two CronJobs on the profile claim, the pool
(broker, warm worker, quota) and the RBAC handed to emo and the broker."""

import pytest

NS = "chrome-service"
LABELS = {"app": "chrome-service"}
PYTHON_IMAGE = "mcr.microsoft.com/playwright/python:v1.48.0-noble"
NEKO_IMAGE = ("ghcr.io/m1k1o/neko/google-chrome:3.1.4"
              "@sha256:5511a426db00c474ff15e21fcdaa3887d737f9d379080a2cd5d05bea81872fce")
POD_SECURITY = {"runAsUser": 1000, "runAsGroup": 1000, "fsGroup": 1000, "seccompProfile": {"type": "RuntimeDefault"}}
KEEL_IGNORES = [f'metadata.annotations["keel.sh/{a}"]' for a in ("policy", "trigger", "pollSchedule", "match-tag")]


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("chrome-service")


def _env(container):
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


def _by_name(items):
    return {item["name"]: item for item in items}


def test_namespace_is_aux_with_its_own_pool_quota(stack):
    labels = stack.k8s("Namespace", NS)["inputs"]["metadata"]["labels"]
    assert labels == {"tier": "4-aux", "istio-injection": "disabled", "chrome-service.viktorbarzin.me/server": "true",
                      "keel.sh/enrolled": "true", "resource-governance/custom-quota": "true"}
    quota = stack.k8s("ResourceQuota", "chrome-pool", NS)["inputs"]["spec"]["hard"]
    assert quota == {"requests.cpu": "4", "requests.memory": "16Gi", "limits.memory": "40Gi", "count/pods": "14"}


def test_external_secrets_and_their_refresh(stack):
    secrets = stack.k8s("ExternalSecret", "chrome-service-secrets", NS)["inputs"]["spec"]
    assert secrets["refreshInterval"] == "15m"
    assert secrets["dataFrom"] == [{"extract": {"key": "chrome-service"}}]
    turn = stack.k8s("ExternalSecret", "chrome-service-turn", NS)["inputs"]["spec"]
    assert turn["refreshInterval"] == "1h"
    assert turn["data"] == [{"secretKey": "turn_secret", "remoteRef": {"key": "coturn", "property": "turn_secret"}}]


def test_profile_claim_is_encrypted_and_autoresized(stack):
    claim = stack.k8s("PersistentVolumeClaim", "chrome-service-profile-encrypted", NS)
    spec = claim["inputs"]["spec"]
    assert spec["storageClassName"] == "proxmox-lvm-encrypted"
    assert spec["resources"]["requests"]["storage"] == "2Gi" and spec["accessModes"] == ["ReadWriteOnce"]
    assert claim["inputs"]["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == "10Gi"
    assert "spec.resources.requests" in claim["options"]["ignoreChanges"]
    backup = stack.k8s("PersistentVolume", "chrome-service-backup-host")["inputs"]["spec"]["csi"]["volumeAttributes"]
    assert backup == {"server": "192.168.1.127", "share": "/srv/nfs/chrome-service-backup"}


def test_master_browser_pod(stack):
    deployment = stack.k8s("Deployment", "chrome-service", NS)
    meta = deployment["inputs"]["metadata"]
    assert meta["labels"] == {"app": "chrome-service", "tier": "4-aux"}
    assert meta["annotations"] == {"reloader.stakater.com/auto": "true", "keel.sh/policy": "never"}
    spec = deployment["inputs"]["spec"]
    assert spec["strategy"] == {"type": "Recreate"} and spec["replicas"] == 1
    assert spec["selector"]["matchLabels"] == LABELS
    pod = spec["template"]["spec"]
    assert pod["securityContext"] == POD_SECURITY
    assert pod["imagePullSecrets"] == [{"name": "registry-credentials"}]
    assert [c["name"] for c in pod["initContainers"]] == ["fix-perms", "turn-cred"]
    fix, turn = pod["initContainers"]
    assert fix["image"] == "busybox:1.37" and fix["securityContext"] == {"runAsUser": 0}
    assert turn["image"] == PYTHON_IMAGE
    assert _env(turn) == {"TURN_SECRET": {"secretKeyRef": {"name": "chrome-service-turn", "key": "turn_secret"}},
                          "COTURN_BACKEND_URL": "turn:10.0.20.205:3478",
                          "COTURN_FRONTEND_URL": "turn:turn.viktorbarzin.me:3478",
                          "COTURN_STUN_URL": "stun:turn.viktorbarzin.me:3478"}

    containers = _by_name(pod["containers"])
    assert list(containers) == ["neko", "cdp-bridge", "snapshot-server"]
    neko = containers["neko"]
    assert neko["image"] == NEKO_IMAGE and neko["securityContext"] == {"runAsUser": 0}
    assert neko["command"][:2] == ["sh", "-c"]
    assert neko["command"][2].endswith("exec /usr/bin/supervisord -c /etc/neko/supervisord.conf\n")
    assert neko["ports"] == [{"name": "http", "containerPort": 8080, "protocol": "TCP"},
                             {"name": "media", "containerPort": 59000, "protocol": "UDP"}]
    env = _env(neko)
    assert env["NEKO_WEBRTC_NAT1TO1"] == "10.0.20.206" and env["NEKO_WEBRTC_UDPMUX"] == "59000"
    assert env["NEKO_MEMBER_MULTIUSER_ADMIN_PASSWORD"] == {
        "secretKeyRef": {"name": "chrome-service-secrets", "key": "neko_admin_password"}}
    assert env["NEKO_CAPTURE_VIDEO_CODEC"] == "h264" and "x264enc name=encoder" in env["NEKO_CAPTURE_VIDEO_PIPELINE"]
    assert neko["startupProbe"] == {"httpGet": {"path": "/health", "port": 8080}, "periodSeconds": 5,
                                    "failureThreshold": 36}
    assert "9223/json/version" in neko["livenessProbe"]["exec"]["command"][2]
    assert neko["resources"] == {"requests": {"cpu": "1", "memory": "3Gi"}, "limits": {"memory": "4Gi"}}
    assert containers["cdp-bridge"]["ports"] == [{"name": "cdp", "containerPort": 9222, "protocol": "TCP"}]
    snapshot = containers["snapshot-server"]
    assert _env(snapshot)["PW_TOKEN"] == {"secretKeyRef": {"name": "chrome-service-secrets", "key": "api_bearer_token"}}
    assert _env(snapshot)["SNAPSHOT_PATH"] == "/profile/snapshots/storage-state.json"

    volumes = _by_name(pod["volumes"])
    assert volumes["profile"]["persistentVolumeClaim"] == {"claimName": "chrome-service-profile-encrypted"}
    assert volumes["dshm"]["emptyDir"] == {"medium": "Memory", "sizeLimit": "1Gi"}
    assert volumes["scripts"]["configMap"] == {"name": "snapshot-scripts", "defaultMode": 0o555}
    assert volumes["neko-conf"]["configMap"] == {"name": "neko-conf"}

    ignored = deployment["options"]["ignoreChanges"]
    assert set(KEEL_IGNORES) <= set(ignored)
    assert "spec.template.spec.initContainers[0].image" in ignored
    assert not any(path.startswith("spec.template.spec.containers[") for path in ignored), ignored


def test_services_and_media_load_balancer(stack):
    expected = {
        "chrome-service": {"name": "cdp", "port": 9222, "targetPort": 9222, "protocol": "TCP"},
        "chrome": {"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"},
        "chrome-media": {"name": "media", "port": 59000, "targetPort": 59000, "protocol": "UDP"},
        "chrome-snapshot": {"name": "snap", "port": 8088, "targetPort": 8088, "protocol": "TCP"},
    }
    for name, port in expected.items():
        service = stack.k8s("Service", name, NS)["inputs"]
        assert service["spec"]["selector"] == LABELS, name
        assert service["spec"]["ports"] == [port], name
    media = stack.k8s("Service", "chrome-media", NS)
    assert media["inputs"]["metadata"]["annotations"] == {"metallb.io/loadBalancerIPs": "10.0.20.206"}
    assert media["inputs"]["spec"]["type"] == "LoadBalancer"
    assert media["inputs"]["spec"]["externalTrafficPolicy"] == "Local"
    assert media["options"]["ignoreChanges"] == ['metadata.annotations["metallb.io/ip-allocated-from-pool"]']


def test_ingress_postures(stack):
    def ingress(name):
        inputs = stack.k8s("Ingress", name, NS)["inputs"]
        [rule] = inputs["spec"]["rules"]
        return inputs["metadata"]["annotations"], rule

    annotations, rule = ingress("chrome")
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert rule["host"] == "chrome.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "chrome", "port": {"number": 80}}

    annotations, rule = ingress("chrome-snapshot")
    assert annotations["infra.viktorbarzin.me/auth"] == "none"
    assert "bearer token" in annotations["infra.viktorbarzin.me/auth-reason"]
    assert annotations["gethomepage.dev/enabled"] == "false"
    assert rule["host"] == "chrome.viktorbarzin.me"
    [path] = rule["http"]["paths"]
    assert path["path"] == "/api/snapshot"
    assert path["backend"]["service"] == {"name": "chrome-snapshot", "port": {"number": 8088}}

    annotations, rule = ingress("chrome-fleet")
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert rule["host"] == "chrome-fleet.viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "chrome-fleet", "port": {"number": 8080}}


def test_network_policy_admits_cdp_clients_traefik_and_media_networks(stack):
    spec = stack.k8s("NetworkPolicy", "chrome-service-ws-ingress", NS)["inputs"]["spec"]
    assert spec["podSelector"] == {"matchLabels": LABELS} and spec["policyTypes"] == ["Ingress"]
    cdp, traefik, media = spec["ingress"]
    assert cdp["ports"] == [{"port": 9222, "protocol": "TCP"}]
    assert [f["namespaceSelector"]["matchLabels"] for f in cdp["from"]] == [
        {"chrome-service.viktorbarzin.me/client": "true"},
        {"kubernetes.io/metadata.name": "f1-stream"}, {"kubernetes.io/metadata.name": NS}]
    assert traefik["ports"] == [{"port": 8080, "protocol": "TCP"}, {"port": 8088, "protocol": "TCP"}]
    assert media["ports"] == [{"port": 59000, "protocol": "UDP"}]
    assert [f["ipBlock"]["cidr"] for f in media["from"]] == ["10.0.0.0/8", "192.168.0.0/16", "100.64.0.0/10"]


@pytest.mark.parametrize("name, schedule, container, image", [
    ("chrome-service-backup", "47 */6 * * *", "backup", "docker.io/library/alpine:3.20"),
    ("chrome-service-snapshot-harvester", "23 * * * *", "harvester", PYTHON_IMAGE),
])
def test_cronjobs_on_the_profile_claim(stack, name, schedule, container, image):
    spec = stack.k8s("CronJob", name, NS)["inputs"]["spec"]
    assert spec["schedule"] == schedule
    assert spec["concurrencyPolicy"] == "Replace" and spec["startingDeadlineSeconds"] == 60
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (1, 3)
    job = spec["jobTemplate"]["spec"]
    assert job["backoffLimit"] == 2 and job["ttlSecondsAfterFinished"] == 300
    pod = job["template"]["spec"]
    assert pod["restartPolicy"] == "OnFailure"
    [term] = pod["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert term == {"labelSelector": {"matchLabels": LABELS}, "topologyKey": "kubernetes.io/hostname"}
    [c] = pod["containers"]
    assert (c["name"], c["image"]) == (container, image)
    profile = _by_name(pod["volumes"])["profile"]
    assert profile["persistentVolumeClaim"] == {"claimName": "chrome-service-profile-encrypted"}


def test_backup_writes_to_the_nfs_share_with_30_day_rotation(stack):
    pod = stack.k8s("CronJob", "chrome-service-backup", NS)["inputs"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert _by_name(pod["volumes"])["backup"]["persistentVolumeClaim"] == {"claimName": "chrome-service-backup-host"}
    [c] = pod["containers"]
    assert c["command"][:2] == ["/bin/sh", "-c"] and "-mtime +30 -delete" in c["command"][2]
    assert c["volumeMounts"] == [{"name": "profile", "mountPath": "/profile", "readOnly": True},
                                 {"name": "backup", "mountPath": "/backup"}]


def test_broker_and_its_pod_rbac(stack):
    deployment = stack.k8s("Deployment", "chrome-broker", NS)
    spec = deployment["inputs"]["spec"]
    assert spec["selector"]["matchLabels"] == {"app": "chrome-broker"}
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    pod = spec["template"]["spec"]
    assert pod["serviceAccountName"] == "chrome-broker" and pod["securityContext"] == POD_SECURITY
    [c] = pod["containers"]
    assert c["image"] == PYTHON_IMAGE and c["command"] == ["bash", "-c"]
    assert _env(c)["MAX_WORKERS"] == "6" and _env(c)["NAMESPACE"] == NS
    assert pod["volumes"] == [{"name": "broker", "configMap": {"name": "chrome-broker-scripts", "defaultMode": 0o555}}]
    ignored = deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[0].image" in ignored and 'metadata.labels["tier"]' in ignored
    scripts = stack.k8s("ConfigMap", "chrome-broker-scripts", NS)["inputs"]["data"]
    assert set(scripts) == {"broker.py", "worker_pod.json", "seed_export.py", "screenshot.py", "index.html"}
    service = stack.k8s("Service", "chrome-fleet", NS)["inputs"]["spec"]
    assert service["selector"] == {"app": "chrome-broker"} and service["ports"][0]["port"] == 8080

    role = stack.k8s("Role", "chrome-broker", NS)["inputs"]
    assert role["rules"] == [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch", "create", "delete", "patch"]},
        {"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]},
    ]
    binding = stack.k8s("RoleBinding", "chrome-broker", NS)["inputs"]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "chrome-broker", "namespace": NS}]


def test_warm_worker_selects_only_the_warm_role(stack):
    deployment = stack.k8s("Deployment", "chrome-worker-warm", NS)
    spec = deployment["inputs"]["spec"]
    assert spec["selector"]["matchLabels"] == {"chrome-pool/role": "warm"}
    assert spec["template"]["metadata"]["labels"] == {"app": "chrome-worker", "chrome-pool/role": "warm"}
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}
    assert deployment["inputs"]["metadata"]["annotations"] == {"keel.sh/policy": "never"}
    [c] = spec["template"]["spec"]["containers"]
    assert c["image"] == "ghcr.io/viktorbarzin/chrome-service-browser:latest"
    assert c["resources"] == {"requests": {"cpu": "250m", "memory": "2Gi"}, "limits": {"cpu": "4", "memory": "4Gi"}}
    assert "spec.template.spec.containers[0].image" not in deployment["options"]["ignoreChanges"]


def test_emo_browser_credential(stack):
    token = stack.k8s("Secret", "emo-browser-token", NS)["inputs"]
    assert token["type"] == "kubernetes.io/service-account-token"
    assert token["metadata"]["annotations"] == {"kubernetes.io/service-account.name": "emo-browser"}
    role = stack.k8s("Role", "chrome-service-portforward", NS)["inputs"]
    assert role["rules"] == [{"apiGroups": [""], "resources": ["pods/portforward"], "verbs": ["create"]}]
    subject = [{"kind": "ServiceAccount", "name": "emo-browser", "namespace": NS}]
    binding = stack.k8s("RoleBinding", "emo-browser-portforward", NS)["inputs"]
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                                  "name": "chrome-service-portforward"}
    assert binding["subjects"] == subject
    cluster = stack.k8s("ClusterRoleBinding", "emo-browser-readonly")["inputs"]
    assert cluster["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                  "name": "oidc-power-user-readonly"}
    assert cluster["subjects"] == subject
