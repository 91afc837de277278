"""Cases for the rules of issue #18 and the widened admission / secret rules: several violating
variants per policy (boundaries, prefixes, case, look-alikes, unknowns), compliant cases, and
exception cases. Same shape as policy_cases.CASES; ``violates`` may be "note" where the SDK's
preview note (policy skipped) is the expected outcome.

Expected values are written by hand from the rule's statement in docs/policies.md.
"""

from __future__ import annotations

import base64

from components.constants import (
    AUTH_ANNOTATION,
    MW_FORWARD_AUTH,
    MW_FORWARD_AUTH_PUBLIC,
    ROUTER_MIDDLEWARES_ANNOTATION,
)
from policy_fixtures import (
    DELETE,
    cluster_role,
    cluster_role_binding,
    configmap,
    container,
    helm,
    ingress,
    ingress_class,
    ingress_route,
    middleware,
    mutate,
    posture,
    res,
    sa_subject,
    secret,
    service,
    tcp_route,
    tier_namespace,
    tunnel,
    workload,
)


def exc(resource: str, subject: str | None = None, *more: str) -> dict:
    entries = [{"stack": "demo", "resource": r, "reason": "test exception"} for r in (resource, *more)]
    if subject is not None:
        entries[0]["subject"] = subject
    return {"exceptions": entries}


def legacy(r: dict, value: str) -> dict:
    return mutate(r, ("metadata", "annotations", "kubernetes.io/ingress.class"), value)


def ported(ports: list, **kw) -> dict:
    return dict(container(**kw), ports=ports)


ROUTE_NONE = [{"match": "Host(`app.viktorbarzin.me`)", "kind": "Rule", "middlewares": [],
               "services": [{"name": "app", "port": 80}]}]
FA_ROUTE = {"match": "Host(`app.viktorbarzin.me`)", "kind": "Rule",
            "middlewares": [{"name": "authentik-forward-auth", "namespace": "traefik"}],
            "services": [{"name": "app", "port": 80}]}
LB = "LoadBalancer"
TRAEFIK_SVC = "https://traefik.traefik.svc.cluster.local:443"
FA_VALUES = {ROUTER_MIDDLEWARES_ANNOTATION: MW_FORWARD_AUTH, AUTH_ANNOTATION: "required"}
PEM_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"
PEM_CERT = "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkq\n-----END CERTIFICATE-----\n"


def env(name: str, value) -> dict:
    return workload(containers=[container(env=[{"name": name, "value": value}])])


def argv(*args: str, field: str = "args") -> dict:
    return workload(containers=[dict(container(), **{field: list(args)})])


# exposed workload in namespace "app": Ingress -> Service app -> Deployment app (labels app=app)
def exposed(*extra, sa: str | None = None, automount=None, via_lb: bool = False) -> list:
    pod: dict = {}
    if sa is not None:
        pod["serviceAccountName"] = sa
    if automount is not None:
        pod["automountServiceAccountToken"] = automount
    out = [workload(ns="app", pod=pod)]
    out.append(service(ns="app", type_=LB if via_lb else "ClusterIP",
                       annotations=posture("app", "own login") if via_lb else None))
    if not via_lb:
        out.append(ingress())
    return out + list(extra)


def bind(role: str = "cluster-admin", subject=None) -> dict:
    return cluster_role_binding(role, [subject or sa_subject("default", "app")])


WRITE_DEPLOY = [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "patch"]}]

