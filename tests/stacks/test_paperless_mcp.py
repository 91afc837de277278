"""paperless-mcp: the objects an outage would be about."""



def test_ingress_is_gated_by_the_bearer_middleware(synth_stack):
    stack = synth_stack("paperless-mcp")
    ingress = stack.k8s("Ingress", "paperless-mcp", "paperless-mcp")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none" and annotations["infra.viktorbarzin.me/auth-reason"]
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    chain = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert chain[-1] == "paperless-mcp-bearer-auth@kubernetescrd"
    assert "gethomepage.dev/enabled" not in annotations
    assert ingress["spec"]["rules"][0]["host"] == "paperless-mcp.viktorbarzin.me"


def test_bearer_middleware_tokens_are_secret(synth_stack):
    stack = synth_stack("paperless-mcp")
    middleware = stack.k8s("Middleware", "bearer-auth", "paperless-mcp")["inputs"]
    plugin = middleware["spec"]["plugin"]["api-token-middleware"]
    assert plugin["tokens"] == "[secret]"
    assert plugin["bearerHeader"] is True and plugin["bearerHeaderName"] == "Authorization"
    assert plugin["removeHeadersOnSuccess"] is True


def test_deployment_reads_api_token_from_vault_synced_secret(synth_stack):
    stack = synth_stack("paperless-mcp")
    es = stack.k8s("ExternalSecret", "paperless-mcp-secrets", "paperless-mcp")["inputs"]
    assert es["spec"]["data"] == [{"secretKey": "paperless_api_token",
                                   "remoteRef": {"key": "paperless-mcp", "property": "paperless_api_token"}}]
    deployment = stack.k8s("Deployment", "paperless-mcp", "paperless-mcp")
    container = deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "ghcr.io/barryw/paperlessmcp:v0.1.19"
    token = next(e for e in container["env"] if e["name"] == "PAPERLESS_API_TOKEN")
    assert token["valueFrom"]["secretKeyRef"] == {"name": "paperless-mcp-secrets", "key": "paperless_api_token"}
    assert deployment["inputs"]["metadata"]["annotations"]["keel.sh/policy"] == "minor"
