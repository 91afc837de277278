"""forgejo: the objects an outage would be about (the git host CI and repowise build from)."""


def test_forgejo_on_its_claim_with_captcha_and_mail(synth_stack):
    stack = synth_stack("forgejo")
    deployment = stack.k8s("Deployment", "forgejo", "forgejo")
    meta, spec = deployment["inputs"]["metadata"], deployment["inputs"]["spec"]
    assert meta["annotations"] == {"keel.sh/policy": "never", "reloader.stakater.com/auto": "true"}
    assert 'metadata.annotations["keel.sh/policy"]' not in deployment["options"]["ignoreChanges"]
    pod = spec["template"]["spec"]
    assert pod["securityContext"] == {"fsGroup": 1000}
    [container] = pod["containers"]
    assert container["image"] == "codeberg.org/forgejo/forgejo:11.0.14"
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}
    assert env["FORGEJO__server__ROOT_URL"] == "https://forgejo.viktorbarzin.me"
    assert env["FORGEJO__service__CAPTCHA_TYPE"] == "cfturnstile"
    assert env["FORGEJO__service__CF_TURNSTILE_SECRET"] == {"secretKeyRef": {"name": "forgejo-turnstile", "key": "cf-turnstile-secret"}}
    assert env["FORGEJO__mailer__PASSWD"] == {"secretKeyRef": {"name": "forgejo-email", "key": "PASSWD"}}
    assert pod["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName": "forgejo-data-encrypted"}}]
    claim = stack.k8s("PersistentVolumeClaim", "forgejo-data-encrypted", "forgejo")
    assert claim["inputs"]["spec"]["resources"]["requests"]["storage"] == "30Gi"
    assert claim["inputs"]["metadata"]["annotations"]["resize.topolvm.io/increase"] == "50%"
    assert stack.k8s("ResourceQuota", "forgejo-quota", "forgejo")["inputs"]["spec"]["hard"]["limits.memory"] == "32Gi"


def test_turnstile_widget_and_ingress(synth_stack):
    stack = synth_stack("forgejo")
    [widget] = stack.of_type("cloudflare:index/turnstileWidget:TurnstileWidget")
    assert widget["inputs"]["name"] == "forgejo-signup"
    assert widget["inputs"]["domains"] == ["forgejo.viktorbarzin.me"] and widget["inputs"]["mode"] == "managed"
    ingress = stack.k8s("Ingress", "forgejo", "forgejo")["inputs"]["metadata"]["annotations"]
    assert ingress["infra.viktorbarzin.me/auth"] == "none"
    assert ingress["uptime.viktorbarzin.me/external-monitor-path"] == "/api/healthz"


def test_cleanup_stays_a_dry_run(synth_stack):
    cron = synth_stack("forgejo").k8s("CronJob", "forgejo-cleanup", "forgejo")["inputs"]["spec"]
    assert cron["schedule"] == "0 4 * * *"
    container = cron["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert {"name": "DRY_RUN", "value": "true"} in container["env"]
