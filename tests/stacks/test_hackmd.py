"""hackmd: the objects an outage would be about."""



def test_ingress_is_behind_authentik(synth_stack):
    stack = synth_stack("hackmd")
    ingress = stack.k8s("Ingress", "hackmd", "hackmd")["inputs"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["infra.viktorbarzin.me/auth"] == "required"
    assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied"
    assert "traefik-authentik-forward-auth@kubernetescrd" in annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert ingress["spec"]["rules"][0]["host"] == "hackmd.viktorbarzin.me"


def test_deployment_is_parked_and_reads_the_rendered_dsn(synth_stack):
    stack = synth_stack("hackmd")
    deployment = stack.k8s("Deployment", "hackmd", "hackmd")
    spec = deployment["inputs"]["spec"]
    assert spec["replicas"] == 0
    pod = spec["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "hackmdio/hackmd"
    assert container["env"][0]["valueFrom"]["secretKeyRef"] == {"name": "hackmd-secrets", "key": "CMD_DB_URL"}
    assert container["volumeMounts"][0]["subPath"] == "hackmd"
    assert pod["securityContext"] == {"fsGroup": 1500}
    assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == "hackmd-uploads-nfs"
    assert "spec.template.spec.containers[0].image" in deployment["options"]["ignoreChanges"]
    assert "spec.replicas" not in deployment["options"]["ignoreChanges"]


def test_db_password_comes_from_vault_database_engine(synth_stack):
    stack = synth_stack("hackmd")
    es = stack.k8s("ExternalSecret", "hackmd-secrets", "hackmd")["inputs"]["spec"]
    assert es["secretStoreRef"] == {"name": "vault-database", "kind": "ClusterSecretStore"}
    assert es["data"] == [{"secretKey": "db_password",
                           "remoteRef": {"key": "static-creds/mysql-codimd", "property": "password"}}]
    assert es["target"]["template"]["data"]["CMD_DB_URL"] == (
        "mysql://codimd:{{ .db_password }}@mysql.dbaas.svc.cluster.local/codimd")
