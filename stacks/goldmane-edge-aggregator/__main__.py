"""goldmane-edge-aggregator: streams Calico Goldmane's flow API (mTLS) into a Postgres edge set; daily Slack digest."""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components import constants as c
from components.database_credentials import DatabaseCredentials, DatabaseCredentialsArgs, database_url
from components.external_secret import ExternalSecret, ExternalSecretArgs, SecretKey
from components.live_read import LiveReadArgs, read_live
from components.namespace import Namespace, NamespaceArgs
from components.payload import load_payload
from components.postgres_init_job import PostgresInitJob, PostgresInitJobArgs
from components.scheduled_job import ScheduledJob, ScheduledJobArgs
from components.secret_inputs import vault_field
from components.settings import ClusterSettings
from components.web_app import WebApp, WebAppArgs
from components.workload import KEEL_ANNOTATIONS, ROLLOUT_ANNOTATIONS, secret_env

settings = ClusterSettings.load()
HERE = Path(__file__).parent
NS = "goldmane-edge-aggregator"
APP = {"app": "goldmane-edge-aggregator"}
IMAGE = "ghcr.io/viktorbarzin/goldmane-edge-aggregator:latest"
DB_SECRET = "goldmane-edges-db-creds"
RELOAD = {"secret.reloader.stakater.com/reload": DB_SECRET}
RESOURCES = {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}}
# Private image: Kyverno clones ghcr-credentials into namespaces on its allowlist (stacks/kyverno).
PULL_SECRET = "ghcr-credentials"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX, labels={"name": NS, "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# Goldmane accepts any client certificate signed by the Tigera CA, so the pod reuses the
# operator's whisker-backend key pair, and the CA bundle is copied in because a ConfigMap
# cannot be mounted across namespaces. Both are read from calico-system at deploy time.
client_pair = read_live("whisker-backend-key-pair", LiveReadArgs(
    namespace="calico-system", keys=["tls.crt", "tls.key"], source="the Calico operator (calico-system)"))
ca_bundle = read_live("tigera-ca-bundle", LiveReadArgs(
    namespace="calico-system", kind="ConfigMap", keys=["ca-bundle.crt", "tigera-ca-bundle.crt"],
    source="the Calico operator (calico-system)"))
# A CA bundle is public: unwrap the read's secret marking so the copy is a plain ConfigMap.
ca_copy = k8s.core.v1.ConfigMap("tigera-ca-bundle", metadata={"name": "tigera-ca-bundle", "namespace": NS},
                                data={k: pulumi.Output.unsecret(v) for k, v in ca_bundle.items()}, opts=ns_opts)
client_tls = k8s.core.v1.Secret("goldmane-client-tls", metadata={"name": "goldmane-client-tls", "namespace": NS},
                                type="Opaque", string_data=client_pair, opts=ns_opts)

# Role and database, created once with the CNPG root password (Vault secret/goldmane-edge-aggregator).
# The live Job is adopted as it is: a Job is immutable, so the script is upstream's, brought
# over byte for byte (files/db-init.sh), with its three interpolations filled in here.
root_password = vault_field("goldmane-edge-aggregator", "dbaas_root_password")
role_password = vault_field("goldmane-edge-aggregator", "db_password")
script = pulumi.Output.all(root_password, role_password).apply(
    lambda p: load_payload(HERE, "db-init.sh").replace("@ROOT_PASSWORD@", p[0])
    .replace("@PG_HOST@", settings.postgresql_host).replace("@DB_PASSWORD@", p[1]))
db_init = PostgresInitJob("goldmane-edges-db-init", PostgresInitJobArgs(
    namespace=NS, secret_script=True, script=script), opts=ns_opts)
db_creds = DatabaseCredentials(DB_SECRET, DatabaseCredentialsArgs(
    namespace=NS, role="pg-goldmane-edges",
    template={"DATABASE_URL": database_url("postgresql", user="goldmane_edges", host=settings.postgresql_host,
                                           port=5432, database="goldmane_edges")}), opts=ns_opts)
# The alert digest's Slack incoming webhook, reused (Vault secret/viktor).
slack = ExternalSecret("goldmane-edges-slack", ExternalSecretArgs(namespace=NS, refresh_interval="1h", data=[
    SecretKey(secret_key="SLACK_WEBHOOK_URL", key="viktor", property="alertmanager_slack_api_url")]), opts=ns_opts)

database_env = secret_env(DB_SECRET, {"DATABASE_URL": "DATABASE_URL"})
# One replica: the edge set is a global upsert, a second stream only doubles the writes.
WebApp("goldmane-edge-aggregator", WebAppArgs(
    namespace=NS, tier=c.TIER_AUX, selector=APP, labels_include_selector=True, annotations=RELOAD,
    containers=[{
        "name": "aggregate", "image": IMAGE, "args": ["aggregate"],
        "env": [{"name": "GOLDMANE_HOST", "value": "goldmane.calico-system.svc.cluster.local:7443"}, *database_env],
        "volume_mounts": [
            {"name": "goldmane-client-tls", "mount_path": "/etc/goldmane-client-tls", "read_only": True},
            {"name": "tigera-ca", "mount_path": "/etc/tigera-ca", "read_only": True},
        ],
        "resources": RESOURCES,
    }],
    volumes=[{"name": "goldmane-client-tls", "secret": {"secret_name": client_tls.metadata["name"]}},
             {"name": "tigera-ca", "config_map": {"name": ca_copy.metadata["name"]}}],
    pod_spec={"image_pull_secrets": [{"name": PULL_SECRET}]},
    # CI sets the image tag (kubectl set image); Keel and rollouts own their annotations.
    ignore_changes=["spec.template.spec.containers[0].image",
                    *(f'metadata.annotations["{a}"]' for a in (*KEEL_ANNOTATIONS, *ROLLOUT_ANNOTATIONS)),
                    'spec.template.metadata.annotations["keel.sh/update-time"]'],
), opts=pulumi.ResourceOptions(depends_on=[namespace, db_init, db_creds]))

ScheduledJob("goldmane-edges-digest", ScheduledJobArgs(
    namespace=NS, schedule="0 8 * * *", time_zone="Europe/London", concurrency_policy="Forbid",
    successful_jobs_history_limit=3, failed_jobs_history_limit=3, starting_deadline_seconds=600,
    labels={**APP, "tier": c.TIER_AUX},
    job_metadata={"labels": APP, "annotations": RELOAD},
    pod_metadata={"labels": APP},
    backoff_limit=2, active_deadline_seconds=300, ttl_seconds_after_finished=86400,
    restart_policy="OnFailure", image_pull_secrets=[PULL_SECRET],
    containers=[{
        "name": "digest", "image": IMAGE, "image_pull_policy": "Always", "args": ["digest"],
        "env": [*database_env, *secret_env("goldmane-edges-slack", {"SLACK_WEBHOOK_URL": "SLACK_WEBHOOK_URL"}),
                {"name": "SLACK_CHANNEL", "value": "#alerts"}],
        "resources": RESOURCES,
    }],
), opts=pulumi.ResourceOptions(depends_on=[namespace, db_init, db_creds, slack]))
