"""The shared PostgreSQL: the CloudNativePG `Cluster` pg-cluster and its app databases."""

from __future__ import annotations

CLUSTER = "pg-cluster"
# PostGIS plus pgvector (vector/halfvec/hnsw). Changing it rolls every member of a cluster
# that many apps share: take a logical backup first.
IMAGE = "ghcr.io/viktorbarzin/cnpg-postgis-pgvector:16-pgvector0.8.0"
PRIMARY_SELECTOR = {"cnpg.io/cluster": CLUSTER, "cnpg.io/instanceRole": "primary"}
# Secret CloudNativePG writes for the `postgres` superuser (enableSuperuserAccess).
SUPERUSER_SECRET = f"{CLUSTER}-superuser"
PARAMETERS = {
    "search_path": '"$user", public',
    # 200 connections; memory settings scaled with it (work_mem is per sort/hash, not per connection).
    "max_connections": "200",
    "shared_buffers": "1024MB",
    "effective_cache_size": "2560MB",
    "work_mem": "16MB",
    "wal_compression": "zstd",
    "random_page_cost": "4",
    "checkpoint_completion_target": "0.9",
    # Fewer, smoother checkpoints on the contended disk; all reloadable without a restart.
    "checkpoint_timeout": "15min",
    "max_wal_size": "4GB",
    "min_wal_size": "1GB",
    # No WAL archive is configured (the nightly dumps are the backup), so no forced segment
    # switches; commit_delay batches fsyncs (commits are still durable before they return).
    "archive_timeout": "0",
    "commit_delay": "2500",
}


def cluster_spec(image: str = IMAGE) -> dict:
    """`spec` of the Cluster CR (camelCase, passed as is)."""
    return {
        # Three members, one per node: a single-node drain always leaves a caught-up candidate.
        "instances": 3,
        "affinity": {
            "enablePodAntiAffinity": True,
            "podAntiAffinityType": "required",
            "topologyKey": "kubernetes.io/hostname",
        },
        "imageName": image,
        "postgresql": {"parameters": dict(PARAMETERS), "enableAlterSystem": True},
        "enableSuperuserAccess": True,
        "inheritedMetadata": {"annotations": {
            "resize.topolvm.io/threshold": "10%",
            "resize.topolvm.io/increase": "20%",
            "resize.topolvm.io/storage_limit": "100Gi",
        }},
        "storage": {"size": "20Gi", "storageClass": "proxmox-lvm-encrypted"},
        # Burstable: the request stays above every member's observed peak, the limit is node-OOM safe.
        "resources": {"requests": {"cpu": "50m", "memory": "2560Mi"}, "limits": {"memory": "3Gi"}},
    }


# Application roles and their databases on the cluster; passwords are Vault static roles
# (`pg-<owner with - for _>`, weekly rotation, stacks/vault).
# logical name -> (owner, databases (empty: one named like the owner), schema pinned as search_path)
APP_DATABASES: dict[str, tuple[str, tuple[str, ...], str | None]] = {
    "pg-terraform-state-db": ("terraform_state", (), None),
    "pg-payslip-ingest-db": ("payslip_ingest", (), None),
    "pg-job-hunter-db": ("job_hunter", (), None),
    "pg-goodreads-sync-db": ("goodreads_sync", (), None),
    "pg-lesson-harvester-db": ("lesson_harvester", (), None),
    "pg-tripit-db": ("tripit", (), None),
    "pg-nextcloud-todos-db": ("nextcloud_todos", (), "nextcloud_todos"),
    # One login owns Postiz and its Temporal server's two databases.
    "pg-postiz-dbs": ("postiz", ("postiz", "temporal", "temporal_visibility"), None),
    "pg-wealthfolio-sync-db": ("wealthfolio_sync", (), None),
    "pg-fire-planner-db": ("fire_planner", (), None),
    "pg-instagram-poster-db": ("instagram_poster", (), None),
    "pg-tasks-db": ("tasks", (), None),
}
