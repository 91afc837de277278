"""backup-mx: mx2, the backup MX relay on an Oracle Cloud Always-Free VM.

Not Kubernetes: one VCN with its internet gateway, default route table, security list and
subnet, the E2.1.Micro instance and a reserved public IP on its primary private IP. The VM
is rebuilt from cloud-init on purpose only (README.md); day to day nothing may replace it.
"""

import base64
from pathlib import Path

import pulumi
import pulumi_oci as oci

import cloud_init
from components.payload import PLACEHOLDER_MARKER, load_payload
from components.secret_inputs import preview_config, vault_field
from components.settings import ClusterSettings

HERE = Path(__file__).parent
settings = ClusterSettings.load()
config = pulumi.Config()

REGION = "eu-frankfurt-1"
SHAPE = "VM.Standard.E2.1.Micro"
VCN_CIDR = "10.99.0.0/24"  # clear of the home VLANs (10.0.x), pods, services and the tailnet
# Always-Free E2.1.Micro capacity exists only in the tenancy's third availability domain.
AD_INDEX = 2

# The tenancy is the compartment of every object; plain config (an OCID identifies, it does
# not authenticate) so the import plan can match objects by compartment and display name.
tenancy = preview_config(config, "tenancyOcid")
wan_ip = settings.dns.public_ip

provider = oci.Provider(
    "oci",
    tenancy_ocid=tenancy,
    user_ocid=vault_field("viktor", "oci_user_ocid"),
    fingerprint=vault_field("viktor", "oci_api_key_fingerprint"),
    private_key=vault_field("viktor", "oci_api_private_key"),
    region=REGION,
)
on_oci = pulumi.ResourceOptions(provider=provider)
lookup = pulumi.InvokeOutputOptions(provider=provider)


def nth(items, index: int, attr: str, what: str) -> str:
    """``items[index].<attr>`` of an OCI lookup; a marked placeholder in a preview that got
    no answer (the offline synth answers every lookup with nothing)."""
    if items and len(items) > index:
        item = items[index]
        return item[attr] if isinstance(item, dict) else getattr(item, attr)
    if pulumi.runtime.is_dry_run():
        return f"{PLACEHOLDER_MARKER}: lookup OCI {what}"
    raise LookupError(f"OCI lookup {what} returned {len(items or [])} result(s), needed index {index}")


# --- lookups ----------------------------------------------------------------------------
availability_domain = oci.identity.get_availability_domains_output(
    compartment_id=tenancy, opts=lookup,
).availability_domains.apply(lambda ads: nth(ads, AD_INDEX, "name", "availability domains"))

# The newest Ubuntu 24.04 build for the shape; the instance ignores it after creation.
newest_ubuntu = oci.core.get_images_output(
    compartment_id=tenancy,
    operating_system="Canonical Ubuntu",
    operating_system_version="24.04",
    shape=SHAPE,
    sort_by="TIMECREATED",
    sort_order="DESC",
    opts=lookup,
).images.apply(lambda images: nth(images, 0, "id", "Ubuntu 24.04 images"))

# --- network ----------------------------------------------------------------------------
vcn = oci.core.Vcn(
    "backup-mx",
    compartment_id=tenancy,
    cidr_blocks=[VCN_CIDR],
    display_name="backup-mx",
    dns_label="backupmx",
    opts=on_oci,
)

gateway = oci.core.InternetGateway(
    "backup-mx-igw",
    compartment_id=tenancy,
    vcn_id=vcn.id,
    display_name="backup-mx-igw",
    opts=on_oci,
)

oci.core.DefaultRouteTable(
    "backup-mx-routes",
    manage_default_resource_id=vcn.default_route_table_id,
    route_rules=[{"destination": "0.0.0.0/0", "network_entity_id": gateway.id}],
    opts=on_oci,
)

ANYWHERE = "0.0.0.0/0"
TCP, UDP = "6", "17"
# (protocol, source, port), in upstream's order; the same ports the VM's own iptables opens.
# SSH and node-exporter only from the homelab WAN address; no other SSH from the internet.
INGRESS = [
    (TCP, ANYWHERE, 25),        # SMTP, the service
    (TCP, ANYWHERE, 80),        # ACME HTTP-01 (no published validator IPs) and the https redirect
    (TCP, ANYWHERE, 443),       # status page, failover error page, /myip
    (TCP, f"{wan_ip}/32", 9100),  # node-exporter for the homelab Prometheus
    (TCP, f"{wan_ip}/32", 22),    # break-glass SSH
    (TCP, ANYWHERE, 8443),      # VLESS-REALITY
    (TCP, ANYWHERE, 8388),      # Shadowsocks
    (UDP, ANYWHERE, 8388),      # Shadowsocks
    (UDP, ANYWHERE, 53),        # dnstt DNS tunnel
]