CASES = [
    # --- ingress-auth-posture: which Ingresses Traefik serves, look-alikes, case ----------------
    ("ingress-auth-posture", "class-name-wins-over-legacy-annotation",
     [legacy(ingress(auth=None, mws=[]), "nginx")], None, True),
    ("ingress-auth-posture", "legacy-annotation-traefik-no-class",
     [legacy(ingress(auth=None, mws=[], cls=None), "traefik")], None, True),
    ("ingress-auth-posture", "legacy-annotation-other-no-class-ok",
     [legacy(ingress(auth=None, mws=[], cls=None), "nginx")], None, False),
    ("ingress-auth-posture", "no-class-at-all", [ingress(auth=None, mws=[], cls=None)], None, True),
    ("ingress-auth-posture", "ingressclass-with-traefik-controller",
     [ingress_class("public", "traefik.io/ingress-controller"), ingress(auth=None, mws=[], cls="public")], None, True),
    ("ingress-auth-posture", "ingressclass-other-controller-ok",
     [ingress_class("nginx", "k8s.io/ingress-nginx"), ingress(auth=None, mws=[], cls="nginx")], None, False),
    ("ingress-auth-posture", "class-name-upper-case", [ingress(auth=None, mws=[], cls="Traefik")], None, True),
    ("ingress-auth-posture", "unknown-class-name", [ingress(auth=None, mws=[], cls="[unknown]")], None, True),
    ("ingress-auth-posture", "mode-upper-case", [ingress(auth="Required", mws=[MW_FORWARD_AUTH])], None, True),
    ("ingress-auth-posture", "public-with-required-middleware",
     [ingress(auth="public", reason="guest tier", mws=[MW_FORWARD_AUTH])], None, True),
    ("ingress-auth-posture", "look-alike-middleware-in-app-namespace",
     [ingress(mws=["app-authentik-forward-auth@kubernetescrd"])], None, True),
    ("ingress-auth-posture", "config-extra-traefik-class",
     [ingress(auth=None, mws=[], cls="internal")], {"traefikIngressClasses": ["traefik", "internal"]}, True),
    # --- ingress-auth-justification: public needs a reason too ---------------------------------
    ("ingress-auth-justification", "public-without-reason", [ingress(auth="public")], None, True),
    ("ingress-auth-justification", "public-with-reason-ok", [ingress(auth="public", reason="guest tier")], None, False),
    ("ingress-auth-justification", "implied-public-without-reason",
     [ingress(auth=None, mws=[MW_FORWARD_AUTH_PUBLIC])], None, True),
    ("ingress-auth-justification", "unknown-reason", [ingress(auth="none", reason="[unknown]")], None, True),
    # --- ingressroute-auth-posture ---------------------------------------------------------
    ("ingressroute-auth-posture", "forward-auth-route-ok", [ingress_route()], None, False),
    ("ingressroute-auth-posture", "tcp-none-with-reason-ok",
     [tcp_route(annotations=posture("none", "LAN-only entrypoint, Wyoming has no auth"))], None, False),
    ("ingressroute-auth-posture", "http-no-posture-no-middleware", [ingress_route(routes=ROUTE_NONE)], None, True),
    ("ingressroute-auth-posture", "tcp-no-posture", [tcp_route()], None, True),
    ("ingressroute-auth-posture", "udp-no-posture", [tcp_route(kind="IngressRouteUDP")], None, True),
    ("ingressroute-auth-posture", "tcp-claims-required", [tcp_route(annotations=posture("required"))], None, True),
    ("ingressroute-auth-posture", "look-alike-middleware-default-namespace",
     [ingress_route(routes=[dict(FA_ROUTE, middlewares=[{"name": "authentik-forward-auth"}])])], None, True),
    ("ingressroute-auth-posture", "second-route-unprotected",
     [ingress_route(annotations=posture("required"), routes=[FA_ROUTE, ROUTE_NONE[0]])], None, True),
    ("ingressroute-auth-posture", "legacy-containous-group",
     [ingress_route(routes=ROUTE_NONE, group="traefik.containo.us/v1alpha1")], None, True),
    ("ingressroute-auth-posture", "chain-containing-forward-auth-ok",
     [middleware("secure", "traefik", {"chain": {"middlewares": [{"name": "authentik-forward-auth"}]}}),
      ingress_route(routes=[dict(FA_ROUTE, middlewares=[{"name": "secure", "namespace": "traefik"}])])], None, False),
    ("ingressroute-auth-posture", "app-without-reason",
     [ingress_route(routes=ROUTE_NONE, annotations=posture("app"))], None, True),
    ("ingressroute-auth-posture", "unknown-middlewares",
     [ingress_route(routes=[dict(FA_ROUTE, middlewares="[unknown]")])], None, True),
    ("ingressroute-auth-posture", "unknown-annotations", [ingress_route(annotations="[unknown]")], None, True),
    ("ingressroute-auth-posture", "exception", [tcp_route(name="app")], exc("app-route"), False),
    # --- service-exposure-posture ----------------------------------------------------------
    ("service-exposure-posture", "cluster-ip-ok", [service()], None, False),
    ("service-exposure-posture", "lb-app-with-reason-ok",
     [service(type_=LB, annotations=posture("app", "PostgreSQL password auth"))], None, False),
    ("service-exposure-posture", "lb-no-posture", [service(type_=LB)], None, True),
    ("service-exposure-posture", "nodeport-no-posture", [service(type_="NodePort")], None, True),
    ("service-exposure-posture", "external-ips", [service(external_ips=["203.0.113.5"])], None, True),
    ("service-exposure-posture", "lb-claims-required", [service(type_=LB, annotations=posture("required"))], None, True),
    ("service-exposure-posture", "lb-blank-reason", [service(type_=LB, annotations=posture("none", "  "))], None, True),
    ("service-exposure-posture", "lb-mode-upper-case",
     [service(type_=LB, annotations=posture("NONE", "x"))], None, True),
    ("service-exposure-posture", "unknown-type", [service(type_="[unknown]")], None, True),
    ("service-exposure-posture", "front-door-ok",
     [service(type_=LB, selector={"app.kubernetes.io/name": "traefik"})], None, False),
    ("service-exposure-posture", "exception", [service(type_=LB)], exc("app"), False),
    # --- hostport-exposure-posture ---------------------------------------------------------
    ("hostport-exposure-posture", "no-host-port-ok",
     [workload(containers=[ported([{"containerPort": 8080}])])], None, False),
    ("hostport-exposure-posture", "host-port-with-posture-ok",
     [workload(containers=[ported([{"containerPort": 53, "hostPort": 53}])],
               annotations=posture("none", "DNS for the LAN"))], None, False),
    ("hostport-exposure-posture", "host-port", [workload(containers=[ported([{"containerPort": 53, "hostPort": 53}])])],
     None, True),
    ("hostport-exposure-posture", "host-network-container-port",
     [workload(kind="DaemonSet", pod={"hostNetwork": True}, containers=[ported([{"containerPort": 9100}])])], None, True),
    ("hostport-exposure-posture", "init-container-host-port",
     [workload(init=[ported([{"containerPort": 1, "hostPort": 8443}], name="init")])], None, True),
    ("hostport-exposure-posture", "host-port-claims-public",
     [workload(containers=[ported([{"containerPort": 80, "hostPort": 80}])], annotations=posture("public", "x"))],
     None, True),
    ("hostport-exposure-posture", "unknown-host-port",
     [workload(containers=[ported([{"containerPort": 80, "hostPort": "[unknown]"}])])], None, True),
    ("hostport-exposure-posture", "exception",
     [workload(containers=[ported([{"containerPort": 53, "hostPort": 53}])])], exc("app"), False),
    # --- tunnel-direct-exposure ------------------------------------------------------------
    ("tunnel-direct-exposure", "via-traefik-ok",
     [tunnel([{"hostname": "*.viktorbarzin.me", "service": TRAEFIK_SVC}, {"service": "http_status:404"}])], None, False),
    ("tunnel-direct-exposure", "to-cluster-service",
     [tunnel([{"hostname": "a.viktorbarzin.me", "service": "http://app.apps.svc.cluster.local:80"}])], None, True),
    ("tunnel-direct-exposure", "to-lan-address",
     [tunnel([{"hostname": "ssh.viktorbarzin.me", "service": "ssh://10.0.20.5:22"}])], None, True),
    ("tunnel-direct-exposure", "traefik-look-alike-host",
     [tunnel([{"hostname": "a.viktorbarzin.me", "service": "https://traefik.traefik.svc.cluster.local.evil.example"}])],
     None, True),
    ("tunnel-direct-exposure", "catch-all-to-service", [tunnel([{"service": "http://10.0.20.9:8080"}])], None, True),
    ("tunnel-direct-exposure", "cloudflare-access-required-ok",
     [tunnel([{"hostname": "a.viktorbarzin.me", "service": "http://10.0.20.9:80",
               "originRequest": {"access": {"required": True, "teamName": "t", "audTag": ["x"]}}}])], None, False),
    ("tunnel-direct-exposure", "cloudflare-access-not-required",
     [tunnel([{"hostname": "a.viktorbarzin.me", "service": "http://10.0.20.9:80",
               "originRequest": {"access": {"required": False, "teamName": "t", "audTag": ["x"]}}}])], None, True),
    ("tunnel-direct-exposure", "cloudflared-config-file-in-configmap",
     [configmap({"config.yaml": "tunnel: abc\ningress:\n  - hostname: a.viktorbarzin.me\n    service: "
                                "http://192.168.1.10:8123\n  - service: http_status:404\n"})], None, True),
    ("tunnel-direct-exposure", "unknown-service", [tunnel([{"hostname": "a.viktorbarzin.me", "service": "[unknown]"}])],
     None, True),
    ("tunnel-direct-exposure", "exception",
     [tunnel([{"hostname": "a.viktorbarzin.me", "service": "http://10.0.20.9:80"}])], exc("tunnel"), False),
    # --- helm-exposure-posture ----------------------------------------------------------------
    ("helm-exposure-posture", "no-ingress-ok", [helm({"replicas": 1})], None, False),
    ("helm-exposure-posture", "ingress-with-posture-ok",
     [helm({"ingress": {"enabled": True, "annotations": FA_VALUES}})], None, False),
    ("helm-exposure-posture", "ingress-disabled-ok", [helm({"ingress": {"enabled": False}})], None, False),
    ("helm-exposure-posture", "ingress-no-posture", [helm({"ingress": {"enabled": True}})], None, True),
    ("helm-exposure-posture", "nested-component-ingress-string-true",
     [helm({"server": {"ingress": {"enabled": "true", "hosts": ["a.viktorbarzin.me"]}}})], None, True),
    ("helm-exposure-posture", "ingress-route-dashboard", [helm({"ingressRoute": {"dashboard": {"enabled": True}}})],
     None, True),
    ("helm-exposure-posture", "service-load-balancer", [helm({"service": {"type": "LoadBalancer"}})], None, True),
    ("helm-exposure-posture", "other-class-ok",
     [helm({"ingress": {"enabled": True, "className": "nginx"}})], None, False),
    ("helm-exposure-posture", "value-files-not-visible", [helm({}, files=["values.yaml"])], None, True),
    ("helm-exposure-posture", "unknown-values", [helm("[unknown]")], None, True),
    ("helm-exposure-posture", "unknown-enabled", [helm({"ingress": {"enabled": "[unknown]"}})], None, True),
    ("helm-exposure-posture", "front-door-chart-service-ok",
     [helm({"service": {"type": "LoadBalancer"}}, chart="traefik")], None, False),
    ("helm-exposure-posture", "exception", [helm({"ingress": {"enabled": True}})], exc("app"), False),
    # --- route-posture-conflict ----------------------------------------------------------------
    ("route-posture-conflict", "same-posture-ok",
     [ingress(name="a", host="x.viktorbarzin.me"), ingress(name="b", host="x.viktorbarzin.me")], None, False),
    ("route-posture-conflict", "ingress-vs-ingressroute",
     [ingress(name="a", host="x.viktorbarzin.me"),
      ingress_route(name="b", annotations=posture("none", "x"),
                    routes=[dict(ROUTE_NONE[0], match="Host(`x.viktorbarzin.me`)")])], None, True),
    ("route-posture-conflict", "host-case-and-trailing-slash",
     [ingress(name="a", host="X.viktorbarzin.me", paths=("/api/",)),
      ingress(name="b", host="x.viktorbarzin.me", paths=("/api",), auth="none", reason="x")], None, True),
    ("route-posture-conflict", "different-paths-ok",
     [ingress(name="a", host="x.viktorbarzin.me", paths=("/a",)),
      ingress(name="b", host="x.viktorbarzin.me", paths=("/b",), auth="none", reason="x")], None, False),
    ("route-posture-conflict", "unknown-posture",
     [ingress(name="a", host="x.viktorbarzin.me"),
      mutate(ingress(name="b", host="x.viktorbarzin.me"), ("metadata", "annotations"), "[unknown]")], None, True),
    ("route-posture-conflict", "exception",
     [ingress(name="a", host="x.viktorbarzin.me"), ingress(name="b", host="x.viktorbarzin.me", auth="none", reason="x")],
     exc("a", None, "b"), False),
    # --- exposed-workload-rbac ---------------------------------------------------------------
    ("exposed-workload-rbac", "no-binding-ok", exposed(), None, False),
    ("exposed-workload-rbac", "cluster-admin", exposed(bind()), None, True),
    ("exposed-workload-rbac", "patch-deployments", exposed(cluster_role("updater", WRITE_DEPLOY), bind("updater")),
     None, True),
    ("exposed-workload-rbac", "wildcard-role",
     exposed(cluster_role("all", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]), bind("all")), None, True),
    ("exposed-workload-rbac", "create-rolebindings",
     exposed(cluster_role("binder", [{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["rolebindings"],
                                      "verbs": ["create"]}]), bind("binder")), None, True),
    ("exposed-workload-rbac", "read-only-ok",
     exposed(cluster_role("reader", [{"apiGroups": [""], "resources": ["pods", "secrets"], "verbs": ["get", "list"]}]),
             bind("reader")), None, False),
    ("exposed-workload-rbac", "not-exposed-ok", [workload(ns="app"), service(ns="app"), bind()], None, False),
    ("exposed-workload-rbac", "resource-names-restricted-ok",
     exposed(cluster_role("one", [dict(WRITE_DEPLOY[0], resourceNames=["app"])]), bind("one")), None, False),
    ("exposed-workload-rbac", "all-service-accounts-of-namespace",
     exposed(bind(subject={"kind": "Group", "name": "system:serviceaccounts:app"})), None, True),
    ("exposed-workload-rbac", "other-service-account-ok", exposed(bind(), sa="runner"), None, False),
    ("exposed-workload-rbac", "automount-off-ok", exposed(bind(), automount=False), None, False),
    ("exposed-workload-rbac", "exposed-through-load-balancer", exposed(bind(), via_lb=True), None, True),
    ("exposed-workload-rbac", "unknown-role-rules", exposed(bind("defined-elsewhere")), None, "note"),
    ("exposed-workload-rbac", "exception", exposed(bind()), exc("app"), False),
    # --- namespace-required ------------------------------------------------------------------
    ("namespace-required", "namespaced-ok", [configmap({"a": "b"})], None, False),
    ("namespace-required", "configmap-without-namespace",
     [mutate(configmap({"a": "b"}), ("metadata", "namespace"), DELETE)], None, True),
    ("namespace-required", "crd-without-namespace",
     [mutate(middleware("m", "apps", {"stripPrefix": {"prefixes": ["/x"]}}), ("metadata", "namespace"), DELETE)],
     None, True),
    ("namespace-required", "patch-kind-without-namespace",
     [res("kubernetes:core/v1:ConfigMapPatch", "p", {"metadata": {"name": "p"}, "data": {"a": "b"}})], None, True),
    ("namespace-required", "empty-namespace", [mutate(configmap({"a": "b"}), ("metadata", "namespace"), "")], None, True),
    ("namespace-required", "cluster-scoped-ok", [cluster_role("r", []), tier_namespace(),
                                                 res("kubernetes:external-secrets.io/v1:ClusterSecretStore", "css",
                                                     {"metadata": {"name": "vault"}})], None, False),
    ("namespace-required", "unknown-namespace-is-set-ok",
     [mutate(configmap({"a": "b"}), ("metadata", "namespace"), "[unknown]")], None, False),
    ("namespace-required", "exception", [mutate(configmap({"a": "b"}), ("metadata", "namespace"), DELETE)],
     exc("cm"), False),
    # --- namespace-tier-label ----------------------------------------------------------------
    ("namespace-tier-label", "valid-tier-ok", [tier_namespace(labels={"tier": "4-aux"})], None, False),
    ("namespace-tier-label", "no-labels", [tier_namespace()], None, True),
    ("namespace-tier-label", "short-tier-name", [tier_namespace(labels={"tier": "aux"})], None, True),
    ("namespace-tier-label", "tier-upper-case", [tier_namespace(labels={"tier": "4-AUX"})], None, True),
    ("namespace-tier-label", "empty-tier", [tier_namespace(labels={"tier": ""})], None, True),
    ("namespace-tier-label", "unknown-tier", [tier_namespace(labels={"tier": "[unknown]"})], None, "note"),
    ("namespace-tier-label", "exception", [tier_namespace()], exc("apps-namespace"), False),
    # --- restrict-sys-admin: containerd spellings --------------------------------------------
    ("restrict-sys-admin", "lower-case", [workload(containers=[container(caps=["sys_admin"])])], None, True),
    ("restrict-sys-admin", "cap-prefixed", [workload(containers=[container(caps=["CAP_SYS_ADMIN"])])], None, True),
    ("restrict-sys-admin", "all", [workload(containers=[container(caps=["ALL"])])], None, True),
    ("restrict-sys-admin", "all-lower-case", [workload(containers=[container(caps=["all"])])], None, True),
    ("restrict-sys-admin", "look-alike-name-ok", [workload(containers=[container(caps=["SYS_ADMINISTRATOR"])])],
     None, False),
    ("restrict-sys-admin", "unknown-capabilities", [workload(containers=[container(caps="[unknown]")])], None, True),
    ("restrict-sys-admin", "exception", [workload(containers=[container(caps=["SYS_ADMIN"])])], exc("app"), False),
    # --- require-trusted-registries: anchoring ----------------------------------------------
    ("require-trusted-registries", "allowlisted-name-inside-path",
     [workload(containers=[container(image="evil.example.com/docker.io/x:1.0")])], None, True),
    ("require-trusted-registries", "allowlisted-host-as-subdomain",
     [workload(containers=[container(image="docker.io.evil.example/x:1.0")])], None, True),
    ("require-trusted-registries", "short-name-continued-into-domain",
     [workload(containers=[container(image="alpine.evil.example/x:1.0")])], None, True),
    ("require-trusted-registries", "registry-ip-prefix-boundary",
     [workload(containers=[container(image="10.0.20.100:5000/x:1.0")])], None, True),
    ("require-trusted-registries", "registry-ip-ok", [workload(containers=[container(image="10.0.20.10:5000/x:1.0")])],
     None, False),
    ("require-trusted-registries", "short-name-tag-ok", [workload(containers=[container(image="alpine:3.20")])],
     None, False),
    ("require-trusted-registries", "registry-upper-case", [workload(containers=[container(image="GHCR.IO/x/y:1")])],
     None, True),
    ("require-trusted-registries", "unknown-image", [workload(containers=[container(image="[unknown]")])], None, True),
    ("require-trusted-registries", "exception",
     [workload(containers=[container(image="evil.example.com/x:1.0")])], exc("app"), False),
    # --- no-plaintext-secrets: every place, precision ----------------------------------------
    ("no-plaintext-secrets", "args-flag-with-equals", [argv("--password=hunter2")], None, True),
    ("no-plaintext-secrets", "args-flag-then-value", [argv("--api-key", "abc123")], None, True),
    ("no-plaintext-secrets", "command-env-assignment", [argv("env", "API_TOKEN=abc123", "run", field="command")],
     None, True),
    ("no-plaintext-secrets", "args-env-reference-ok", [argv("--password=$(DB_PASSWORD)")], None, False),
    ("no-plaintext-secrets", "args-password-file-ok", [argv("--password-file", "/run/secrets/db")], None, False),
    ("no-plaintext-secrets", "shell-script-literal", [argv("sh", "-c", "export API_TOKEN=abc123xyz\nexec app",
                                                           field="command")], None, True),
    ("no-plaintext-secrets", "shell-script-reference-ok",
     [argv("sh", "-c", "export API_TOKEN=$VAULT_TOKEN\nexec app --token-file /run/t", field="command")], None, False),
    ("no-plaintext-secrets", "annotation-token",
     [workload(annotations={"example.com/api-token": "abc123"})], None, True),
    ("no-plaintext-secrets", "annotation-url-with-password",
     [workload(annotations={"backup.example.com/target": "postgres://admin:s3cr3t@db:5432/app"})], None, True),
    ("no-plaintext-secrets", "config-file-line", [configmap({"app.ini": "[db]\nhost = db\npassword = hunter2\n"})],
     None, True),
    ("no-plaintext-secrets", "config-file-references-ok",
     [configmap({"app.ini": "[db]\npassword = ${DB_PASSWORD}\npassword_file = /run/secrets/db\n"})], None, False),
    ("no-plaintext-secrets", "config-yaml-nested", [configmap({"config.yaml": "db:\n  host: db\n  password: hunter2\n"})],
     None, True),
    ("no-plaintext-secrets", "script-reads-token-ok",
     [configmap({"run.py": "token = fh.read().strip()\nself.token = token\nheaders = {'Authorization': auth}\n"})],
     None, False),
    ("no-plaintext-secrets", "binary-data-config",
     [res("kubernetes:core/v1:ConfigMap", "cm", {"metadata": {"name": "cm", "namespace": "apps"}, "binaryData": {
         "creds": base64.b64encode(b"user=app\npassword=hunter2\n").decode()}})], None, True),
    ("no-plaintext-secrets", "pem-private-key", [configmap({"key.pem": PEM_KEY})], None, True),
    ("no-plaintext-secrets", "pem-certificate-ok", [configmap({"ca.pem": PEM_CERT})], None, False),
    ("no-plaintext-secrets", "url-with-password-in-env",
     [env("DATABASE_URL", "postgres://app:pw123@db/app")], None, True),
    ("no-plaintext-secrets", "url-without-password-ok", [env("DATABASE_URL", "postgres://app@db/app")], None, False),
    ("no-plaintext-secrets", "url-with-referenced-password-ok",
     [env("DATABASE_URL", "postgres://app:$(DB_PASSWORD)@db/app")], None, False),
    ("no-plaintext-secrets", "middleware-basic-auth-users",
     [middleware("auth", "apps", {"basicAuth": {"users": ["admin:$apr1$abc$def"]}})], None, True),
    ("no-plaintext-secrets", "middleware-basic-auth-secret-ok",
     [middleware("auth", "apps", {"basicAuth": {"secret": "auth-users"}})], None, False),
    ("no-plaintext-secrets", "middleware-header-api-key",
     [middleware("hdr", "apps", {"headers": {"customRequestHeaders": {"X-Api-Key": "abc123"}}})], None, True),
    ("no-plaintext-secrets", "helm-values-password", [helm({"auth": {"adminPassword": "hunter2"}})], None, True),
    ("no-plaintext-secrets", "helm-values-existing-secret-ok",
     [helm({"auth": {"existingSecret": "app-db", "passwordKey": "password"}})], None, False),
    ("no-plaintext-secrets", "key-mixed-case", [env("Db_PassWord", "hunter2")], None, True),
    ("no-plaintext-secrets", "unknown-output-ok", [env("API_TOKEN", "[unknown]")], None, False),
    ("no-plaintext-secrets", "boolean-like-value-ok", [configmap({"my.cnf": "[mysqld]\nmysql-native-password=ON\n"})],
     None, False),
    ("no-plaintext-secrets", "exception-by-subject",
     [env("API_TOKEN", "hunter2")], exc("app", "containers[0] 'app' env API_TOKEN"), False),
    ("no-plaintext-secrets", "subject-exception-leaves-other-findings",
     [workload(containers=[container(env=[{"name": "API_TOKEN", "value": "x1"}, {"name": "DB_PASSWORD", "value": "x2"}])])],
     exc("app", "containers[0] 'app' env API_TOKEN"), True),
    # --- no-secret-outside-secret-object -----------------------------------------------------
    ("no-secret-outside-secret-object", "secret-object-ok", [secret(string_data={"password": "[secret]"})], None, False),
    ("no-secret-outside-secret-object", "env-value", [env("DB_PASSWORD", "[secret]")], None, True),
    ("no-secret-outside-secret-object", "configmap-data", [configmap({"x": "[secret]"})], None, True),
    ("no-secret-outside-secret-object", "annotation",
     [mutate(ingress(), ("metadata", "annotations", "gethomepage.dev/widget.key"), "[secret]")], None, True),
    ("no-secret-outside-secret-object", "helm-values", [helm({"db": {"password": "[secret]"}})], None, True),
    ("no-secret-outside-secret-object", "command-arg", [argv("--token", "[secret]")], None, True),
    ("no-secret-outside-secret-object", "secret-key-ref-ok",
     [workload(containers=[container(env=[{"name": "DB_PASSWORD", "valueFrom": {
         "secretKeyRef": {"name": "db", "key": "password"}}}])])], None, False),
    ("no-secret-outside-secret-object", "unknown-output-ok", [configmap({"x": "[unknown]"})], None, False),
    ("no-secret-outside-secret-object", "exception-by-subject", [configmap({"x": "[secret]"})], exc("cm", "data.x"), False),
    ("no-secret-outside-secret-object", "subject-exception-leaves-other-fields",
     [configmap({"x": "[secret]", "y": "[secret]"})], exc("cm", "data.x"), True),
]

