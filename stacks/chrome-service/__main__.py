"""chrome-service: the shared headed Google Chrome (neko over WebRTC) and its agent browser pool.

The master browser runs in neko, which owns the display, the H.264/Opus capture and Chrome
itself; a cdp-bridge sidecar republishes Chrome's loopback CDP on :9222 for in-cluster
callers (f1-stream, the snapshot harvester, `homelab browser`), and a snapshot-server sidecar
hands out the hourly storage-state snapshot behind a bearer token. The viewer's media goes
straight to a MetalLB address of its own. The chrome-broker (stock Playwright image, code
from a ConfigMap) runs the agent worker pool: one warm worker Deployment here, burst workers
as bare pods it creates itself (pods CRUD in this namespace only).
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.backup_cronjob import AppBackup, AppBackupArgs, BackupSource
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.ingress import IngressArgs, IngressFactory
from components.metallb import MetalLbAddress
from components.namespace import Namespace, NamespaceArgs, Quota
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.payload import load_payload
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.proxmox_volume import ProxmoxVolume, ProxmoxVolumeArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

settings = ClusterSettings.load()
HERE = Path(__file__).parent
NS = "chrome-service"
LABELS = {"app": "chrome-service"}
SECRETS = "chrome-service-secrets"
TURN = "chrome-service-turn"
# The Playwright client pin of every caller (f1-stream, the harvester) follows this minor.
PYTHON_IMAGE = "mcr.microsoft.com/playwright/python:v1.48.0-noble"
# Real Google Chrome (H.264/AAC codecs), digest-pinned: a neko upgrade is a reviewed bump.
NEKO_IMAGE = ("ghcr.io/m1k1o/neko/google-chrome:3.1.4"
              "@sha256:5511a426db00c474ff15e21fcdaa3887d737f9d379080a2cd5d05bea81872fce")
WORKER_IMAGE = "ghcr.io/viktorbarzin/chrome-service-browser:latest"
SNAPSHOT_DIR = "/profile/snapshots"
MEDIA_PORT = 59000  # neko's WebRTC UDP mux
# Its own address: ETP=Local (the viewer's real source) cannot share .200's ETP=Cluster.
MEDIA_LB = MetalLbAddress(ip="10.0.20.206")
POD_SECURITY = {"run_as_user": 1000, "run_as_group": 1000, "fs_group": 1000,
                "seccomp_profile": {"type": "RuntimeDefault"}}
PULL_SECRETS = [{"name": "registry-credentials"}]  # synced into every namespace by Kyverno
IGNORE_TIER_LABEL = 'metadata.labels["tier"]'  # stamped by Kyverno from the namespace

namespace = Namespace(NS, NamespaceArgs(
    tier=c.TIER_AUX,
    labels={"istio-injection": "disabled", "chrome-service.viktorbarzin.me/server": "true",
            "keel.sh/enrolled": "true"},
    # Owning the quota sets the custom-quota label, replacing Kyverno's tier quota (3Gi of
    # requests, too small for the pool): master + broker + six burst workers + CronJob pods;
    # count/pods stops a runaway broker. The tier LimitRange (4Gi per container) still applies.
    quota=Quota(name="chrome-pool", hard={
        "requests.cpu": "4", "requests.memory": "16Gi", "limits.memory": "40Gi", "count/pods": "14"}),
))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# api_bearer_token (snapshot endpoint) and neko_admin_password.
app_secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["chrome-service"]), opts=ns_opts)
# coturn's use-auth-secret: turn-cred mints a fresh TURN-REST credential from it at every pod start.
turn = ExternalSecret(TURN, ExternalSecretArgs(namespace=NS, refresh_interval="1h", data=[
    SecretKey(secret_key="turn_secret", key="coturn", property="turn_secret")]), opts=ns_opts)
# The wildcard TLS Secret is cloned into the namespace by Kyverno (sync-tls-secret): none here.

# Chrome's profile (cookies, local storage of logged-in sites): encrypted.
profile = ProxmoxVolume("chrome-service-profile-encrypted", ProxmoxVolumeArgs(
    namespace=NS, storage="2Gi", storage_limit="10Gi", storage_class="proxmox-lvm-encrypted"), opts=ns_opts)
backup_share = NfsVolume("chrome-service-backup-host", NfsVolumeArgs(
    namespace=NS, nfs_server=settings.nfs_server, nfs_path="/srv/nfs/chrome-service-backup"), opts=ns_opts)

scripts = PayloadConfigMap("snapshot-scripts", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, labels=LABELS,
    files={name: name for name in ("snapshot_server.py", "snapshot_harvester.py", "cdp_bridge.py",
                                   "worker_entrypoint.sh", "turn_cred.py")},
), opts=ns_opts)
# Mounted by subPath over the stock image's files: our Chrome flags and profile path, and a
# managed policy that allows DevTools (per-page CDP sessions) and incognito.
neko_conf = PayloadConfigMap("neko-conf", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, labels=LABELS,
    files={"google-chrome.conf": "neko/google-chrome.conf", "policies.json": "neko/policies.json"},
), opts=ns_opts)

# neko takes its ICE servers from env, known only at pod start (turn-cred writes them), and
# its multiuser provider needs a user password: a random one per start leaves only the admin
# login usable.
NEKO_START = """\
set -e
export NEKO_WEBRTC_ICESERVERS_BACKEND="$(cat /ice/backend.json)"
export NEKO_WEBRTC_ICESERVERS_FRONTEND="$(cat /ice/frontend.json)"
export NEKO_MEMBER_MULTIUSER_USER_PASSWORD="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n')"
exec /usr/bin/supervisord -c /etc/neko/supervisord.conf
"""
# Software x264 with named `framerate`/`encoder` elements (neko retunes them live); without
# an explicit pipeline neko falls back to VP8 whatever the codec says.
VIDEO_PIPELINE = " ".join([
    "ximagesrc display-name={display} show-pointer=true use-damage=false",
    "! capsfilter caps=video/x-raw,framerate=30/1 name=framerate",
    "! videoconvert ! queue ! video/x-raw,format=I420",
    "! x264enc name=encoder threads=4 bitrate=4000 key-int-max=30",
    "byte-stream=true tune=zerolatency speed-preset=veryfast",
    "! h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream",
    "! appsink name=appsink",
])


def http_probe(path: str, port: int, **timing) -> dict:
    return {"http_get": {"path": path, "port": port}, **timing}


def tcp_probe(port: int, **timing) -> dict:
    return {"tcp_socket": {"port": port}, **timing}


def resources(requests: dict, limits: dict) -> dict:
    return {"requests": requests, "limits": limits}


SCRIPTS_MOUNT = {"name": "scripts", "mount_path": "/scripts", "read_only": True}

neko = {
    "name": "neko", "image": NEKO_IMAGE, "image_pull_policy": "IfNotPresent",
    # supervisord needs root for Xorg/PulseAudio, then runs the desktop and Chrome as uid 1000.
    "security_context": {"run_as_user": 0},
    "command": ["sh", "-c", NEKO_START],
    "env": [
        *env({"NEKO_DESKTOP_SCREEN": "1920x1080@30"}),
        # The inner gate behind Authentik: one misconfigured gate must not expose the cookies.
        *secret_env(SECRETS, {"NEKO_MEMBER_MULTIUSER_ADMIN_PASSWORD": "neko_admin_password"}),
        *env({
            "NEKO_MEMBER_PROVIDER": "multiuser",
            "NEKO_SESSION_IMPLICIT_HOSTING": "true",
            "NEKO_SESSION_MERCIFUL_RECONNECT": "true",
            "NEKO_SERVER_BIND": "0.0.0.0:8080",
            "NEKO_SERVER_PROXY": "true",  # always behind Traefik
            "NEKO_WEBRTC_ICELITE": "false",
            "NEKO_WEBRTC_UDPMUX": str(MEDIA_PORT),
            # The media LoadBalancer as the host candidate; unset, neko advertises the WAN
            # address (which forwards nothing) and ICE never completes.
            "NEKO_WEBRTC_NAT1TO1": MEDIA_LB.ip,
            "NEKO_CAPTURE_VIDEO_CODEC": "h264",
            "NEKO_CAPTURE_VIDEO_PIPELINE": VIDEO_PIPELINE,
            # JPEG-over-HTTP fallback for a client without WebRTC.
            "NEKO_CAPTURE_SCREENCAST_ENABLED": "true",
            "NEKO_CAPTURE_SCREENCAST_RATE": "10/1",
            "NEKO_CAPTURE_SCREENCAST_QUALITY": "60",
        }),
    ],
    "ports": [{"name": "http", "container_port": 8080, "protocol": "TCP"},
              {"name": "media", "container_port": MEDIA_PORT, "protocol": "UDP"}],
    # neko's /health and Chrome's own CDP: a wedged Chrome keeps its port open, so a TCP
    # check would miss it; a restart takes supervisord and Chrome with it.
    "liveness_probe": {
        "exec": {"command": ["sh", "-c",
                             "curl -fsS --max-time 5 http://127.0.0.1:8080/health >/dev/null && "
                             "curl -fsS --max-time 5 http://127.0.0.1:9223/json/version >/dev/null"]},
        "initial_delay_seconds": 60, "period_seconds": 30, "failure_threshold": 3,
    },
    "readiness_probe": http_probe("/health", 8080, initial_delay_seconds=10, period_seconds=10),
    # Xorg + openbox + PulseAudio + Chrome: three minutes before liveness arms.
    "startup_probe": http_probe("/health", 8080, period_seconds=5, failure_threshold=36),
    "volume_mounts": [
        {"name": "profile", "mount_path": "/profile"},
        {"name": "dshm", "mount_path": "/dev/shm"},
        {"name": "ice", "mount_path": "/ice", "read_only": True},
        {"name": "neko-conf", "mount_path": "/etc/neko/supervisord/google-chrome.conf",
         "sub_path": "google-chrome.conf", "read_only": True},
        {"name": "neko-conf", "mount_path": "/etc/opt/chrome/policies/managed/policies.json",
         "sub_path": "policies.json", "read_only": True},
    ],
    # The CPU request covers x264 while a viewer watches; the 1Gi /dev/shm counts in the limit.
    "resources": resources({"cpu": "1", "memory": "3Gi"}, {"memory": "4Gi"}),
}

cdp_bridge = {
    "name": "cdp-bridge", "image": PYTHON_IMAGE, "image_pull_policy": "IfNotPresent",
    "command": ["python3", "/scripts/cdp_bridge.py"],
    "ports": [{"name": "cdp", "container_port": 9222, "protocol": "TCP"}],
    # Readiness keeps CDP callers away until the bridge reaches Chrome.
    "readiness_probe": tcp_probe(9222, initial_delay_seconds=5, period_seconds=10),
    "liveness_probe": tcp_probe(9222, initial_delay_seconds=15, period_seconds=30),
    "volume_mounts": [SCRIPTS_MOUNT],
    "resources": resources({"cpu": "10m", "memory": "64Mi"}, {"memory": "128Mi"}),
}

snapshot_server = {
    "name": "snapshot-server", "image": PYTHON_IMAGE, "image_pull_policy": "IfNotPresent",
    "command": ["python3", "/scripts/snapshot_server.py"],
    "env": [
        *secret_env(SECRETS, {"PW_TOKEN": "api_bearer_token"}),  # the gate of /api/snapshot
        *env({"SNAPSHOT_PATH": f"{SNAPSHOT_DIR}/storage-state.json", "PORT": "8088"}),
    ],
    "ports": [{"name": "snap", "container_port": 8088, "protocol": "TCP"}],
    "liveness_probe": http_probe("/healthz", 8088, initial_delay_seconds=5, period_seconds=30),
    "readiness_probe": http_probe("/healthz", 8088, initial_delay_seconds=2, period_seconds=10),
    "volume_mounts": [{"name": "profile", "mount_path": "/profile", "read_only": True}, SCRIPTS_MOUNT],
    "resources": resources({"cpu": "5m", "memory": "32Mi"}, {"memory": "96Mi"}),
}

init_containers = [
    # Kept first: its image is the one Kyverno may restamp (ignored below by index).
    # Chrome's Singleton* lock names the previous pod's hostname and blocks the launch;
    # Recreate guarantees that pod is gone.
    {
        "name": "fix-perms", "image": "busybox:1.37",
        "command": ["sh", "-c", "chown -R 1000:1000 /profile && rm -f /profile/chromium-data/Singleton*"],
        "security_context": {"run_as_user": 0},
        "volume_mounts": [{"name": "profile", "mount_path": "/profile"}],
        "resources": resources({"memory": "32Mi"}, {"memory": "64Mi"}),
    },
    {
        "name": "turn-cred", "image": PYTHON_IMAGE, "image_pull_policy": "IfNotPresent",
        "command": ["python3", "/scripts/turn_cred.py"],
        "env": [
            *secret_env(TURN, {"TURN_SECRET": "turn_secret"}),
            # coturn's LB address for neko itself; its public name for the viewer's browser.
            *env({"COTURN_BACKEND_URL": "turn:10.0.20.205:3478",
                  "COTURN_FRONTEND_URL": "turn:turn.viktorbarzin.me:3478",
                  "COTURN_STUN_URL": "stun:turn.viktorbarzin.me:3478"}),
        ],
        "volume_mounts": [{"name": "ice", "mount_path": "/ice"}, SCRIPTS_MOUNT],
        "resources": resources({"cpu": "10m", "memory": "32Mi"}, {"memory": "96Mi"}),
    },
]

chrome = WebApp("chrome-service", WebAppArgs(
    namespace=NS, selector=LABELS, tier=c.TIER_AUX,
    annotations={"reloader.stakater.com/auto": "true",
                 # Declared so a re-created Deployment starts opted out of Keel (digest-pinned neko).
                 "keel.sh/policy": "never"},
    # Keel's and the rollout annotations are ignored as upstream has it; no container image is.
    keel=True, keel_containers=(),
    ignore_changes=["spec.template.spec.initContainers[0].image"],
    # The profile claim is ReadWriteOnce and Chrome's lock must be released first.
    strategy="Recreate",
    pod_spec={"image_pull_secrets": PULL_SECRETS, "security_context": POD_SECURITY},
    init_containers=init_containers,
    containers=[neko, cdp_bridge, snapshot_server],
    volumes=[
        {"name": "profile", "persistent_volume_claim": {"claim_name": profile.claim_name}},
        {"name": "dshm", "empty_dir": {"medium": "Memory", "size_limit": "1Gi"}},
        scripts.volume("scripts", default_mode=0o555),
        {"name": "ice", "empty_dir": {}},  # turn-cred -> neko
        neko_conf.volume("neko-conf"),
    ],
    # CDP for in-cluster callers (connect_over_cdp), admitted by the NetworkPolicy below.
    service_ports=[{"name": "cdp", "port": 9222, "target_port": 9222, "protocol": "TCP"}],
), opts=pulumi.ResourceOptions(depends_on=[namespace, app_secrets, turn]))


def chrome_service(name: str, port: dict, *, annotations: dict | None = None, spec: dict | None = None,
                   ignore_changes: list[str] | None = None) -> k8s.core.v1.Service:
    """A further Service onto the chrome-service pod."""
    metadata = {"name": name, "namespace": NS, "labels": LABELS}
    if annotations:
        metadata["annotations"] = annotations
    return k8s.core.v1.Service(
        name, metadata=metadata, spec={**(spec or {}), "selector": LABELS, "ports": [port]},
        opts=pulumi.ResourceOptions(depends_on=[namespace], ignore_changes=ignore_changes))


# neko's UI and WebSocket signaling (behind the `chrome` ingress).
chrome_service("chrome", {"name": "http", "port": 80, "target_port": 8080, "protocol": "TCP"})
# WebRTC media, UDP, straight from the viewer (LAN, the London tunnel, Headscale); SEC-124.
chrome_service(
    "chrome-media", {"name": "media", "port": MEDIA_PORT, "target_port": MEDIA_PORT, "protocol": "UDP"},
    annotations=MEDIA_LB.annotations, ignore_changes=MEDIA_LB.ignore_changes,
    spec={"type": "LoadBalancer", "external_traffic_policy": "Local"})
# The snapshot sidecar (behind the bearer-gated /api/snapshot ingress).
chrome_service("chrome-snapshot", {"name": "snap", "port": 8088, "target_port": 8088, "protocol": "TCP"})

IngressFactory("chrome", IngressArgs.on_cluster(
    settings, namespace=NS, dns_type="proxied", auth="required",
    allowed_groups=["Chrome Users"],  # live shared-browser sessions (admins pass the bypass)
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "Chrome Service",
        "gethomepage.dev/description": "Live neko WebRTC view of headed Chrome",
        "gethomepage.dev/icon": "chromium.png",
        "gethomepage.dev/group": "Infrastructure",
    },
), opts=ns_opts)
# A path carve-out on the same host; the DNS name belongs to the ingress above (SEC-127).
IngressFactory("chrome-snapshot", IngressArgs.on_cluster(
    settings, namespace=NS, dns_type="none", host="chrome", service_name="chrome-snapshot", port=8088,
    ingress_path=["/api/snapshot"], auth="none",
    auth_reason="snapshot-server checks a bearer token (api_bearer_token); the dev-box refresh timer "
                "cannot replay an Authentik cookie",
    extra_annotations={"gethomepage.dev/enabled": "false"},
), opts=ns_opts)

# The cluster has no default-deny: this scopes only the chrome-service pod.
k8s.networking.v1.NetworkPolicy("chrome-service-ws-ingress", metadata={
    "name": "chrome-service-ws-ingress", "namespace": NS,
}, spec={
    "pod_selector": {"match_labels": LABELS},
    "policy_types": ["Ingress"],
    "ingress": [
        # CDP: labelled client namespaces, f1-stream by name (should its label go) and this
        # namespace (the harvester).
        {"from_": [{"namespace_selector": {"match_labels": {"chrome-service.viktorbarzin.me/client": "true"}}},
                   *({"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": ns}}}
                     for ns in ("f1-stream", NS))],
         "ports": [{"port": 9222, "protocol": "TCP"}]},
        # neko UI/signaling and the snapshot sidecar, only through Traefik.
        {"from_": [{"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": "traefik"}}}],
         "ports": [{"port": 8080, "protocol": "TCP"}, {"port": 8088, "protocol": "TCP"}]},
        # Media from the networks that route to the media address (ETP=Local keeps the source).
        {"from_": [{"ip_block": {"cidr": cidr}} for cidr in ("10.0.0.0/8", "192.168.0.0/16", "100.64.0.0/10")],
         "ports": [{"port": MEDIA_PORT, "protocol": "UDP"}]},
    ],
}, opts=ns_opts)

# Both CronJobs mount the ReadWriteOnce profile claim: run next to the chrome-service pod.
NEXT_TO_CHROME = {"affinity": {"pod_affinity": {"required_during_scheduling_ignored_during_execution": [
    {"label_selector": {"match_labels": LABELS}, "topology_key": "kubernetes.io/hostname"}]}}}
PROFILE_VOLUME = {"name": "profile", "persistent_volume_claim": {"claim_name": profile.claim_name}}
CRONJOB_SHAPE = dict(
    namespace=NS, concurrency_policy="Replace", failed_jobs_history_limit=3, successful_jobs_history_limit=1,
    starting_deadline_seconds=60, backoff_limit=2, ttl_seconds_after_finished=300,
    job_metadata={}, pod_metadata={}, restart_policy="OnFailure", pod_spec=NEXT_TO_CHROME)

# The profile as a dated tarball every six hours (:47), 30 days kept. No metrics are pushed;
# the CronJob was a ScheduledJob of the same name before.
BACKUP_SCRIPT = """\
set -euxo pipefail
ts=$(date +"%Y_%m_%d_%H")
tar -czf /backup/${ts}.tar.gz -C /profile .
find /backup -maxdepth 1 -type f -name '*.tar.gz' -mtime +30 -delete
echo "Backup complete: ${ts}.tar.gz"
"""
AppBackup("chrome-service-backup", AppBackupArgs(
    namespace=NS, schedule="47 */6 * * *", image="docker.io/library/alpine:3.20", container_name="backup",
    script=BACKUP_SCRIPT, retention_days=30,
    concurrency_policy="Replace", starting_deadline_seconds=60, restart_policy="OnFailure",
    successful_jobs_history_limit=1, failed_jobs_history_limit=3, backoff_limit=2, ttl_seconds_after_finished=300,
    sources=[BackupSource(volume_name="profile", claim_name=profile.claim_name, mount_path="/profile")],
    claim_name=backup_share.claim_name, owner_labels=LABELS,
    resources=resources({"cpu": "10m", "memory": "32Mi"}, {"memory": "64Mi"}),
    moved_from_component="ScheduledJob",
), opts=ns_opts)

# Hourly at :23 (away from the backup's :47): cookies + local storage of the persistent
# context over CDP into the snapshot the sidecar serves. The image has browsers but not the
# `playwright` package: installed once into a pip cache on the claim.
HARVEST_SCRIPT = """\
set -e
export PIP_CACHE_DIR=/profile/.cache/pip
export PIP_DISABLE_PIP_VERSION_CHECK=1
python3 -c 'import playwright' 2>/dev/null \\
  || pip install --quiet --no-warn-script-location playwright==1.48.0
