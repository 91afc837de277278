"""technitium: the objects an outage would be about (LAN and cluster DNS)."""

import pytest

NS = "technitium"
DNS_POD = {"dns-server": "true"}


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("technitium")


def _command(stack, name: str) -> dict:
    found = [r for r in stack.of_type("command:local:Command") if r["name"] == name]
    assert len(found) == 1, name
    return found[0]


def test_coredns_corefile_is_owned_in_kube_system(stack):
    cm = stack.k8s("ConfigMap", "coredns", "kube-system")["inputs"]
    assert list(cm["data"]) == ["Corefile"]
    # Offline the Corefile is the bring-over placeholder; the traefik clusterIP token is
    # substituted from the live Service (read_live), never a literal in the repo.
    assert cm["data"]["Corefile"].startswith("PLACEHOLDER")


def test_coredns_scale_and_pdb(stack):
    scale = _command(stack, "coredns-scale")["inputs"]
    assert scale["interpreter"] == ["/bin/bash", "-c"]
    assert "--replicas=3" in scale["create"]
    assert '"topologyKey":"kubernetes.io/hostname"' in scale["create"]
    assert "k8s-app" in scale["create"] and "kube-dns" in scale["create"]
    assert scale["triggers"][0] == "replicas=3"  # on change only: no per-run trigger
    pdb = stack.k8s("PodDisruptionBudget", "coredns", "kube-system")["inputs"]["spec"]
    assert pdb == {"minAvailable": "2", "selector": {"matchLabels": {"k8s-app": "kube-dns"}}}


@pytest.mark.parametrize("name,claim,memory,limit", [
    ("technitium", "technitium-primary-config-encrypted", "1Gi", "10Gi"),
    ("technitium-secondary", "technitium-secondary-config-encrypted", "512Mi", "5Gi"),
    ("technitium-tertiary", "technitium-tertiary-config-encrypted", "512Mi", "5Gi"),
])
def test_dns_servers(stack, name, claim, memory, limit):
    deployment = stack.k8s("Deployment", name, NS)
    spec = deployment["inputs"]["spec"]
    assert deployment["inputs"]["metadata"]["labels"] == {"app": name, "tier": "0-core"}
    assert spec["strategy"] == {"type": "Recreate"}
    assert spec["selector"]["matchLabels"] == {"app": name}
    pod = spec["template"]["spec"]
    assert spec["template"]["metadata"]["labels"] == {"app": name, **DNS_POD}
    anti = pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert anti == [{"labelSelector": {"matchExpressions": [{"key": "dns-server", "operator": "In", "values": ["true"]}]},
                     "topologyKey": "kubernetes.io/hostname"}]
    container = pod["containers"][0]
    assert container["image"] == "technitium/dns-server:14.3.0"
    assert container["resources"] == {"requests": {"cpu": "100m", "memory": memory}, "limits": {"memory": memory}}
    assert [p["containerPort"] for p in container["ports"]] == [5380, 53, 80]
    assert container["livenessProbe"] == {"tcpSocket": {"port": 53}, "initialDelaySeconds": 10, "periodSeconds": 10}
    assert container["readinessProbe"] == {"tcpSocket": {"port": 53}, "initialDelaySeconds": 5, "periodSeconds": 5}
    assert container["volumeMounts"][0]["mountPath"] == "/etc/dns"
    claims = [v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"] if "persistentVolumeClaim" in v]
    assert claims == [claim]
    ignore = deployment["options"]["ignoreChanges"]
    assert "spec.template.spec.containers[0].image" in ignore
    pvc = stack.k8s("PersistentVolumeClaim", claim, NS)
    assert pvc["inputs"]["spec"]["storageClassName"] == "proxmox-lvm-encrypted"
    assert pvc["inputs"]["spec"]["resources"]["requests"]["storage"] == "2Gi"
    assert pvc["inputs"]["metadata"]["annotations"]["resize.topolvm.io/storage_limit"] == limit
    if name == "technitium":
        assert {"name": "tls-cert", "secret": {"secretName": "tls-secret"}} in pod["volumes"]
        assert "env" not in container
    else:
        assert [e["name"] for e in container["env"]] == ["DNS_SERVER_ADMIN_PASSWORD", "DNS_SERVER_ENABLE_BLOCKING"]


def test_dns_addresses(stack):
    lb = stack.k8s("Service", "technitium-dns", NS)
    assert lb["inputs"]["metadata"]["annotations"] == {"metallb.io/loadBalancerIPs": "10.0.20.201"}
    assert lb["inputs"]["spec"]["type"] == "LoadBalancer"
    assert lb["inputs"]["spec"]["externalTrafficPolicy"] == "Local"
    assert lb["inputs"]["spec"]["selector"] == DNS_POD
    assert 'metadata.annotations["metallb.io/ip-allocated-from-pool"]' in lb["options"]["ignoreChanges"]
    internal = stack.k8s("Service", "technitium-dns-internal", NS)["inputs"]["spec"]
    assert internal["clusterIP"] == "10.96.0.53"
    assert internal["selector"] == DNS_POD
    for spec in (lb["inputs"]["spec"], internal):
        assert [(p["name"], p["port"], p["protocol"]) for p in spec["ports"]] == [
            ("dns-udp", 53, "UDP"), ("dns-tcp", 53, "TCP")]
    pdb = stack.k8s("PodDisruptionBudget", "technitium-dns", NS)["inputs"]["spec"]
    assert pdb == {"minAvailable": "2", "selector": {"matchLabels": DNS_POD}}


def test_web_services_and_ingress(stack):
    web = stack.k8s("Service", "technitium-web", NS)["inputs"]["spec"]
    assert web["selector"] == {"app": "technitium"}
    assert [(p["name"], p["port"]) for p in web["ports"]] == [("technitium-dns", 5380), ("technitium-doh", 80)]
    for name, app in (("technitium-secondary-web", "technitium-secondary"), ("technitium-tertiary-web", "technitium-tertiary")):
        spec = stack.k8s("Service", name, NS)["inputs"]["spec"]
        assert spec["selector"] == {"app": app}
        assert [(p["name"], p["port"]) for p in spec["ports"]] == [("api", 5380)]
    primary = stack.k8s("Service", "technitium-primary", NS)["inputs"]["spec"]
    assert [(p["name"], p["port"], p["protocol"]) for p in primary["ports"]] == [
        ("dns-tcp", 53, "TCP"), ("dns-udp", 53, "UDP"), ("api", 5380, "TCP")]
    ingress = stack.k8s("Ingress", "technitium", NS)["inputs"]
    assert ingress["metadata"]["annotations"]["infra.viktorbarzin.me/auth"] == "required"
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "technitium-web", "port": {"number": 5380}}


