"""Names shared by components, stacks, policies and tools.

This module has no Pulumi imports on purpose: the policy pack and the tooling import it
to agree with the components on annotation keys, tier names and middleware names without
pulling in provider SDKs. Changing a value here changes live objects on the next apply.
"""

from __future__ import annotations

# --- namespace tiers (upstream tiers.tf) -------------------------------------------------
TIER_CORE = "0-core"
TIER_CLUSTER = "1-cluster"
TIER_GPU = "2-gpu"
TIER_EDGE = "3-edge"
TIER_AUX = "4-aux"
TIERS: dict[str, str] = {
    "core": TIER_CORE,
    "cluster": TIER_CLUSTER,
    "gpu": TIER_GPU,
    "edge": TIER_EDGE,
    "aux": TIER_AUX,
}
TIER_LABEL = "tier"

# Upstream Tier-0 stacks: they exist before the shared state backend and Vault-backed
# secrets. Tooling reads the authoritative flag from each stack's stack.yaml.
BOOTSTRAP_STACKS: tuple[str, ...] = ("infra", "platform", "cnpg", "vault", "dbaas", "external-secrets")

# --- ingress annotations ------------------------------------------------------------------
AUTH_MODES: tuple[str, ...] = ("required", "app", "public", "none")
AUTH_ANNOTATION = "infra.viktorbarzin.me/auth"
AUTH_REASON_ANNOTATION = "infra.viktorbarzin.me/auth-reason"
ALLOWED_GROUPS_ANNOTATION = "authentik.viktorbarzin.me/allowed-groups"
DEFAULT_ALLOWED_GROUPS: tuple[str, ...] = ("Home Server Admins",)
DNS_TYPE_ANNOTATION = "cloudflare.viktorbarzin.me/dns-type"
DNS_TYPES: tuple[str, ...] = ("proxied", "non-proxied", "internal", "none")
EXTERNAL_MONITOR_ANNOTATION = "uptime.viktorbarzin.me/external-monitor"
EXTERNAL_MONITOR_NAME_ANNOTATION = "uptime.viktorbarzin.me/external-monitor-name"
ROUTER_MIDDLEWARES_ANNOTATION = "traefik.ingress.kubernetes.io/router.middlewares"
ROUTER_ENTRYPOINTS_ANNOTATION = "traefik.ingress.kubernetes.io/router.entrypoints"
INGRESS_CLASS = "traefik"
SERVERS_SCHEME_ANNOTATION = "traefik.ingress.kubernetes.io/service.serversscheme"
SERVERS_TRANSPORT_ANNOTATION = "traefik.ingress.kubernetes.io/service.serverstransport"
BACKEND_PROTOCOLS: tuple[str, ...] = ("HTTP", "HTTPS")
# The traefik stack's ServersTransport for backends with self-signed certificates.
TRANSPORT_INSECURE_SKIP_VERIFY = "traefik-insecure-skip-verify@kubernetescrd"

# --- server-side apply ------------------------------------------------------------------
# pulumi-kubernetes reads this annotation and forces field-manager conflicts, the Pulumi
# equivalent of Terraform's field_manager.force_conflicts (see docs/components.md).
PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce"

# Workloads whose image tag Keel rolls forward; policy accepts unpinned tags only there.
IMAGE_POLICY_ANNOTATION = "infra.viktorbarzin.me/image-policy"
IMAGE_POLICY_KEEL = "keel"

# --- Traefik middlewares defined by the traefik stack ----------------------------------
MW_REAL_IP = "traefik-real-ip@kubernetescrd"
MW_RETRY = "traefik-retry@kubernetescrd"
MW_ERROR_PAGES = "traefik-error-pages@kubernetescrd"
MW_RATE_LIMIT = "traefik-rate-limit@kubernetescrd"
MW_CSP_HEADERS = "traefik-csp-headers@kubernetescrd"
MW_AI_BOT_BLOCK = "traefik-ai-bot-block@kubernetescrd"
MW_ANTI_AI_HEADERS = "traefik-anti-ai-headers@kubernetescrd"
MW_FORWARD_AUTH = "traefik-authentik-forward-auth@kubernetescrd"
MW_FORWARD_AUTH_PUBLIC = "traefik-authentik-forward-auth-public@kubernetescrd"
MW_LOCAL_ONLY = "traefik-local-only@kubernetescrd"
MW_HOME_LANS_ONLY = "traefik-home-lans-only@kubernetescrd"
# Middlewares that put Authentik in front of a request.
FORWARD_AUTH_MIDDLEWARES: tuple[str, ...] = (MW_FORWARD_AUTH, MW_FORWARD_AUTH_PUBLIC)

