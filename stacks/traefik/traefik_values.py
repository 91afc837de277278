"""Helm values of the Traefik release, built in Python.

Kept next to the program (module name prefixed with the stack to stay unique when the
offline synth runs many programs in one interpreter). The vendored plugin sources are
payload files under files/plugins/ that the chart turns into inline-plugin ConfigMaps.
"""

from __future__ import annotations

from collections.abc import Callable

from components.constants import MW_COMPRESS, MW_CROWDSEC
from components.metallb import MetalLbAddress

# Cloudflare's published edge ranges plus the cluster/LAN ranges: the peers whose
# X-Forwarded-* headers Traefik believes.
FORWARDED_HEADER_TRUSTED_IPS: tuple[str, ...] = (
    "173.245.48.0/20", "103.21.244.0/22", "103.22.200.0/22", "103.31.4.0/22",
    "141.101.64.0/18", "108.162.192.0/18", "190.93.240.0/20", "188.114.96.0/20",
    "197.234.240.0/22", "198.41.128.0/17", "162.158.0.0/15", "104.16.0.0/13",
    "104.24.0.0/14", "172.64.0.0/13", "131.0.72.0/22", "10.0.0.0/8", "192.168.0.0/16",
)

# pfSense's HAProxy bridge for IPv6 clients; the only peer allowed to speak PROXY protocol.
PROXY_PROTOCOL_TRUSTED_IPS: tuple[str, ...] = ("10.0.20.1",)

# Middlewares every websecure router gets ahead of its own chain (both live in this stack).
ENTRYPOINT_MIDDLEWARES: tuple[str, ...] = (MW_CROWDSEC, MW_COMPRESS)

API_TOKEN_PLUGIN_MODULE = "github.com/Aetherinox/traefik-api-token-middleware"
API_TOKEN_PLUGIN_VERSION = "v0.1.4"

# Local plugins: (values key, Go module, payload directory, files the chart mounts).
LOCAL_PLUGINS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("sablier", "github.com/sablierapp/sablier-traefik-plugin", "sablier",
     ("go.mod", ".traefik.yml", "config.go", "main.go", "version.go")),
    ("realip", "github.com/viktorbarzin/real-ip-plugin", "realip",
     ("go.mod", ".traefik.yml", "main.go")),
    ("crowdsec", "github.com/viktorbarzin/crowdsec-bouncer-plugin", "crowdsec",
     ("go.mod", ".traefik.yml", "main.go")),
)


def _plugin_download_script() -> str:
    """Init-container script that stages the api-token plugin archive so Traefik never
    fetches it from the plugin catalogue at start-up."""
    archive_dir = f"$STORAGE/archives/{API_TOKEN_PLUGIN_MODULE}"
    url = f"https://{API_TOKEN_PLUGIN_MODULE}/archive/refs/tags/{API_TOKEN_PLUGIN_VERSION}.zip"
    state = '{"%s":"%s"}' % (API_TOKEN_PLUGIN_MODULE, API_TOKEN_PLUGIN_VERSION)
    return "".join([
        "set -e; ",
        "STORAGE=/plugins-storage; ",
        f'mkdir -p "{archive_dir}"; ',
        f'wget -q -T 30 -O "{archive_dir}/{API_TOKEN_PLUGIN_VERSION}.zip" ',
        f'"{url}"; ',
        f"printf '{state}' ",
        '> "$STORAGE/archives/state.json"; ',
        'echo "Plugins pre-downloaded successfully"',
    ])


def _entrypoint_args() -> list[str]:
    trusted = ",".join(FORWARDED_HEADER_TRUSTED_IPS)
    return [
        "--global.checknewversion=false",
        "--global.sendanonymoususage=false",
        "--serversTransport.insecureSkipVerify=true",
        "--serversTransport.forwardingTimeouts.dialTimeout=60s",
        "--serversTransport.forwardingTimeouts.responseHeaderTimeout=30s",
        "--serversTransport.forwardingTimeouts.idleConnTimeout=90s",
        "--serversTransport.maxIdleConnsPerHost=100",
        # Responding timeouts cap the whole transfer: unlimited writes (large downloads),
        # one hour for a read (large uploads) without leaving slow-loris unbounded.
        "--entryPoints.websecure.transport.respondingTimeouts.readTimeout=3600s",
        "--entryPoints.websecure.transport.respondingTimeouts.writeTimeout=0s",
        "--entryPoints.websecure.transport.respondingTimeouts.idleTimeout=600s",
        "--entryPoints.websecure.forwardedHeaders.insecure=false",
        "--entryPoints.web.forwardedHeaders.insecure=false",
        f"--entryPoints.websecure.forwardedHeaders.trustedIPs={trusted}",
        f"--entryPoints.web.forwardedHeaders.trustedIPs={trusted}",
    ]


