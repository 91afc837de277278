"""Infra (Tier 0): the Proxmox cloud-init templates new VMs are cloned from — the Kubernetes
node template, the plain Ubuntu template and the docker-registry template — with the Ubuntu
cloud images their boot disks come from and the cloud-config snippets their clones boot with.

The running VMs (k8s-master, k8s-node1-4, docker-registry, devvm, ...) are not managed
here, as upstream: their lifecycle stays in the Proxmox UI (see README.md).
"""

from pathlib import Path

import pulumi
import pulumi_proxmoxve as proxmox

from components.payload import load_payload, tls_material
from components.proxmox_template import ProxmoxTemplate, ProxmoxTemplateArgs
from components.secret_inputs import preview_config, secret_config, vault_field
from infra_cloud_init import cloud_config
from infra_registry import provision_commands

HERE = Path(__file__).resolve().parent
config = pulumi.Config()
NODE = config.get("proxmoxNode") or "pve"
CLOUD_IMAGE_URL = "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img"
# A public key baked into the docker-registry snippet (the devvm's), as upstream.
DEVVM_PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDHLhYDfyx237eJgOGVoJRECpUS95+7rEBS9vacsIxtx devvm"

# --- provider: API token and SSH key from Vault, as upstream's provider block read them -------
proxmox_host = preview_config(config, "proxmoxHost")
provider = proxmox.Provider(
    "proxmox",
    endpoint=preview_config(config, "proxmoxEndpoint"),
    api_token=pulumi.Output.format("{0}={1}", vault_field("viktor", "proxmox_pm_api_token_id"),
                                   vault_field("viktor", "proxmox_pm_api_token_secret")),
    insecure=True,
    # Snippets are written over SSH (the API cannot upload them).
    ssh={"username": "root", "private_key": vault_field("infra", "ssh_private_key"),
         "nodes": [{"name": NODE, "address": proxmox_host}]},
)
on_proxmox = pulumi.ResourceOptions(provider=provider)

# --- cloud images (downloaded once; never replaced when Ubuntu republishes) --------------------
def cloud_image(name: str, file_name: str) -> proxmox.download.FileLegacy:
    return proxmox.download.FileLegacy(
        name,
        node_name=NODE,
        datastore_id="local",
        content_type="iso",
        url=CLOUD_IMAGE_URL,
        file_name=file_name,
        overwrite=False,
        opts=on_proxmox,
    )


k8s_image = cloud_image("k8s-cloud-image", "noble-server-cloudimg-amd64-k8s.img")
plain_image = cloud_image("non-k8s-cloud-image", "noble-server-cloudimg-amd64-non-k8s.img")

# --- secrets the snippets embed ------------------------------------------------------------
wizard_password = vault_field("infra", "vm_wizard_password")
# The plain templates take the key from stack config (upstream's deprecated variable); the
# k8s template prefers Vault so a node is never provisioned without one.
config_public_key = config.get("sshPublicKey") or ""
k8s_public_key = vault_field("viktor", "ssh_public_key", default=config_public_key)
join_command = secret_config(config, "k8sJoinCommand")
setup_script = load_payload(HERE, "k8s-node-containerd-setup.sh")
post_join_script = load_payload(HERE, "k8s-node-post-join-tune.sh")
tls_chain, tls_key = tls_material()

# --- templates ------------------------------------------------------------------------------
def template(name: str, *, vm_id: int, template_name: str, image, snippet_name: str, snippet) -> ProxmoxTemplate:
    return ProxmoxTemplate(name, ProxmoxTemplateArgs(
        node_name=NODE, vm_id=vm_id, template_name=template_name, image_file_id=image.id,
        snippet_name=snippet_name, snippet=pulumi.Output.secret(snippet),
    ), opts=on_proxmox)


k8s_template = template(
    "k8s-node-template", vm_id=2000, template_name="ubuntu-2404-cloudinit-k8s-template",
    image=k8s_image, snippet_name="k8s_cloud_init.yaml",
    snippet=pulumi.Output.all(k8s_public_key, wizard_password, join_command).apply(
        lambda v: cloud_config(k8s=True, ssh_public_key=v[0], passwd=v[1], join_command=v[2],
                               setup_script=setup_script, post_join_script=post_join_script)),
)
plain_template = template(
    "non-k8s-node-template", vm_id=1000, template_name="ubuntu-2404-cloudinit-non-k8s-template",
    image=plain_image, snippet_name="non_k8s_cloud_init.yaml",
    snippet=wizard_password.apply(lambda pw: cloud_config(k8s=False, ssh_public_key=config_public_key, passwd=pw)),
)
registry_template = template(
    "docker-registry-template", vm_id=1001, template_name="docker-registry-template",
    image=plain_image, snippet_name="docker-registry.yaml",
    snippet=pulumi.Output.all(
        wizard_password, vault_field("viktor", "registry_user"), vault_field("viktor", "registry_password"),
        vault_field("infra", "dockerhub_registry_password"), tls_chain, tls_key,
    ).apply(lambda v: cloud_config(
        k8s=False, ssh_public_key=DEVVM_PUBLIC_KEY, passwd=v[0],
        provision_cmds=provision_commands(
            load=lambda rel: load_payload(HERE, f"docker-registry/{rel}"),
            registry_user=v[1], registry_password=v[2], dockerhub_password=v[3], tls_chain=v[4], tls_key=v[5]),
    )),
)

pulumi.export("templates", {t: o.vm_id for t, o in (
    ("k8s-node", k8s_template), ("non-k8s-node", plain_template), ("docker-registry", registry_template))})
pulumi.export("k8s_snippet", k8s_template.snippet_file_id)
