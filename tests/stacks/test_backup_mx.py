"""backup-mx: what a mail outage (or a surprise VM rebuild) would be about — the instance's
ignore rules, the SMTP/ACME/status ports, the reserved address, and the cloud-init render."""

import importlib.util
from pathlib import Path

import pytest

STACK_DIR = Path(__file__).resolve().parents[2] / "stacks" / "backup-mx"
_spec = importlib.util.spec_from_file_location("backup_mx_cloud_init", STACK_DIR / "cloud_init.py")
cloud_init = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cloud_init)


@pytest.fixture(scope="module")
def stack(synth_stack):
    return synth_stack("backup-mx")


def _one(stack, token):
    [resource] = stack.of_type(token)
    return resource


def test_instance_never_replaced_by_a_new_image_or_cloud_init(stack):
    instance = _one(stack, "oci:Core/instance:Instance")
    assert set(instance["options"]["ignoreChanges"]) == {"sourceDetails", "metadata"}
    inputs = instance["inputs"]
    assert inputs["displayName"] == "mx2" and inputs["shape"] == "VM.Standard.E2.1.Micro"
    assert inputs["sourceDetails"]["sourceType"] == "image"
    vnic = inputs["createVnicDetails"]
    assert vnic["hostnameLabel"] == "mx2" and vnic["assignPublicIp"] == "false"
    assert vnic["subnetId"] == "backup-mx-id"
    assert set(inputs["metadata"]) == {"ssh_authorized_keys", "user_data"}


def test_security_list_opens_exactly_upstreams_ports(stack):
    rules = _one(stack, "oci:Core/securityList:SecurityList")["inputs"]
    assert rules["displayName"] == "backup-mx-mail"
    opened = []
    for rule in rules["ingressSecurityRules"]:
        options = rule.get("tcpOptions") or rule.get("udpOptions")
        assert options["min"] == options["max"]
        opened.append((rule["protocol"], rule["source"], options["min"]))
    wan = "176.12.22.76/32"
    assert opened == [
        ("6", "0.0.0.0/0", 25), ("6", "0.0.0.0/0", 80), ("6", "0.0.0.0/0", 443),
        ("6", wan, 9100), ("6", wan, 22),
        ("6", "0.0.0.0/0", 8443), ("6", "0.0.0.0/0", 8388), ("17", "0.0.0.0/0", 8388), ("17", "0.0.0.0/0", 53),
    ]
    assert rules["egressSecurityRules"] == [{"protocol": "all", "destination": "0.0.0.0/0"}]


def test_network_and_reserved_address(stack):
    vcn = _one(stack, "oci:Core/vcn:Vcn")["inputs"]
    assert vcn["cidrBlocks"] == ["10.99.0.0/24"] and vcn["dnsLabel"] == "backupmx" and vcn["displayName"] == "backup-mx"
    subnet = _one(stack, "oci:Core/subnet:Subnet")["inputs"]
    assert subnet["cidrBlock"] == "10.99.0.0/24" and subnet["dnsLabel"] == "mx"
    assert subnet["prohibitPublicIpOnVnic"] is False and subnet["securityListIds"] == ["backup-mx-mail-id"]
    routes = _one(stack, "oci:Core/defaultRouteTable:DefaultRouteTable")["inputs"]
    assert routes["routeRules"] == [{"destination": "0.0.0.0/0", "networkEntityId": "backup-mx-igw-id"}]
    public_ip = _one(stack, "oci:Core/publicIp:PublicIp")["inputs"]
    assert public_ip["lifetime"] == "RESERVED" and public_ip["displayName"] == "mx2-reserved"
    provider = _one(stack, "pulumi:providers:oci")["inputs"]
    assert provider["region"] == "eu-frankfurt-1"


def test_offline_lookups_are_marked_placeholders(stack):
    instance = _one(stack, "oci:Core/instance:Instance")["inputs"]
    assert instance["availabilityDomain"].startswith("PLACEHOLDER: lookup OCI")
    assert instance["sourceDetails"]["sourceId"].startswith("PLACEHOLDER: lookup OCI")
    assert _one(stack, "oci:Core/publicIp:PublicIp")["inputs"]["privateIpId"].startswith("PLACEHOLDER: lookup OCI")


@pytest.mark.parametrize(("url", "line"), [("https://hooks.example/x", "slack: https://hooks.example/x"), ("", "quiet")])
def test_template_render_follows_terraform(url, line):
    template = 'a\n%{ if url != "" }slack: ${url}%{ else }quiet%{ endif }\nb $${x} %%{y}\n'
    assert cloud_init.render(template, {"url": url}) == f"a\n{line}\nb ${{x}} %{{y}}\n"


@pytest.mark.parametrize("template", ["${upper(a)}", "%{ for x in a }%{ endfor }", "%{ if a }", "${missing}"])
def test_template_refuses_what_it_does_not_implement(template):
    with pytest.raises(cloud_init.TemplateError):
        cloud_init.render(template, {"a": "1"})
