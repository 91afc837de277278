"""CodiMD (HackMD): MySQL-backed markdown editor, uploads on NFS. Parked at 0 replicas."""

import pulumi

from components import constants as c
from components.database_credentials import DatabaseCredentials, DatabaseCredentialsArgs, database_url
from components.external_secret import reload_on_change
from components.ingress import IngressArgs, IngressFactory
from components.namespace import Namespace, NamespaceArgs
from components.nfs_volume import NfsVolume, NfsVolumeArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from components.web_app import WebApp, WebAppArgs
from components.workload import env, secret_env

settings = ClusterSettings.load()
NS = "hackmd"
SECRETS = "hackmd-secrets"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_EDGE, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)
uploads = NfsVolume("hackmd-uploads-nfs", NfsVolumeArgs(namespace=NS, nfs_server=settings.nfs_server,
                                                        nfs_path="/srv/nfs/hackmd", storage="5Gi"), opts=ns_opts)

# Vault's database engine rotates the static `codimd` MySQL password; ESO renders the DSN.
DatabaseCredentials(SECRETS, DatabaseCredentialsArgs(
    namespace=NS, role="mysql-codimd", password_key="db_password",
    template={"CMD_DB_URL": database_url("mysql", user="codimd", host=settings.mysql_host, database="codimd")},
), opts=ns_opts)

WebApp("hackmd", WebAppArgs(
    namespace=NS,
    tier=c.TIER_EDGE,
    labels={"kubernetes.io/cluster-service": "true"},
    pod_labels={"kubernetes.io/cluster-service": "true"},
    annotations=reload_on_change(),
    pod_annotations={"dependency.kyverno.io/wait-for": "mysql.dbaas:3306"},
    keel=True,
    # Parked: unused, and its WebSocket core cannot wake on a request (no Sablier). Set 1 to revive.
    replicas=0,
    strategy="Recreate",
    containers=[{
        "name": "codimd",
        "image": "hackmdio/hackmd",
        "env": [*secret_env(SECRETS, {"CMD_DB_URL": "CMD_DB_URL"}), *env({"CMD_USECDN": "false"})],
        "volume_mounts": [{"name": "data", "mount_path": "/home/hackmd/app/public/uploads", "sub_path": "hackmd"}],
        "ports": [{"name": "http", "container_port": 3000, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "15m", "memory": "256Mi"}, "limits": {"memory": "256Mi"}},
    }],
    pod_spec={"security_context": {"fs_group": 1500}},
    volumes=[{"name": "data", "persistent_volume_claim": {"claim_name": uploads.claim_name}}],
    service_ports=[{"port": 80, "target_port": 3000}],
), opts=ns_opts)

ingress = IngressFactory("hackmd", IngressArgs.on_cluster(
    settings,
    namespace=NS,
    auth="required",
    dns_type="proxied",
    extra_annotations={
        "gethomepage.dev/enabled": "true",
        "gethomepage.dev/name": "HackMD",
        "gethomepage.dev/description": "Collaborative markdown",
        "gethomepage.dev/icon": "hedgedoc.png",
        "gethomepage.dev/group": "Development & CI",
        "gethomepage.dev/pod-selector": "",
    },
), opts=ns_opts)

pulumi.export("host", ingress.host)