# --- Kyverno ------------------------------------------------------------------------------
# Namespaces exempt from the pod-security validate rules (deny-privileged-containers,
# deny-host-namespaces, restrict-sys-admin, require-trusted-registries). One list for the
# kyverno stack's ClusterPolicies and for the CrossGuard pack.
SECURITY_POLICY_EXCLUDED_NAMESPACES: tuple[str, ...] = (
    "keel", "calico-system", "authentik", "vault", "cnpg-system", "dbaas",
    "monitoring", "traefik", "technitium", "mailserver", "kyverno",
    "metallb-system", "external-secrets", "proxmox-csi", "nfs-csi", "nvidia",
    "kube-system", "cloudflared", "crowdsec", "reverse-proxy", "reloader",
    "descheduler", "vpa", "redis", "sealed-secrets", "headscale", "wireguard",
    "xray", "infra-maintenance", "metrics-server", "tigera-operator", "frigate",
    "kured", "default", "changedetection", "woodpecker", "android-emulator",
)

# --- ignore_changes presets: fields a cluster controller owns ------------------------------
# Kyverno's inject-ndots policy writes dnsConfig into every pod template.
IGNORE_KYVERNO_DNS_CONFIG = "spec.template.spec.dnsConfig"
IGNORE_CRONJOB_KYVERNO_DNS_CONFIG = "spec.jobTemplate.spec.template.spec.dnsConfig"
# Goldilocks' ClusterPolicy stamps this label on every namespace.
IGNORE_GOLDILOCKS_LABEL = 'metadata.labels["goldilocks.fairwinds.com/vpa-update-mode"]'

# --- more Traefik middlewares of the traefik stack (opt-in via extra_middlewares) ---------
MW_ERROR_PAGES_403 = "traefik-error-pages-403@kubernetescrd"
MW_SECURITY_HEADERS = "traefik-security-headers@kubernetescrd"
MW_STRIP_AUTH_HEADERS = "traefik-strip-auth-headers@kubernetescrd"
MW_REDIRECT_HTTPS = "traefik-redirect-https@kubernetescrd"
MW_X402 = "traefik-x402@kubernetescrd"
# Entrypoint-wide on websecure (Helm values), never listed on a router.
MW_CROWDSEC = "traefik-crowdsec@kubernetescrd"
MW_COMPRESS = "traefik-compress@kubernetescrd"
# Per-service rate-limit carve-outs; pair with IngressArgs.skip_default_rate_limit.
MW_IMMICH_RATE_LIMIT = "traefik-immich-rate-limit@kubernetescrd"
MW_ACTUALBUDGET_RATE_LIMIT = "traefik-actualbudget-rate-limit@kubernetescrd"
MW_TRIPIT_RATE_LIMIT = "traefik-tripit-rate-limit@kubernetescrd"
MW_HEALTH_RATE_LIMIT = "traefik-health-rate-limit@kubernetescrd"
MW_AUTHENTIK_RATE_LIMIT = "traefik-authentik-rate-limit@kubernetescrd"
MW_DAWARICH_RATE_LIMIT = "traefik-dawarich-rate-limit@kubernetescrd"
MW_EXECUTOR_RATE_LIMIT = "traefik-executor-rate-limit@kubernetescrd"
MW_ANDROID_EMULATOR_RATE_LIMIT = "traefik-android-emulator-rate-limit@kubernetescrd"

# --- kubectl jobs -------------------------------------------------------------------------
# The one kubectl image every KubectlJob runs. Upstream ran `bitnami/kubectl:latest`; since
# Bitnami's 2025 catalogue change that Docker Hub repository serves only `latest`, and the
# versioned tags live on, frozen, under `bitnamilegacy`. Same image the upstream scripts were
# written against (Debian, bash, non-root uid 1001), now a tag that cannot move under us.
# kubectl 1.33 is within the supported one-minor skew of the 1.34 cluster; the cluster's
# move to 1.35 needs a newer kubectl image first (docs/components.md, KubectlJob).
KUBECTL_IMAGE = "docker.io/bitnamilegacy/kubectl:1.33.4"
KUBECTL_REPOSITORIES: tuple[str, ...] = ("bitnami/kubectl", "docker.io/bitnami/kubectl",
                                         "bitnamilegacy/kubectl", "docker.io/bitnamilegacy/kubectl")
