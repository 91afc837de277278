"""Helm values of the CrowdSec release (chart 0.21.0), built in Python.

Secrets arrive as Pulumi Outputs and stay secret inside the values. The module name is
prefixed with the stack so the offline synth can load many programs in one interpreter.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

# Agent log sources: (namespace, pod name glob, parser program).
ACQUISITION: tuple[tuple[str, str, str], ...] = (
    ("traefik", "traefik-*", "traefik"),
    ("mailserver", "mailserver-*", "postfix"),
    ("mailserver", "mailserver-*", "dovecot"),
)
COLLECTIONS = (
    "crowdsecurity/traefik crowdsecurity/base-http-scenarios crowdsecurity/http-cve "
    "crowdsecurity/pfsense firewallservices/pf crowdsecurity/postfix crowdsecurity/dovecot "
    "crowdsecurity/sshd"
)
# Local scenario files mounted over the hub's (same file name replaces the hub symlink).
CUSTOM_SCENARIOS = ("http-403-abuse.yaml", "http-429-abuse.yaml", "http-probing.yaml", "http-crawl-non_statics.yaml")
# Scenarios prone to false positives: an inert "captcha" decision instead of a ban (no
# bouncer enforces captcha, so these are recorded, not blocked).
SOFT_FAIL_SCENARIOS = (
    "crowdsecurity/http-429-abuse", "crowdsecurity/http-403-abuse",
    "crowdsecurity/http-crawl-non_statics", "crowdsecurity/http-sensitive-files",
)
# LAPI auto-registration accepts agents from these ranges (pod and node networks).
REGISTRATION_RANGES = ("127.0.0.1/32", "192.168.0.0/16", "10.0.0.0/8", "172.16.0.0/12")
TIER_PRIORITY_CLASS = "tier-1-cluster"
GPU_TOLERATION = {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}

SLACK_FORMAT = """\
:rotating_light: *CrowdSec Alert*
{{range .}}
*Scenario:* {{.Alert.Scenario}}
*Source IP:* {{.Alert.Source.IP}} ({{.Alert.Source.Cn}})
*Decisions:*
{{range .Alert.Decisions}}  - {{.Type}} for {{.Duration}} (scope: {{.Scope}}, value: {{.Value}})
{{end}}
{{end}}
"""


def _profile(name: str, condition: str, decision: str) -> str:
    return (
        f"name: {name}\n"
        "filters:\n"
        f"  - {condition}\n"
        "decisions:\n"
        f"  - type: {decision}\n"
        "    duration: 4h\n"
        "notifications:\n"
        "  - slack_alerts\n"
        "on_success: break\n"
    )


def profiles() -> str:
    """profiles.yaml: soft-fail first, then ban per IP, then ban per range."""
    soft = ", ".join(f'"{s}"' for s in SOFT_FAIL_SCENARIOS)
    return "---\n".join([
        _profile("captcha_remediation",
                 f'Alert.Remediation == true && Alert.GetScope() == "Ip" && Alert.GetScenario() in [{soft}]',
                 "captcha"),
        _profile("default_ip_remediation", 'Alert.Remediation == true && Alert.GetScope() == "Ip"', "ban"),
        _profile("default_range_remediation", 'Alert.Remediation == true && Alert.GetScope() == "Range"', "ban"),
    ])


def local_config(db_password: str, postgresql_host: str) -> str:
    """config.yaml.local: the Postgres backend, retention and agent auto-registration.

    `${REGISTRATION_TOKEN}` is expanded by CrowdSec from the chart's environment.
    """
    ranges = "".join(f'        - "{r}"\n' for r in REGISTRATION_RANGES)
    return (
        "db_config:\n"
        "  type:     postgres\n"
        "  user:     crowdsec\n"
        f"  password: {db_password}\n"
        "  db_name:  crowdsec\n"
        f"  host:     {postgresql_host}\n"
        "  port:     5432\n"
        "  flush:\n"
        "    max_items: 10000\n"
        '    max_age: "7d"\n'
        "    bouncers_autodelete:\n"
        '      api_key: "30d"\n'
        "    agents_autodelete:\n"
        '      login_password: "30d"\n'
        "  decision_bulk_size: 2000\n"
        "api:\n"
        "  server:\n"
        "    auto_registration:\n"
        "      enabled: true\n"
        '      token: "${REGISTRATION_TOKEN}"\n'
        "      allowed_ranges:\n"
        f"{ranges}"
    )


def slack_notification(webhook: str) -> str:
    body = "".join(f"  {line}\n" if line else "\n" for line in SLACK_FORMAT.splitlines())
    return (
        "type: slack\n"
        "name: slack_alerts\n"
        "log_level: info\n"
        "format: |\n"
        f"{body}"
        f"webhook: {webhook}\n"
    )


def _env(values: Mapping[str, object]) -> list[dict]:
    return [{"name": k, "value": v} for k, v in values.items()]


def crowdsec_values(*, db_password: pulumi.Output[str], traefik_bouncer_key: pulumi.Output[str],
                    firewall_bouncer_key: pulumi.Output[str], slack_webhook_url: pulumi.Output[str],
                    homepage_username: pulumi.Output[str], homepage_password: pulumi.Output[str],
                    postgresql_host: str) -> dict:
    mounts = [
        {"name": "custom-scenarios", "mountPath": f"/etc/crowdsec/scenarios/{f}", "subPath": f, "readonly": True}
        for f in CUSTOM_SCENARIOS
    ] + [
        {"name": "whitelist", "mountPath": "/etc/crowdsec/parsers/s02-enrich/whitelist.yaml",
         "subPath": "whitelist.yaml", "readonly": True},
        {"name": "syslog-acquisition", "mountPath": "/etc/crowdsec/acquis.d/syslog.yaml",
         "subPath": "syslog.yaml", "readonly": True},
    ]
    agent = {
        "tolerations": [GPU_TOLERATION],
        "resources": {"requests": {"cpu": "25m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
        "priorityClassName": TIER_PRIORITY_CLASS,
        "acquisition": [{"namespace": ns, "podName": pod, "program": program} for ns, pod, program in ACQUISITION],
        "env": _env({"COLLECTIONS": COLLECTIONS, "SCENARIOS": ""}),
        "extraVolumeMounts": mounts,
        "extraVolumes": [
            {"name": "custom-scenarios", "configMap": {"name": "crowdsec-custom-scenarios"}},
            {"name": "whitelist", "configMap": {"name": "crowdsec-whitelist"}},
            {"name": "syslog-acquisition", "configMap": {"name": "crowdsec-syslog-acquisition"}},
        ],
    }
    dashboard_host = "crowdsec.viktorbarzin.me"
    lapi = {
        "resources": {"requests": {"cpu": "25m", "memory": "128Mi"}, "limits": {"memory": "1Gi"}},
        "startupProbe": {"httpGet": {"path": "/health", "port": 8080}, "failureThreshold": 30, "periodSeconds": 10},
        "priorityClassName": TIER_PRIORITY_CLASS,
        "replicas": 3,
        "topologySpreadConstraints": [{
            "maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "crowdsec", "type": "lapi"}},
        }],
        "pdb": {"enabled": True, "maxUnavailable": 1},
        "extraSecrets": {"dbPassword": db_password},
        "storeCAPICredentialsInSecret": True,
        "persistentVolume": {"config": {"enabled": False}, "data": {"enabled": False}},
        # No ENROLL_KEY: the console enrolment key was single-use; CAPI works without it.
        # The two bouncer keys are registered by LAPI at start-up; traefik's plugin and the
        # firewall DaemonSet present the same values (Vault secret/platform).
        "env": [
            {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "crowdsec-lapi-secrets", "key": "dbPassword"}}},
            {"name": "BOUNCER_KEY_traefik", "value": traefik_bouncer_key},
            {"name": "BOUNCER_KEY_firewall", "value": firewall_bouncer_key},
        ],
        "dashboard": {
            "enabled": True,
            "env": _env({
                "MB_DB_TYPE": "postgres",
                "MB_DB_DBNAME": "crowdsec_metabase",
                "MB_DB_USER": "crowdsec",
                "MB_DB_PASS": db_password,
                "MB_DB_HOST": postgresql_host,
                "MB_DB_PORT": "5432",
                "MB_EMAIL_SMTP_USERNAME": "info@viktorbarzin.me",
                "MB_EMAIL_FROM_ADDRESS": "info@viktorbarzin.me",
                "MB_EMAIL_SMTP_HOST": "mailserver.mailserver.svc.cluster.local",
                "MB_EMAIL_SMTP_PASSWORD": "",
                "MB_EMAIL_SMTP_PORT": "587",
                "MB_EMAIL_SMTP_SECURITY": "starttls",
            }),
            "ingress": {
                "enabled": True,
                "annotations": {
                    "nginx.ingress.kubernetes.io/backend-protocol": "HTTP",
                    "nginx.ingress.kubernetes.io/auth-url": "http://ak-outpost-authentik-embedded-outpost.authentik.svc.cluster.local:9000/outpost.goauthentik.io/auth/nginx",
                    "nginx.ingress.kubernetes.io/auth-signin": "https://authentik.viktorbarzin.me/outpost.goauthentik.io/start?rd=$scheme%3A%2F%2F$host$escaped_request_uri",
                    "nginx.ingress.kubernetes.io/auth-response-headers": "Set-Cookie,X-authentik-username,X-authentik-groups,X-authentik-email,X-authentik-name,X-authentik-uid",
                    "nginx.ingress.kubernetes.io/auth-snippet": "proxy_set_header X-Forwarded-Host $http_host;",
                    "gethomepage.dev/enabled": "true",
                    "gethomepage.dev/description": "Web Application Firewall",
                    "gethomepage.dev/icon": "crowdsec.png",
                    "gethomepage.dev/name": "CrowdSec",
                    "gethomepage.dev/group": "Identity & Security",
                    "gethomepage.dev/widget.type": "crowdsec",
                    "gethomepage.dev/widget.url": "http://crowdsec-service.crowdsec.svc.cluster.local:8080",
                    "gethomepage.dev/widget.username": homepage_username,
                    "gethomepage.dev/widget.password": homepage_password,
                    "gethomepage.dev/pod-selector": "",
                },
                "ingressClassName": "nginx",
                "host": dashboard_host,
                "tls": [{"hosts": [dashboard_host], "secretName": "tls-secret"}],
            },
        },
        "metrics": {"enabled": True},
        "strategy": {"type": "RollingUpdate"},
    }
    return {
        "container_runtime": "containerd",
        # Pinned above the chart's appVersion (v1.7.3), whose CAPI login fails; a chart
        # re-render must not roll the pods back.
        "image": {"tag": "v1.7.8"},
        "agent": agent,
        "lapi": lapi,
        "config": {
            "profiles.yaml": profiles(),
            "config.yaml.local": pulumi.Output.secret(db_password).apply(lambda pw: local_config(pw, postgresql_host)),
            "notifications": {"slack.yaml": pulumi.Output.secret(slack_webhook_url).apply(slack_notification)},
        },
    }
