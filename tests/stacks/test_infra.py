"""infra: the three Proxmox templates, their images and cloud-init snippets."""

import sys
from pathlib import Path

import pytest
import yaml

VM = "proxmoxve:index/vmLegacy:VmLegacy"
SNIPPET = "proxmoxve:index/fileLegacy:FileLegacy"
IMAGE = "proxmoxve:download/fileLegacy:FileLegacy"
INFRA = Path(__file__).resolve().parents[2] / "stacks" / "infra"


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("infra")


@pytest.fixture(scope="module")
def builders():
    sys.path.insert(0, str(INFRA))
    try:
        import infra_cloud_init
        import infra_registry
        yield infra_cloud_init, infra_registry
    finally:
        sys.path.remove(str(INFRA))


def by_name(stack, rtype):
    return {r["name"]: r for r in stack.of_type(rtype)}


@pytest.mark.parametrize("name, vm_id, vm_name, image", [
    ("k8s-node-template-vm", 2000, "ubuntu-2404-cloudinit-k8s-template", "k8s-cloud-image"),
    ("non-k8s-node-template-vm", 1000, "ubuntu-2404-cloudinit-non-k8s-template", "non-k8s-cloud-image"),
    ("docker-registry-template-vm", 1001, "docker-registry-template", "non-k8s-cloud-image"),
])
def test_templates_keep_their_ids_names_and_images(stack, name, vm_id, vm_name, image):
    vm = by_name(stack, VM)[name]["inputs"]
    assert (vm["nodeName"], vm["vmId"], vm["name"], vm["template"]) == ("pve", vm_id, vm_name, True)
    assert vm["disks"][0]["fileId"] == f"{image}-id"  # the download resource's id (mock)
    assert vm["memory"] == {"dedicated": 8192} and vm["cpu"]["cores"] == 8


def test_each_image_is_downloaded_once_and_never_replaced(stack):
    images = by_name(stack, IMAGE)
    assert {i["inputs"]["fileName"] for i in images.values()} == {
        "noble-server-cloudimg-amd64-k8s.img", "noble-server-cloudimg-amd64-non-k8s.img"}
    for image in images.values():
        assert image["inputs"]["overwrite"] is False and image["inputs"]["contentType"] == "iso"


def test_snippets_keep_their_file_names_and_stay_secret(stack):
    snippets = {s["inputs"]["sourceRaw"]["fileName"]: s for s in by_name(stack, SNIPPET).values()}
    assert set(snippets) == {"k8s_cloud_init.yaml", "non_k8s_cloud_init.yaml", "docker-registry.yaml"}
    assert all(s["inputs"]["sourceRaw"]["data"] == "[secret]" for s in snippets.values())


def test_provider_reads_credentials_as_secrets(stack):
    [provider] = stack.of_type("pulumi:providers:proxmoxve")
    assert provider["inputs"]["apiToken"] == "[secret]" and provider["inputs"]["ssh"] == "[secret]"


def test_k8s_cloud_config_joins_and_tunes_the_node(builders):
    cloud_init, _ = builders
    document = yaml.safe_load(cloud_init.cloud_config(k8s=True, ssh_public_key="ssh-ed25519 K", passwd="H",
                                                      join_command="kubeadm join X", setup_script="a", post_join_script="b"))
    runcmd = document["runcmd"]
    assert runcmd.index("swapoff -a") < runcmd.index("kubeadm join X") < runcmd.index(
        "bash /usr/local/bin/k8s-node-post-join-tune.sh")
    assert {"kubeadm", "kubelet", "open-iscsi"} <= set(document["packages"])
    assert document["apt"]["sources"]["kubernetes"]["source"] == "deb https://pkgs.k8s.io/core:/stable:/v1.34/deb/ /"
    assert document["users"][0]["ssh_authorized_keys"][0] == "ssh-ed25519 K"
    assert [f["path"] for f in document["write_files"]] == [
        "/usr/local/bin/k8s-node-containerd-setup.sh", "/usr/local/bin/k8s-node-post-join-tune.sh"]


def test_plain_cloud_config_has_no_kubernetes(builders):
    cloud_init, _ = builders
    document = yaml.safe_load(cloud_init.cloud_config(k8s=False, ssh_public_key="", passwd="H"))
    assert "kubernetes" not in document["apt"]["sources"] and "write_files" not in document
    assert "kubeadm" not in document["packages"] and len(document["runcmd"]) == 5


def test_registry_commands_write_every_config_and_schedule_gc(builders):
    _, registry = builders
    commands = registry.provision_commands(load=lambda rel: f"<{rel}>", registry_user="u", registry_password="p",
                                           dockerhub_password="d", tls_chain="c", tls_key="k")
    targets = [c.split(" > ")[1].split(" ")[0] for c in commands if c.startswith("echo ")]
    assert targets == ["/opt/registry/docker-compose.yml", "/opt/registry/nginx.conf", "/opt/registry/tls/fullchain.pem",
                       "/opt/registry/tls/privkey.pem", "/opt/registry/config-dockerhub.yml", "/opt/registry/config-ghcr.yml",
                       "/opt/registry/config-quay.yml", "/opt/registry/config-k8s.yml", "/opt/registry/config-kyverno.yml",
                       "/opt/registry/config-private.yml", "/opt/registry/cleanup-tags.sh", "/opt/registry/fix-broken-blobs.sh",
                       "/etc/systemd/system/docker-compose-registry.service"]
    gc = [c for c in commands if "garbage-collect" in c]
    assert [c.split("echo '")[1].split(" /usr")[0] for c in gc] == [f"{m} 3 * * 0" for m in (0, 5, 10, 15, 20, 25)]
    assert "htpasswd -Bbn u p > /opt/registry/htpasswd" in commands
