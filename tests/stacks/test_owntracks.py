"""owntracks: the objects an outage would be about."""



def test_ingress_is_basic_auth_first_not_authentik(synth_stack):
    stack = synth_stack("owntracks")
    ingress = stack.k8s("Ingress", "owntracks", "owntracks")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "none"
    assert annotations["infra.viktorbarzin.me/auth-reason"]
    assert annotations["traefik.ingress.kubernetes.io/router.middlewares"] == (
        "owntracks-basic-auth@kubernetescrd,traefik-rate-limit@kubernetescrd,traefik-csp-headers@kubernetescrd")
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    assert ingress["spec"]["rules"][0]["host"] == "owntracks.viktorbarzin.me"


def test_basic_auth_middleware_and_secret(synth_stack):
    stack = synth_stack("owntracks")
    middleware = stack.k8s("Middleware", "basic-auth", "owntracks")["inputs"]
    assert middleware["apiVersion"] == "traefik.io/v1alpha1"
    assert middleware["spec"] == {"basicAuth": {"secret": "basic-auth-secret"}}
    secret = stack.k8s("Secret", "basic-auth-secret", "owntracks")
    assert secret["inputs"]["stringData"] == "[secret]"  # the htpasswd never appears in plain text
    assert "data" in secret["options"]["ignoreChanges"]
    es = stack.k8s("ExternalSecret", "owntracks-secrets", "owntracks")["inputs"]
    assert es["spec"]["dataFrom"] == [{"extract": {"key": "owntracks"}}]


def test_recorder_runs_the_dawarich_hook(synth_stack):
    stack = synth_stack("owntracks")
    deployment = stack.k8s("Deployment", "owntracks", "owntracks")["inputs"]
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "owntracks/recorder:1.0.1"
    assert container["args"] == ["--lua-script", "/hook/dawarich-hook.lua", "owntracks/#"]
    env = {e["name"]: e for e in container["env"]}
    assert env["DAWARICH_API_KEY"]["valueFrom"]["secretKeyRef"] == {"name": "owntracks-secrets", "key": "dawarich_api_key"}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["data"]["persistentVolumeClaim"]["claimName"] == "owntracks-data-encrypted"
    assert volumes["hook"]["configMap"]["name"] == "dawarich-hook"
    hook = stack.k8s("ConfigMap", "dawarich-hook", "owntracks")["inputs"]["data"]["dawarich-hook.lua"]
    assert "function otr_hook" in hook and "/api/v1/owntracks/points" in hook



def test_htpasswd_is_upstream_bcrypt_form_on_an_apply(monkeypatch):
    """On a real run the phone logins become `$2a$10$` bcrypt lines that verify."""
    import base64
    import json
    import os
    import runpy
    import sys
    from pathlib import Path

    import bcrypt

    from tools.synth import mockrt

    stack_dir = Path(__file__).resolve().parents[2] / "stacks" / "owntracks"
    logins = {"phone": "fake-pass-1", "tablet": "fake-pass-2"}
    synced = {"credentials": base64.b64encode(json.dumps(logins).encode()).decode()}
    written = {}

    class SyncedSecretMocks(mockrt._Mocks):
        def new_resource(self, args):
            if args.typ == "kubernetes:core/v1:Secret" and args.resource_id == "owntracks/owntracks-secrets":
                return args.resource_id, {"data": synced}
            if args.typ == "kubernetes:core/v1:Secret" and args.name == "basic-auth":
                string_data = args.inputs["stringData"]  # a secret: {<sig>: <secret sig>, "value": {...}}
                written["auth"] = string_data.get("value", string_data)["auth"]
            return super().new_resource(args)

    def program():
        monkeypatch.chdir(stack_dir)
        monkeypatch.setattr(sys, "path", [str(stack_dir), *sys.path])
        runpy.run_path(str(stack_dir / "__main__.py"), run_name="__main__")

    monkeypatch.setattr(mockrt, "_Mocks", SyncedSecretMocks)
    # An apply reads the wildcard certificate from secrets/ (operator-only files): fake PEMs.
    import pulumi

    from components import payload
    monkeypatch.setattr(payload, "tls_material", lambda *a: (pulumi.Output.secret("fake-chain"),
                                                                pulumi.Output.secret("fake-key")))
    result = mockrt.run_callable(program, project="owntracks", preview=False)
    assert result.error is None, result.error
    lines = dict(line.split(":", 1) for line in written["auth"].splitlines())
    assert sorted(lines) == ["phone", "tablet"]
    for user, hashed in lines.items():
        assert hashed.startswith("$2a$10$")
        assert bcrypt.checkpw(logins[user].encode(), hashed.encode())