exec python3 /scripts/snapshot_harvester.py
"""
ScheduledJob("chrome-service-snapshot-harvester", ScheduledJobArgs(
    **CRONJOB_SHAPE, schedule="23 * * * *",
    containers=[{
        "name": "harvester", "image": PYTHON_IMAGE, "image_pull_policy": "IfNotPresent",
        "command": ["bash", "-c"], "args": [HARVEST_SCRIPT],
        "env": env({"CDP_URL": f"http://chrome-service.{NS}.svc.cluster.local:9222", "SNAPSHOT_DIR": SNAPSHOT_DIR,
                    "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"}),  # connect_over_cdp needs no local browser
        "volume_mounts": [{"name": "profile", "mount_path": "/profile"}, SCRIPTS_MOUNT],
        "resources": resources({"cpu": "20m", "memory": "128Mi"}, {"memory": "512Mi"}),
    }],
    volumes=[PROFILE_VOLUME, scripts.volume("scripts", default_mode=0o555)],
), opts=ns_opts)

# --- The agent browser pool -------------------------------------------------------------

# Pods CRUD in this namespace only: bare burst workers, claiming/releasing the warm one by label
# (register SEC-126).
broker_rbac = WorkloadRbac("chrome-broker", WorkloadRbacArgs(namespace=NS, rules=[
    Rule(api_groups=[""], resources=["pods"], verbs=["get", "list", "watch", "create", "delete", "patch"]),
    Rule(api_groups=[""], resources=["pods/log"], verbs=["get"]),
]), opts=ns_opts)

broker_scripts = PayloadConfigMap("chrome-broker-scripts", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, labels=LABELS,
    files={name: f"broker/{name}" for name in ("broker.py", "worker_pod.json", "seed_export.py",
                                               "screenshot.py", "index.html")},
), opts=ns_opts)

# The broker is stdlib Python; patchright (a Playwright drop-in) is only for its seed and
# screenshot subprocesses, pip-installed as uid 1000 into a user base under /tmp. The start
# script is upstream's heredoc, brought over byte for byte (it is the pod template's args).
BROKER_START = load_payload(HERE, "broker/start.sh")

broker = WebApp("chrome-broker", WebAppArgs(
    namespace=NS,
    annotations={"reloader.stakater.com/auto": "true"},
    # Kyverno stamps Keel's annotations on it; its image stays ignored, as upstream has it.
    keel=True,
    ignore_changes=[IGNORE_TIER_LABEL],
    strategy="RollingUpdate", rolling_update={"max_surge": 1, "max_unavailable": 0},
    pod_annotations={"prometheus.io/scrape": "true", "prometheus.io/port": "8080", "prometheus.io/path": "/metrics"},
    pod_spec={"service_account_name": broker_rbac.service_account_name, "security_context": POD_SECURITY},
    containers=[{
        "name": "broker", "image": PYTHON_IMAGE, "image_pull_policy": "IfNotPresent",
        "command": ["bash", "-c"], "args": [BROKER_START],
        "env": env({"NAMESPACE": NS, "MAX_WORKERS": "6", "IDLE_TTL_SECONDS": "1200",
                    "SESSION_DEADLINE_SECONDS": "3600", "PORT": "8080",
                    "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1", "PYTHONUNBUFFERED": "1"}),
        "ports": [{"name": "http", "container_port": 8080, "protocol": "TCP"}],
        "liveness_probe": http_probe("/healthz", 8080, initial_delay_seconds=30, period_seconds=30),
        "readiness_probe": http_probe("/healthz", 8080, initial_delay_seconds=5, period_seconds=10),
        "volume_mounts": [{"name": "broker", "mount_path": "/broker", "read_only": True}],
        "resources": resources({"cpu": "20m", "memory": "256Mi"}, {"memory": "512Mi"}),
    }],
    volumes=[broker_scripts.volume("broker", default_mode=0o555)],
    service_name="chrome-fleet",
    service_ports=[{"name": "http", "port": 8080, "target_port": 8080, "protocol": "TCP"}],
), opts=ns_opts)

# FleetView lists and kills agent sessions and has no login of its own.
IngressFactory("chrome-fleet", IngressArgs.on_cluster(
    settings, namespace=NS, dns_type="proxied", host="chrome-fleet", service_name="chrome-fleet", port=8080,
    auth="required", allowed_groups=["Chrome Users"],
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "FleetView",
        "gethomepage.dev/description": "chrome-service pool — live agent browser sessions",
        "gethomepage.dev/icon": "chromium.png",
        "gethomepage.dev/group": "Infrastructure",
    },
), opts=ns_opts)

# One always-ready worker. Its pods carry app=chrome-worker like the broker's bare workers,
# but the Deployment selects on the warm role alone, or it would adopt (and delete) them.
# The container mirrors files/broker/worker_pod.json.
WebApp("chrome-worker-warm", WebAppArgs(
    namespace=NS,
    selector={"chrome-pool/role": "warm"}, labels={"app": "chrome-worker"}, pod_labels={"app": "chrome-worker"},
    annotations={"keel.sh/policy": "never"},  # the browser image must not be rolled by Keel
    # Keel is off here, so Kyverno injects none of its annotations: stale ones are stripped;
    # only those upstream ignores (and the tier label) are.
    ignore_changes=[IGNORE_TIER_LABEL,
                    *(f'metadata.annotations["keel.sh/{a}"]' for a in ("policy", "trigger", "pollSchedule")),
                    'spec.template.metadata.annotations["keel.sh/update-time"]'],
    # No surge: the pod quota is the ceiling; a short warm gap on a roll is fine.
    strategy="RollingUpdate", rolling_update={"max_surge": 0, "max_unavailable": 1},
    pod_spec={"image_pull_secrets": PULL_SECRETS, "security_context": POD_SECURITY},
    containers=[{
        "name": "chrome", "image": WORKER_IMAGE, "command": ["bash", "/scripts/worker_entrypoint.sh"],
        "env": env({"DISPLAY": ":99", "HOME": "/profile"}),
        "ports": [{"name": "cdp", "container_port": 9222, "protocol": "TCP"}],
        "readiness_probe": tcp_probe(9222, initial_delay_seconds=3, period_seconds=3, failure_threshold=30),
        # The CPU limit is deliberate: one session's browser pegging cores is always a bug.
        "resources": resources({"cpu": "250m", "memory": "2Gi"}, {"cpu": "4", "memory": "4Gi"}),
        "volume_mounts": [{"name": "profile", "mount_path": "/profile"}, {"name": "dshm", "mount_path": "/dev/shm"},
                          SCRIPTS_MOUNT],
    }],
    volumes=[{"name": "profile", "empty_dir": {}},
             {"name": "dshm", "empty_dir": {"medium": "Memory", "size_limit": "512Mi"}},
             scripts.volume("scripts", default_mode=0o555)],
), opts=ns_opts)

# --- emo's `homelab browser` credential (register SEC-125) --------------------------------
# A long-lived token the devvm provisioner writes into emo's default kubeconfig context:
# port-forward to the shared browser's CDP here, and his power-user read access cluster-wide.
WorkloadRbac("emo-browser", WorkloadRbacArgs(
    namespace=NS, role_name="chrome-service-portforward", binding_name="emo-browser-portforward",
    token_secret="emo-browser-token",
    rules=[Rule(api_groups=[""], resources=["pods/portforward"], verbs=["create"])],
), opts=ns_opts)
# oidc-power-user-readonly is the rbac stack's ClusterRole (no Secrets).
WorkloadRbac("emo-browser-readonly", WorkloadRbacArgs(
    namespace=NS, service_account="emo-browser", existing_role="oidc-power-user-readonly",
    role_kind="ClusterRole",
), opts=ns_opts)

pulumi.export("namespace", NS)