def traefik_values(*, load_plugin_file: Callable[[str], str], lb_ip: str) -> dict:
    """Chart values. ``load_plugin_file('sablier/main.go')`` returns a plugin source file."""
    local_plugins = {
        key: {
            "moduleName": module,
            "mountPath": f"/plugins-local/src/{module}",
            "type": "inlinePlugin",
            "source": {filename: load_plugin_file(f"{directory}/{filename}") for filename in files},
        }
        for key, module, directory, files in LOCAL_PLUGINS
    }
    return {
        "deployment": {
            "replicas": 3,
            "terminationGracePeriodSeconds": 60,
            "lifecycle": {"preStop": {"exec": {"command": ["/bin/sh", "-c", "sleep 15"]}}},
            "podAnnotations": {
                "diun.enable": "true",
                "diun.include_tags": "^v\\d+(?:\\.\\d+)?(?:\\.\\d+)?.*$",
            },
            "initContainers": [{
                "name": "download-plugins",
                "image": "alpine:3",
                "command": ["sh", "-c", _plugin_download_script()],
                "volumeMounts": [{"name": "plugins", "mountPath": "/plugins-storage"}],
            }],
        },
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
        "ingressClass": {"enabled": True, "isDefaultClass": True},
        "providers": {
            "kubernetesIngress": {
                "enabled": True,
                "allowExternalNameServices": True,
                "publishedService": {"enabled": True},
            },
            "kubernetesCRD": {
                "enabled": True,
                "allowExternalNameServices": True,
                "allowCrossNamespace": True,
            },
        },
        "api": {"insecure": False},
        "ports": {
            "web": {
                "port": 8000,
                "exposedPort": 80,
                "protocol": "TCP",
                "http": {"redirections": {"entryPoint": {"to": "websecure", "scheme": "https"}}},
                "proxyProtocol": {"trustedIPs": list(PROXY_PROTOCOL_TRUSTED_IPS)},
            },
            "websecure": {
                "port": 8443,
                "exposedPort": 443,
                "protocol": "TCP",
                # Entrypoint middlewares are static config: changing them rolls every replica.
                "http": {"tls": {"enabled": True}, "middlewares": list(ENTRYPOINT_MIDDLEWARES)},
                "http3": {"enabled": True, "advertisedPort": 443},
                "proxyProtocol": {"trustedIPs": list(PROXY_PROTOCOL_TRUSTED_IPS)},
            },
            "whisper-tcp": {"port": 10300, "exposedPort": 10300, "protocol": "TCP", "expose": {"default": True}},
            "piper-tcp": {"port": 10200, "exposedPort": 10200, "protocol": "TCP", "expose": {"default": True}},
        },
        "service": {
            "type": "LoadBalancer",
            # A dedicated address with Local traffic policy keeps client source IPs intact.
            "annotations": MetalLbAddress(ip=lb_ip).annotations,
            "spec": {"externalTrafficPolicy": "Local"},
        },
        "experimental": {
            "plugins": {
                "api-token-middleware": {"moduleName": API_TOKEN_PLUGIN_MODULE, "version": API_TOKEN_PLUGIN_VERSION},
            },
            # One plugin failing to load disables all of them: verify plugin load after any change.
            "localPlugins": local_plugins,
        },
        "metrics": {
            "prometheus": {
                "entryPoint": "metrics",
                "addEntryPointsLabels": True,
                "addServicesLabels": True,
                "addRoutersLabels": True,
                "buckets": "0.01,0.05,0.1,0.2,0.5,1.0,2.0,5.0,10.0,30.0",
            },
        },
        # Access logs keep only User-Agent and Referer of the request headers.
        "logs": {"access": {"enabled": True, "fields": {"headers": {"names": {"User-Agent": "keep", "Referer": "keep"}}}}},
        "additionalArguments": _entrypoint_args(),
        "resources": {"requests": {"cpu": "100m", "memory": "768Mi"}, "limits": {"memory": "768Mi"}},
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "tolerations": [],
        "topologySpreadConstraints": [{
            "maxSkew": 1,
            "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "traefik"}},
        }],
        "podDisruptionBudget": {"enabled": True, "minAvailable": 2},
    }
