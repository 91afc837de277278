"""kured: when nodes may reboot (window, days, concurrency, alert gate), where, and the health gate."""

import os
import shutil
import subprocess
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

NS = "kured"
GATE = "kured-sentinel-gate"
SCRIPT = Path(__file__).resolve().parents[2] / "stacks" / "kured" / "files" / "sentinel-gate.sh"
CONTROL_PLANE = [
    {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"},
    {"key": "node-role.kubernetes.io/master", "effect": "NoSchedule"},
]
GPU = {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("kured")


@pytest.fixture(scope="module")
def release(stack):
    [release] = stack.of_type("kubernetes:helm.sh/v3:Release")
    return release["inputs"]


@pytest.fixture(scope="module")
def daemonset(stack):
    return stack.k8s("DaemonSet", GATE, NS)


def test_release_is_pinned(release):
    assert (release["name"], release["namespace"], release["chart"], release["version"]) == ("kured", NS, "kured", "5.11.0")
    assert release["repositoryOpts"]["repo"] == "https://kubereboot.github.io/charts/"


def test_reboots_one_node_at_a_time_inside_the_night_window(release):
    config = release["values"]["configuration"]
    assert {k: config[k] for k in ("period", "timeZone", "startTime", "endTime", "rebootDays", "concurrency",
                                   "rebootDelay", "drainTimeout")} == {
        "period": "1h0m0s", "timeZone": "Europe/London", "startTime": "02:00", "endTime": "06:00",
        "rebootDays": ["mo", "tu", "we", "th", "fr", "sa", "su"], "concurrency": 1,
        "rebootDelay": "30s", "drainTimeout": "30m",
    }
    values = release["values"]
    assert (values["reboot_days"], values["window_start"], values["window_end"]) == (
        "mon,tue,wed,thu,fri,sat,sun", "22:00", "06:00")


def test_any_firing_alert_outside_the_ignore_list_halts_reboots(release):
    config = release["values"]["configuration"]
    assert config["prometheusUrl"] == "http://prometheus-server.monitoring.svc.cluster.local:80"
    assert config["alertFilterRegexp"] == (
        "^(Watchdog|RebootRequired|KuredNodeWasNotDrained|InfoInhibitor|KernelOOMKiller)$")
    assert config["alertFiringOnly"] is True and config["alertFilterMatchOnly"] is False
    # The Slack URL comes from Vault and never appears in the program's output.
    assert config["notifyUrl"] == "[secret]"


def test_kured_waits_for_the_gates_sentinel(release, daemonset):
    sentinel = release["values"]["configuration"]["rebootSentinel"]
    assert sentinel == "/var/run/gated-reboot-required"
    pod = daemonset["inputs"]["spec"]["template"]["spec"]
    [volume] = pod["volumes"]
    assert volume == {"name": "var-run", "hostPath": {"path": "/var/run", "type": "Directory"}}
    [mount] = pod["containers"][0]["volumeMounts"]
    # The gate writes <mount>/gated-reboot-required, which is the sentinel on the host.
    assert mount == {"name": "var-run", "mountPath": "/host/var-run"}
    assert "/host/var-run/gated-reboot-required" in SCRIPT.read_text()


def test_kured_and_the_gate_run_on_every_node(release, daemonset):
    assert release["values"]["tolerations"] == [*CONTROL_PLANE, GPU]
    pod = daemonset["inputs"]["spec"]["template"]["spec"]
    assert pod["tolerations"] == [{**t, "operator": "Equal"} for t in CONTROL_PLANE] + [GPU]


def test_gate_daemonset(stack, daemonset):
    inputs = daemonset["inputs"]
    assert inputs["metadata"]["labels"] == {"app": GATE, "tier": "1-cluster"}
    assert inputs["spec"]["selector"] == {"matchLabels": {"app": GATE}}
    pod = inputs["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == GATE and pod["automountServiceAccountToken"] is True
    assert pod["enableServiceLinks"] is False
    assert pod["securityContext"] == {"runAsUser": 0}
    [container] = pod["containers"]
    assert (container["name"], container["image"], container["imagePullPolicy"]) == ("gate", "bitnami/kubectl:latest", "Always")
    assert container["command"][:2] == ["/bin/bash", "-c"]
    assert container["resources"] == {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "512Mi"}}
    ignored = daemonset["options"]["ignoreChanges"]
    assert "spec.template.spec.dnsConfig" in ignored and "spec.template.spec.containers[0].image" in ignored
    rules = stack.k8s("ClusterRole", GATE)["inputs"]["rules"]
    assert rules == [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["list"]},
                     {"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}]
    binding = stack.k8s("ClusterRoleBinding", GATE)["inputs"]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": GATE, "namespace": NS}]
    assert stack.k8s("ServiceAccount", GATE, NS)["inputs"]["automountServiceAccountToken"] is True


# ---- the gate script, run against a fake kubectl -------------------------------------------

def _iso(delta: timedelta) -> str:
    return (datetime.now(timezone.utc) - delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def _run_gate(tmp_path: Path, *, reboot_required: bool, nodes: str, calico: str, ready_since: list[str],
              gate_open_before: bool = False) -> tuple[bool, str]:
    """One run of the gate (it exits after its round cap; `sleep` is a no-op). Returns
    (gate open afterwards, output)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "nodes").write_text(nodes)
    (tmp_path / "calico").write_text(calico)
    (tmp_path / "ready").write_text("".join(f"{t}\n" for t in ready_since))
    (bin_dir / "kubectl").write_text(textwrap.dedent(f"""\
        #!/bin/bash
        case "$*" in
          "get nodes --no-headers") cat {tmp_path}/nodes ;;
          "get pods -n calico-system -l k8s-app=calico-node --no-headers") cat {tmp_path}/calico ;;
          "get nodes -o jsonpath="*) cat {tmp_path}/ready ;;
          *) echo "unexpected kubectl $*" >&2; exit 2 ;;
        esac
        """))
    (bin_dir / "sleep").write_text("#!/bin/sh\nexit 0\n")
    for tool in ("kubectl", "sleep"):
        (bin_dir / tool).chmod(0o755)
    needs, gate = tmp_path / "reboot-required", tmp_path / "gated-reboot-required"
    if reboot_required:
        needs.touch()
    if gate_open_before:
        gate.touch()
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "NEEDS_REBOOT": str(needs), "GATE": str(gate)}
    done = subprocess.run([shutil.which("bash"), "-c", SCRIPT.read_text()], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "unexpected kubectl" not in done.stderr
    return gate.exists(), done.stdout


HEALTHY_NODES = "k8s-master   Ready   control-plane   400d   v1.34.1\nk8s-node1   Ready   <none>   400d   v1.34.1\n"
CALICO_RUNNING = "calico-node-a   1/1   Running   0   9d\ncalico-node-b   1/1   Running   0   9d\n"
OLD = [_iso(timedelta(days=3)), _iso(timedelta(days=2))]

pytestmark_gate = pytest.mark.skipif(shutil.which("bash") is None or shutil.which("date") is None,
                                     reason="the gate script needs bash and date")


@pytestmark_gate
def test_gate_opens_when_a_reboot_is_pending_and_the_cluster_is_healthy(tmp_path):
    opened, out = _run_gate(tmp_path, reboot_required=True, nodes=HEALTHY_NODES, calico=CALICO_RUNNING, ready_since=OLD)
    assert opened, out
    # It leaves after twelve checks so kubelet starts a fresh container.
    assert out.count("Checking the reboot gate") == 12


@pytestmark_gate
@pytest.mark.parametrize("case", ["no-reboot-pending", "node-not-ready", "calico-not-running", "recent-reboot"])
def test_gate_stays_closed_and_closes_an_open_one(tmp_path, case):
    kwargs = {"reboot_required": True, "nodes": HEALTHY_NODES, "calico": CALICO_RUNNING, "ready_since": OLD}
    if case == "no-reboot-pending":
        kwargs["reboot_required"] = False
    elif case == "node-not-ready":
        kwargs["nodes"] = HEALTHY_NODES + "k8s-node2   NotReady   <none>   400d   v1.34.1\n"
    elif case == "calico-not-running":
        kwargs["calico"] = CALICO_RUNNING + "calico-node-c   0/1   CrashLoopBackOff   7   9d\n"
    else:
        kwargs["ready_since"] = [*OLD, _iso(timedelta(hours=3))]
    opened, out = _run_gate(tmp_path, gate_open_before=True, **kwargs)
    assert not opened, out