def test_query_log_database(stack):
    job = stack.k8s("Job", "technitium-pg-db-init", NS)["inputs"]["spec"]
    assert job["backoffLimit"] == 4
    pod = job["template"]["spec"]
    assert pod["restartPolicy"] == "OnFailure"
    assert pod["containers"][0]["image"] == "postgres:16-alpine"
    assert pod["containers"][0]["command"][:2] == ["sh", "-c"]
    es = stack.k8s("ExternalSecret", "technitium-db-creds", NS)["inputs"]["spec"]
    assert es["refreshInterval"] == "15m"
    assert es["data"] == [{"secretKey": "db_password",
                           "remoteRef": {"key": "static-creds/pg-technitium", "property": "password"}}]
    ds = stack.k8s("ConfigMap", "grafana-technitium-datasource", "monitoring")["inputs"]
    assert ds["metadata"]["labels"] == {"grafana_datasource": "1"}
    dash = stack.k8s("ConfigMap", "grafana-technitium-dashboard", "monitoring")["inputs"]
    assert dash["metadata"]["labels"] == {"grafana_dashboard": "1"}
    assert dash["metadata"]["annotations"] == {"grafana_folder": "Networking"}
    assert list(dash["data"]) == ["technitium-dns.json"]


@pytest.mark.parametrize("name,schedule,successful,concurrency", [
    ("technitium-password-sync", "0 */6 * * *", 1, "Allow"),
    ("technitium-split-horizon-sync", "15 */6 * * *", 1, "Allow"),
    ("technitium-dns-optimization", "30 */6 * * *", 1, "Allow"),
    ("technitium-static-records", "35 * * * *", 1, "Allow"),
    ("technitium-ingress-dns-sync", "0 * * * *", 1, "Allow"),
    ("technitium-zone-sync", "*/30 * * * *", 3, "Forbid"),
])
def test_sync_cronjobs(stack, name, schedule, successful, concurrency):
    spec = stack.k8s("CronJob", name, NS)["inputs"]["spec"]
    assert spec["schedule"] == schedule
    assert spec["concurrencyPolicy"] == concurrency
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (successful, 3)
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "OnFailure"
    container = pod["containers"][0]
    assert container["command"][:2] == ["/bin/sh", "-c"]
    names = [e["name"] for e in container["env"]]
    assert {"TECH_USER", "TECH_PASS"} <= set(names)
    if name == "technitium-ingress-dns-sync":
        assert container["image"] == "bitnami/kubectl:latest"
        assert pod["serviceAccountName"] == "ingress-dns-sync"
    else:
        assert container["image"] == "curlimages/curl:latest"
    if name == "technitium-zone-sync":
        assert spec["jobTemplate"]["spec"]["backoffLimit"] == 2
        assert names == ["TECH_USER", "TECH_PASS", "PRIMARY_HOST"]
    if name == "technitium-static-records":
        records = {e["name"]: e.get("value") for e in container["env"]}["RECORDS"]
        assert records == "viktorbarzin.me turn 10.0.20.205\nviktorbarzin.lan mbp-london 192.168.8.168"
    if name == "technitium-password-sync":
        assert container["env"][0] == {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {
            "name": "technitium-db-creds", "key": "db_password"}}}


def test_ingress_sync_rbac_reads_valia_sites_only_by_name(stack):
    role = stack.k8s("ClusterRole", "ingress-dns-sync")["inputs"]
    configmaps = [r for r in role["rules"] if r["resources"] == ["configmaps"]]
    assert configmaps == [{"apiGroups": [""], "resources": ["configmaps"],
                           "resourceNames": ["valia-sites-dns"], "verbs": ["get"]}]
    binding = stack.k8s("ClusterRoleBinding", "ingress-dns-sync")["inputs"]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "ingress-dns-sync", "namespace": NS}]


def test_readiness_gate_runs_every_up_after_the_servers(stack):
    gate = _command(stack, "technitium-readiness-gate")
    assert gate["inputs"]["interpreter"] == ["/bin/bash", "-c"]
    assert "dns-server=true" in gate["inputs"]["create"]
    assert gate["inputs"]["triggers"][0] == "always=offline"  # a fresh timestamp on a real `up`