# --- more variants for the policies that predate issue #18 -------------------------------------
from policy_fixtures import external_secret, helm_release, namespace, pvc  # noqa: E402

CASES += [
    ("ingress-allowed-groups", "exception", [ingress(groups="Typo Group")], exc("app"), False),
    ("ingress-admin-ui-protected", "exception", [ingress(name="prowlarr", auth="app", reason="x")], exc("prowlarr"),
     False),
    ("ingress-admin-ui-protected", "admin-ui-by-namespace",
     [ingress(name="web", ns="qbittorrent", host="torrents.viktorbarzin.me", auth="none", reason="x")], None, True),
    ("ingress-public-paths-open", "exception", [ingress(name="webhook", host="webhook.viktorbarzin.me")],
     exc("webhook"), False),
    ("ingress-public-paths-open", "host-case-insensitive", [ingress(name="webhook", host="WebHook.viktorbarzin.me")],
     None, True),
    ("deny-privileged-containers", "exception", [workload(containers=[container(privileged=True)])], exc("app"), False),
    ("no-cpu-limits", "cronjob", [workload(kind="CronJob", containers=[container(cpu_limit="1")])], None, True),
    ("no-cpu-limits", "init-container", [workload(init=[container(name="init", cpu_limit="100m")])], None, True),
    ("no-cpu-limits", "numeric-limit", [workload(containers=[container(cpu_limit=2)])], None, True),
    ("no-cpu-limits", "unknown-limit-skipped", [workload(containers=[container(cpu_limit="[unknown]")])], None, False),
    ("external-secret-api-version", "v1alpha1", [external_secret("v1alpha1")], None, True),
    ("external-secret-api-version", "cluster-store-v1beta1",
     [res("kubernetes:external-secrets.io/v1beta1:ClusterSecretStore", "css", {"metadata": {"name": "vault"}})],
     None, True),
    ("helm-release-atomic", "atomic-as-string", [helm_release(atomic="true")], None, True),
    ("helm-release-atomic", "unknown-atomic", [helm_release(atomic="[unknown]")], None, "note"),
    ("stateful-resources-protected", "unknown-namespace-name",
     [mutate(namespace(), ("metadata", "name"), "[unknown]"), pvc(protect=True)], None, True),
    ("stateful-resources-protected", "exception", [pvc()], exc("data"), False),
    ("image-pinned", "unknown-image", [workload(containers=[container(image="[unknown]")])], None, "note"),
    ("resource-requests-set", "memory-only", [workload(containers=[container(requests={"memory": "64Mi"})])], None, True),
    ("resource-requests-set", "init-container",
     [workload(init=[container(name="init", requests=None)])], None, True),
    ("resource-requests-set", "unknown-requests", [workload(containers=[container(requests="[unknown]")])], None, "note"),
]

