"""valia-sites: the objects an outage would be about."""

import json

import pytest

SITES = ("bridge", "stem95su")


@pytest.mark.parametrize("site", SITES)
def test_each_site_has_project_domain_and_record(synth_stack, site):
    stack = synth_stack("valia-sites")
    [project] = [r for r in stack.of_type("cloudflare:index/pagesProject:PagesProject") if r["inputs"]["name"] == site]
    assert project["inputs"]["accountId"] == "02e035473cfc4834fb10c5d35470d8b4"
    assert project["inputs"]["productionBranch"] == "main"
    [domain] = [r for r in stack.of_type("cloudflare:index/pagesDomain:PagesDomain")
                if r["inputs"]["name"] == f"{site}.viktorbarzin.me"]
    assert domain["inputs"]["projectName"] == site
    [record] = [r for r in stack.of_type("cloudflare:index/dnsRecord:DnsRecord")
                if r["inputs"]["name"] == f"{site}.viktorbarzin.me"]
    assert (record["inputs"]["type"], record["inputs"]["proxied"], record["inputs"]["ttl"]) == ("CNAME", True, 1)


def test_internal_dns_feed_lives_in_technitium(synth_stack):
    cm = synth_stack("valia-sites").k8s("ConfigMap", "valia-sites-dns", "technitium")["inputs"]
    assert cm["metadata"]["labels"] == {"app.kubernetes.io/managed-by": "valia-sites"}


def test_sync_cronjob_and_its_narrow_role(synth_stack):
    stack = synth_stack("valia-sites")
    cron = stack.k8s("CronJob", "valia-sites-sync", "valia-sites")["inputs"]
    spec = cron["spec"]
    assert spec["schedule"] == "*/10 * * * *"
    assert spec["concurrencyPolicy"] == "Forbid"
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (2, 3)
    job = spec["jobTemplate"]["spec"]
    assert (job["backoffLimit"], job["ttlSecondsAfterFinished"]) == (1, 86400)
    pod = job["template"]["spec"]
    assert pod["serviceAccountName"] == "valia-sites-sync"
    assert pod["restartPolicy"] == "OnFailure"
    role = stack.k8s("Role", "valia-sites-sync-state", "valia-sites")["inputs"]
    assert role["rules"] == [{"apiGroups": [""], "resources": ["configmaps"],
                              "resourceNames": ["valia-sites-state"], "verbs": ["get", "patch"]}]
    sites = json.loads(stack.k8s("ConfigMap", "valia-sites-config", "valia-sites")["inputs"]["data"]["sites.json"])
    assert sites["stem95su"] == {"entry_file": "stem_board.html", "folder_id": "1cmOI2jRyBJdnrVPgbr4kx2cx_4DY6pm_",
                                 "manage_dns": True, "src_path": "stem claude/files"}