def ingress_rule(protocol: str, source: str, port: int) -> dict:
    options = "tcp_options" if protocol == TCP else "udp_options"
    return {"protocol": protocol, "source": source, options: {"min": port, "max": port}}


security_list = oci.core.SecurityList(
    "backup-mx-mail",
    compartment_id=tenancy,
    vcn_id=vcn.id,
    display_name="backup-mx-mail",
    ingress_security_rules=[ingress_rule(*rule) for rule in INGRESS],
    egress_security_rules=[{"protocol": "all", "destination": ANYWHERE}],
    opts=on_oci,
)

subnet = oci.core.Subnet(
    "backup-mx",
    compartment_id=tenancy,
    vcn_id=vcn.id,
    cidr_block=VCN_CIDR,
    display_name="backup-mx",
    dns_label="mx",
    route_table_id=vcn.default_route_table_id,
    security_list_ids=[security_list.id],
    prohibit_public_ip_on_vnic=False,
    opts=on_oci,
)

# --- the VM -----------------------------------------------------------------------------
ssh_public_key = vault_field("viktor", "backup_mx_ssh_public_key")
template_variables = {
    "ssh_public_key": ssh_public_key,
    "headscale_preauth": vault_field("viktor", "backup_mx_headscale_preauth"),
    "homelab_wan_ip": wan_ip,
    "wg_private_key": vault_field("viktor", "backup_mx_wg_private_key"),
    # Absent key: gatus renders without alerting rather than failing the run.
    "alertmanager_slack_api_url": vault_field("platform", "alertmanager_slack_api_url", default=""),
    "oci_xray_uuid": vault_field("viktor", "oci_xray_uuid"),
    "oci_xray_ss_password": vault_field("viktor", "oci_xray_ss_password"),
    "oci_reality_privkey": vault_field("viktor", "oci_reality_privkey"),
    "oci_reality_shortid": vault_field("viktor", "oci_reality_shortid"),
    "dnstt_privkey": vault_field("viktor", "dnstt_server_privkey"),
}
template = load_payload(HERE, "cloud-init.yaml.tftpl")
user_data = pulumi.Output.all(**template_variables).apply(
    lambda values: base64.b64encode(cloud_init.render(template, values).encode("utf-8")).decode("ascii"))

instance = oci.core.Instance(
    "mx2",
    availability_domain=availability_domain,
    compartment_id=tenancy,
    display_name="mx2",
    shape=SHAPE,
    source_details={"source_type": "image", "source_id": newest_ubuntu},
    # No ephemeral address: the reserved IP below is what pfSense, the primary MX and
    # Prometheus know, and it survives a stop/start.
    create_vnic_details={"subnet_id": subnet.id, "hostname_label": "mx2", "assign_public_ip": "false"},
    metadata={"ssh_authorized_keys": ssh_public_key, "user_data": user_data},
    # A new Ubuntu build or a changed cloud-init must never replace the VM (the preauth key
    # is single-use, cloud-init runs on first boot only); a rebuild is deliberate (README).
    opts=pulumi.ResourceOptions.merge(on_oci, pulumi.ResourceOptions(ignore_changes=["sourceDetails", "metadata"])),
)

vnic_id = oci.core.get_vnic_attachments_output(
    compartment_id=tenancy, instance_id=instance.id, opts=lookup,
).vnic_attachments.apply(lambda attachments: nth(attachments, 0, "vnic_id", "mx2 VNIC attachments"))

private_ip_id = oci.core.get_private_ips_output(vnic_id=vnic_id, opts=lookup).private_ips.apply(
    lambda ips: nth(ips, 0, "id", "mx2 private IPs"))

public_ip = oci.core.PublicIp(
    "mx2-reserved",
    compartment_id=tenancy,
    lifetime="RESERVED",
    display_name="mx2-reserved",
    private_ip_id=private_ip_id,
    opts=on_oci,
)

pulumi.export("mx2_public_ip", public_ip.ip_address)
pulumi.export("mx2_availability_domain", availability_domain)
