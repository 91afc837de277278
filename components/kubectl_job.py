"""KubectlJob: a ScheduledJob or OneOffJob that drives the Kubernetes API with kubectl.

Upstream's pattern for in-cluster automation (scale a Deployment in a window, exec into a
pod, patch a node): a ServiceAccount with exactly the rules the script needs, and a job
running a kubectl image as that account, with no kubeconfig. This preset wires the two
together — the job runs as the WorkloadRbac's account — and holds the fleet to one pinned
kubectl image (``constants.KUBECTL_IMAGE``) instead of upstream's ``bitnami/kubectl:latest``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from components import constants as c
from components.errors import ArgumentError, require_dns_label
from components.scheduled_job import OneOffJob, OneOffJobArgs, ScheduledJob, ScheduledJobArgs
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

_COMPONENT = "KubectlJob"


def _repository(image: str) -> str:
    """``registry/repo`` of an image reference, without tag or digest."""
    image = image.split("@", 1)[0]
    head, _, last = image.rpartition("/")
    return f"{head}/{last.split(':', 1)[0]}" if head else last.split(":", 1)[0]


@dataclass(frozen=True, kw_only=True)
class KubectlJobArgs:
    """Inputs of :class:`KubectlJob`."""

    job: ScheduledJobArgs | OneOffJobArgs
    """The job (ScheduledJobArgs: a CronJob; OneOffJobArgs: a Job). Its kubectl container
    uses ``image=constants.KUBECTL_IMAGE``; ``service_account_name`` stays unset."""
    rules: Sequence[Rule]
    """What the script may do (see WorkloadRbac)."""
    role_kind: str = "Role"
    """`Role` (in the job's namespace) or `ClusterRole`."""
    rbac_labels: Mapping[str, str] = field(default_factory=dict)
    """Labels on the ServiceAccount, role and binding."""
    rbac_moved_from: Mapping[str, str] = field(default_factory=dict)
    """WorkloadRbac's ``moved_from`` (the job's own is ``job.moved_from``)."""

    def __post_init__(self) -> None:
        if not isinstance(self.job, OneOffJobArgs):
            raise ArgumentError(_COMPONENT, "job", f"must be ScheduledJobArgs or OneOffJobArgs, got {type(self.job).__name__}")
        if self.job.service_account_name is not None:
            raise ArgumentError(_COMPONENT, "job.service_account_name",
                                "must be unset: the job runs as the account KubectlJob creates")
        images = [(f"job.{key}[{i}]", str(x["image"])) for key in ("containers", "init_containers")
                  for i, x in enumerate(getattr(self.job, key))]
        for where, image in images:
            if _repository(image) in c.KUBECTL_REPOSITORIES and image != c.KUBECTL_IMAGE:
                raise ArgumentError(_COMPONENT, f"{where}.image",
                                    f"is {image!r}; kubectl jobs run the pinned constants.KUBECTL_IMAGE ({c.KUBECTL_IMAGE!r})")
        if not any(image == c.KUBECTL_IMAGE for _, image in images):
            raise ArgumentError(_COMPONENT, "job.containers",
                                f"has no container running constants.KUBECTL_IMAGE ({c.KUBECTL_IMAGE!r})")
        # The RBAC half validates itself; building it here reports bad rules before anything registers.
        self.rbac_args()

    def rbac_args(self) -> WorkloadRbacArgs:
        return WorkloadRbacArgs(namespace=self.job.namespace, rules=self.rules, role_kind=self.role_kind,
                                labels=self.rbac_labels, moved_from=self.rbac_moved_from)


class KubectlJob(pulumi.ComponentResource):
    """WorkloadRbac ``name`` + ScheduledJob/OneOffJob ``name`` running as its account.

    Outputs ``service_account_name`` and ``job_name`` (the CronJob's or the Job's name).
    """

    service_account_name: pulumi.Output[str]
    job_name: pulumi.Output[str]

    def __init__(self, name: str, args: KubectlJobArgs, opts: pulumi.ResourceOptions | None = None):
        require_dns_label(_COMPONENT, "name", name)
        super().__init__("homelab:k8s:KubectlJob", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        rbac = WorkloadRbac(name, args.rbac_args(), opts=child)
        job_args = dataclasses.replace(args.job, service_account_name=rbac.service_account_name)
        if isinstance(job_args, ScheduledJobArgs):
            self.job_name = ScheduledJob(name, job_args, opts=child).cronjob_name
        else:
            self.job_name = OneOffJob(name, job_args, opts=child).job_name
        self.service_account_name = rbac.service_account_name
        self.register_outputs({"service_account_name": self.service_account_name, "job_name": self.job_name})
