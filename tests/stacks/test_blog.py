"""blog: the objects an outage would be about (the zone apex)."""



def test_apex_ingress_goes_through_anubis(synth_stack):
    stack = synth_stack("blog")
    ingress = stack.k8s("Ingress", "blog", "website")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none" and annotations["infra.viktorbarzin.me/auth-reason"]
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert chain[0] == "traefik-real-ip@kubernetescrd" and chain[-1] == "traefik-x402@kubernetescrd"
    assert "traefik-ai-bot-block@kubernetescrd" not in chain and "traefik-authentik-forward-auth@kubernetescrd" not in chain
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "viktorbarzin.me"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "anubis-blog", "port": {"number": 8080}}


def test_exactly_one_proxied_apex_cname(synth_stack):
    stack = synth_stack("blog")
    records = stack.of_type("cloudflare:index/dnsRecord:DnsRecord")
    assert len(records) == 1, [r["urn"] for r in records]
    record = records[0]["inputs"]
    assert record["name"] == "viktorbarzin.me" and record["type"] == "CNAME" and record["proxied"] is True
    assert record["content"] == "75182cd7-bb91-4310-b961-5d8967da8b41.cfargotunnel.com"


def test_net_diag_script_bypasses_anubis(synth_stack):
    stack = synth_stack("blog")
    ingress = stack.k8s("Ingress", "blog-net-diag", "website")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none"
    assert "cloudflare.viktorbarzin.me/dns-type" not in annotations and "gethomepage.dev/enabled" not in annotations
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "viktorbarzin.me"
    assert rule["http"]["paths"][0]["path"] == "/net-diag.sh"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "blog", "port": {"number": 80}}


def test_blog_and_exporter_images_keel_managed(synth_stack):
    stack = synth_stack("blog")
    deployment = stack.k8s("Deployment", "blog", "website")
    containers = deployment["inputs"]["spec"]["template"]["spec"]["containers"]
    assert [x["image"] for x in containers] == ["viktorbarzin/blog:latest", "nginx/nginx-prometheus-exporter"]
    ignored = deployment["options"]["ignoreChanges"]
    assert {"spec.template.spec.containers[0].image", "spec.template.spec.containers[1].image"} <= set(ignored)
    anubis = stack.k8s("Deployment", "anubis-blog", "website")["inputs"]
    env = {e["name"]: e["value"] for e in anubis["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["TARGET"] == "http://blog.website.svc.cluster.local"