# --- precision and reach of the secret scanner, more exposure variants -------------------------
CASES += [
    ("no-plaintext-secrets", "short-pass-key-suffix", [env("MB_DB_PASS", "hunter2")], None, True),
    ("no-plaintext-secrets", "camel-case-pass-key", [helm({"db": {"dbPass": "hunter2"}})], None, True),
    ("no-plaintext-secrets", "bypass-key-ok", [env("CACHE_BYPASS", "hunter2")], None, False),
    ("no-plaintext-secrets", "connection-string-inline-password",
     [env("DB", "Server=db;User Id=sa;Password=hunter2;")], None, True),
    ("no-plaintext-secrets", "query-string-token", [env("FEED", "https://feeds.example/x?user=a&token=abc123")],
     None, True),
    ("no-plaintext-secrets", "one-line-json-config", [configmap({"c.json": '{"db": {"password": "hunter2"}}'})],
     None, True),
    ("no-plaintext-secrets", "dotenv-single-line", [configmap({".env": "API_TOKEN=abc123"})], None, True),
    ("no-plaintext-secrets", "authorization-header-value",
     [env("EXTRA_HEADER", "Bearer eyJhbGciOiJIUzI1NiJ9.abc")], None, True),
    ("no-plaintext-secrets", "nginx-proxy-pass-ok",
     [configmap({"default.conf": "location / {\n  proxy_pass http://app:8080;\n}\n"})], None, False),
    ("no-plaintext-secrets", "webhook-url-is-a-credential",
     [env("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T000/B000/XXXX")], None, True),
    ("no-plaintext-secrets", "custom-resource-spec",
     [res("kubernetes:postgresql.cnpg.io/v1:Cluster", "db", {"metadata": {"name": "db", "namespace": "apps"},
                                                               "spec": {"superuserPassword": "hunter2"}})], None, True),
    ("no-plaintext-secrets", "template-reference-ok",
     [res("kubernetes:external-secrets.io/v1:ExternalSecret", "es", {"metadata": {"name": "es", "namespace": "apps"},
      "spec": {"target": {"template": {"data": {"DB_PASSWORD_URL": "postgres://{{ .user }}:{{ .password }}@db/x"}}}}})],
     None, False),
    ("namespace-required", "helm-release-without-namespace",
     [mutate(helm({}), ("namespace",), DELETE)], None, True),
    ("ingress-auth-posture", "v1beta1-ingress",
     [dict(ingress(auth=None, mws=[]), type="kubernetes:networking.k8s.io/v1beta1:Ingress")], None, True),
    ("exposed-workload-rbac", "impersonate",
     exposed(cluster_role("imp", [{"apiGroups": [""], "resources": ["users"], "verbs": ["impersonate"]}]), bind("imp")),
     None, True),
]

