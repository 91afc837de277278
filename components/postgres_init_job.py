"""PostgresInitJob: the one-off Job that makes sure an app's PostgreSQL role and database exist.

Several apps get their database from a ``postgres`` client Job that runs an idempotent psql
script (``SELECT 1 FROM pg_roles ... || CREATE ROLE``, the same for the database, then a
GRANT) against the shared server. Those Jobs are live objects and are adopted as they are:
a Job's pod template is immutable, so any difference in the script, image, env or restart
policy is a *replacement* and the script runs again. The component therefore takes the
script text verbatim (a stack ships it under ``files/``; when it embeds a password the
stack builds it from secret config and sets ``secret_script``) and owns only the Job shape
those Jobs share: one ``db-init`` container running ``sh -c <script>``, no retries beyond
``backoff_limit``, Kyverno's dnsConfig ignored, and Terraform's ``wait_for_completion`` /
``timeouts { create }`` as Pulumi's await and create timeout.

Switching these to :mod:`components.db_bootstrap` (kubectl exec into the server) would
orphan the live Jobs; new apps should use that instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components.errors import ArgumentError, require_choice, require_dns_label, require_text
from components.moved import child_options, require_moved_from
from components.proxmox_volume import SKIP_AWAIT
from components.scheduled_job import RESTART_POLICIES, OneOffJobArgs, job_spec, object_metadata, require_count
from components.workload import job_ignore_changes

_COMPONENT = "PostgresInitJob"
POSTGRES_CLIENT_IMAGE = "postgres:16-alpine"
"""The client image every adopted init Job runs."""


@dataclass(frozen=True, kw_only=True)
class PostgresInitJobArgs:
    """Inputs of :class:`PostgresInitJob`."""

    namespace: str
    """Namespace of the Job (the app's)."""
    script: pulumi.Input[str]
    """The psql script, exactly as the live Job runs it (``sh -c <script>``)."""
    secret_script: bool = False
    """The script embeds a password: keep the command secret in state and previews."""
    image: str = POSTGRES_CLIENT_IMAGE
    container_name: str = "db-init"
    shell: str = "sh"
    env: Sequence[Mapping] = ()
    """Container env (a ``PGPASSWORD`` from the app's Secret, ...)."""
    env_from: Sequence[Mapping] = ()
    """Container envFrom entries (``{"secret_ref": {"name": ...}}``)."""
    resources: Mapping | None = None
    restart_policy: str = "Never"
    backoff_limit: int | None = 3
    wait_for_completion: bool = True
    """Wait for the Job to succeed (Terraform's ``wait_for_completion``); False adds
    ``pulumi.com/skipAwait`` to the Job's annotations, an in-place change at adoption."""
    create_timeout: str | None = "2m"
    """How long to wait for it (Terraform's ``timeouts { create }``)."""
    moved_from: Mapping[str, str] = field(default_factory=dict)
    """``{"job": <old logical name>}`` when the Job was a top-level resource of the stack."""

    def __post_init__(self) -> None:
        require_dns_label(_COMPONENT, "namespace", self.namespace)
        require_dns_label(_COMPONENT, "container_name", self.container_name)
        require_text(_COMPONENT, "image", self.image)
        require_text(_COMPONENT, "shell", self.shell)
        if isinstance(self.script, str):
            require_text(_COMPONENT, "script", self.script)
        require_choice(_COMPONENT, "restart_policy", self.restart_policy, RESTART_POLICIES)
        require_count(_COMPONENT, "backoff_limit", self.backoff_limit, optional=True)
        for name in ("env", "env_from"):
            if isinstance(getattr(self, name), (Mapping, str)):
                raise ArgumentError(_COMPONENT, name, "must be a list of entries")
        if self.create_timeout is not None and not self.wait_for_completion:
            raise ArgumentError(_COMPONENT, "create_timeout", "is set but wait_for_completion is False; nothing waits")
        require_moved_from(_COMPONENT, self.moved_from, ("job",))


def job_args(args: PostgresInitJobArgs) -> OneOffJobArgs:
    """The Job as OneOffJob arguments (the shared Job builders render it)."""
    script = pulumi.Output.secret(args.script) if args.secret_script else args.script
    container: dict = {"name": args.container_name, "image": args.image, "command": [args.shell, "-c", script]}
    if args.env:
        container["env"] = [dict(e) for e in args.env]
    if args.env_from:
        container["env_from"] = [dict(e) for e in args.env_from]
    if args.resources is not None:
        container["resources"] = dict(args.resources)
    return OneOffJobArgs(
        namespace=args.namespace,
        containers=[container],
        restart_policy=args.restart_policy,
        backoff_limit=args.backoff_limit,
        annotations={} if args.wait_for_completion else {SKIP_AWAIT: "true"},
        # Empty pod template metadata, as the live Jobs were created with.
        pod_metadata={},
        moved_from=args.moved_from,
    )


class PostgresInitJob(pulumi.ComponentResource):
    """Job ``name`` (child ``<name>-job``). Output ``job_name``."""

    job_name: pulumi.Output[str]
    """The Job's object name (== the component name)."""

    def __init__(self, name: str, args: PostgresInitJobArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        if not isinstance(args, PostgresInitJobArgs):
            raise ArgumentError(_COMPONENT, "args", f"must be PostgresInitJobArgs, got {type(args).__name__}")
        super().__init__("homelab:k8s:PostgresInitJob", name, None, opts)
        spec = job_args(args)
        timeouts = pulumi.CustomTimeouts(create=args.create_timeout) if args.create_timeout else None
        job = k8s.batch.v1.Job(
            f"{name}-job",
            metadata=object_metadata(name, spec),
            spec=job_spec(spec),
            opts=child_options(self, args.moved_from, "job", ignore_changes=job_ignore_changes(),
                               custom_timeouts=timeouts),
        )
        self.job_name = job.metadata["name"]
        self.register_outputs({"job_name": self.job_name})
