"""Status page: parked. The pusher CronJob is off upstream; its template and account stay live."""

from pathlib import Path

import pulumi

from components import constants as c
from components.namespace import Namespace, NamespaceArgs
from components.payload_config_map import PayloadConfigMap, PayloadConfigMapArgs
from components.workload_rbac import Rule, WorkloadRbac, WorkloadRbacArgs

HERE = Path(__file__).parent
NS = "status-page"

namespace = Namespace(NS, NamespaceArgs(tier=c.TIER_AUX))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])

# The page and the GitHub Pages CNAME the pusher copied into the published repository.
template = PayloadConfigMap("status-page-template", PayloadConfigMapArgs(
    namespace=NS, stack_dir=HERE, files={"index.html": "index.html", "CNAME": "CNAME"}), opts=ns_opts)

# The pusher lists every ingress to map monitors to services; kept so it can be revived.
rbac = WorkloadRbac("status-page-pusher", WorkloadRbacArgs(
    namespace=NS, role_kind="ClusterRole", role_name="status-page-ingress-reader",
    rules=[Rule(api_groups=["networking.k8s.io"], resources=["ingresses"], verbs=["list"])],
), opts=ns_opts)

pulumi.export("namespace", NS)
pulumi.export("service_account", rbac.service_account_name)
