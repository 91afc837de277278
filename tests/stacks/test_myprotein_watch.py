"""myprotein-watch: the alerting run may write only its state ConfigMap; the heartbeat may not."""

NS = "myprotein-watch"


def _pod(stack, name):
    return stack.k8s("CronJob", name, NS)["inputs"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def _env(container):
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}


def test_state_config_map_is_created_empty_and_then_left_to_the_job(synth_stack):
    state = synth_stack(NS).k8s("ConfigMap", "myprotein-watch-state", NS)
    assert state["inputs"]["data"] == {"state.json": "{}"}
    assert state["options"]["ignoreChanges"] == ["data"]


def test_only_the_alerting_run_may_patch_the_state(synth_stack):
    stack = synth_stack(NS)
    role = stack.k8s("Role", "myprotein-watch-state-writer", NS)["inputs"]
    assert role["rules"] == [{"apiGroups": [""], "resources": ["configmaps"],
                              "resourceNames": ["myprotein-watch-state"], "verbs": ["get", "patch"]}]
    binding = stack.k8s("RoleBinding", "myprotein-watch-state-writer", NS)["inputs"]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "myprotein-watch", "namespace": NS}]
    assert _pod(stack, "myprotein-watch")["serviceAccountName"] == "myprotein-watch"
    assert "serviceAccountName" not in _pod(stack, "myprotein-watch-digest")


def test_schedules_are_london_time_bounded_and_non_overlapping(synth_stack):
    stack = synth_stack(NS)
    for name, schedule in (("myprotein-watch", "23 */6 * * *"), ("myprotein-watch-digest", "0 8 * * *")):
        spec = stack.k8s("CronJob", name, NS)["inputs"]["spec"]
        assert (spec["schedule"], spec["timeZone"], spec["concurrencyPolicy"]) == (schedule, "Europe/London", "Forbid"), name
        job = spec["jobTemplate"]["spec"]
        assert (job["backoffLimit"], job["activeDeadlineSeconds"], job["ttlSecondsAfterFinished"]) == (2, 300, 86400), name
        pod = job["template"]["spec"]
        assert pod["restartPolicy"] == "OnFailure" and pod["dnsConfig"] == {"options": [{"name": "ndots", "value": "2"}]}


def test_both_runs_quote_the_same_threshold(synth_stack):
    stack = synth_stack(NS)
    check = _pod(stack, "myprotein-watch")["containers"][0]
    digest = _pod(stack, "myprotein-watch-digest")["containers"][0]
    assert check["image"] == digest["image"] == "docker.io/library/python:3.12-alpine"
    assert _env(check) == {
        "SLACK_WEBHOOK_URL": {"secretKeyRef": {"name": NS, "key": "SLACK_WEBHOOK_URL"}},
        "STATE_BACKEND": "configmap", "STATE_TARGET": "myprotein-watch-state",
        "THRESHOLD_PER_KG_PROTEIN": "28", "DEEP_DISCOUNT_PCT": "40", "NEW_LOW_MARGIN": "0.01", "WATCH_FLAVOURS": "",
    }
    assert _env(digest) == {
        "SLACK_WEBHOOK_URL": {"secretKeyRef": {"name": NS, "key": "SLACK_WEBHOOK_URL"}},
        "DIGEST": "true", "THRESHOLD_PER_KG_PROTEIN": "28", "WATCH_FLAVOURS": "",
    }


def test_slack_hook_is_alertmanagers(synth_stack):
    spec = synth_stack(NS).k8s("ExternalSecret", NS, NS)["inputs"]["spec"]
    assert spec["refreshInterval"] == "1h"
    assert spec["data"] == [{"secretKey": "SLACK_WEBHOOK_URL",
                             "remoteRef": {"key": "platform", "property": "alertmanager_slack_api_url"}}]
