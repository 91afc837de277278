"""poison-fountain: the objects an outage would be about."""



def test_trap_ingress_lets_scrapers_in(synth_stack):
    ingress = synth_stack("poison-fountain").k8s("Ingress", "poison-fountain", "poison-fountain")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "non-proxied"
    assert annotations["uptime.viktorbarzin.me/external-monitor"] == "false"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert not {"traefik-rate-limit@kubernetescrd", "traefik-ai-bot-block@kubernetescrd", "traefik-anti-ai-headers@kubernetescrd"} & set(chain)
    assert ingress["spec"]["rules"][0]["host"] == "poison.viktorbarzin.me"
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"] == {"number": 8080}


def test_server_is_parked_and_reads_cache_from_nfs(synth_stack):
    stack = synth_stack("poison-fountain")
    spec = stack.k8s("Deployment", "poison-fountain", "poison-fountain")["inputs"]["spec"]
    assert spec["replicas"] == 0
    container = spec["template"]["spec"]["containers"][0]
    assert container["image"] == "python:3.12-slim" and container["command"] == ["python", "/app/server.py"]
    pv = stack.k8s("PersistentVolume", "poison-fountain-data-host")["inputs"]["spec"]
    assert pv["csi"]["volumeAttributes"] == {"server": "192.168.1.127", "share": "/srv/nfs/poison-fountain"}


def test_fetcher_cronjob_runs_as_root_every_six_hours(synth_stack):
    cron = synth_stack("poison-fountain").k8s("CronJob", "poison-fountain-fetcher", "poison-fountain")
    spec = cron["inputs"]["spec"]
    assert spec["schedule"] == "0 */6 * * *"
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (1, 1)
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["securityContext"] == {"runAsUser": 0} and pod["restartPolicy"] == "Never"
    assert pod["containers"][0]["image"] == "curlimages/curl:latest"
    assert pod["volumes"][0]["configMap"] == {"name": "poison-fountain-fetcher", "defaultMode": 0o755}
    assert cron["options"]["ignoreChanges"] == ["spec.jobTemplate.spec.template.spec.dnsConfig"]