# --- Gateway API routes (Traefik's Gateway provider) -------------------------------------------


def http_route(filters=None, annotations=None, kind="HTTPRoute") -> dict:
    meta: dict = {"name": "app", "namespace": "apps"}
    if annotations is not None:
        meta["annotations"] = annotations
    rule: dict = {"backendRefs": [{"name": "app", "port": 80}]}
    if filters is not None:
        rule["filters"] = filters
    return res(f"kubernetes:gateway.networking.k8s.io/v1:{kind}", "app-httproute", {"metadata": meta, "spec": {
        "parentRefs": [{"name": "traefik-gateway", "namespace": "traefik"}], "hostnames": ["app.viktorbarzin.me"],
        "rules": [rule]}})


FA_FILTER = [{"type": "ExtensionRef", "extensionRef": {"group": "traefik.io", "kind": "Middleware",
                                                        "name": "authentik-forward-auth"}}]
CASES += [
    ("ingressroute-auth-posture", "gateway-http-route-no-posture", [http_route()], None, True),
    ("ingressroute-auth-posture", "gateway-http-route-app-ok", [http_route(annotations=posture("app", "own OIDC"))],
     None, False),
    ("ingressroute-auth-posture", "gateway-filter-in-app-namespace-is-not-authentik",
     [http_route(filters=FA_FILTER, annotations=posture("required"))], None, True),
    ("ingressroute-auth-posture", "gateway-tcp-route-claims-required",
     [http_route(kind="TCPRoute", annotations=posture("required"))], None, True),
]

# --- server-side-apply patch kinds carry the same content ----------------------------------------
CASES += [
    ("service-exposure-posture", "service-patch-to-load-balancer",
     [dict(service(type_=LB), type="kubernetes:core/v1:ServicePatch")], None, True),
    ("deny-privileged-containers", "deployment-patch",
     [dict(workload(containers=[container(privileged=True)]), type="kubernetes:apps/v1:DeploymentPatch")], None, True),
    ("no-plaintext-secrets", "configmap-patch",
     [dict(configmap({"app.ini": "password = hunter2\n"}), type="kubernetes:core/v1:ConfigMapPatch")], None, True),
]
