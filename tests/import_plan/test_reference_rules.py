"""Identity rules for the types the remaining fleet uses: Cloudflare zone settings,
Turnstile and Pages, the OCI objects of backup-mx, `kubernetes_labels`, and Authentik
bindings, whose identity is made of other objects' ids."""

from __future__ import annotations

from handmade import Case, meta, pu, tf

ZONE = "0" * 31 + "1"
ACCOUNT = "a" * 32
COMPARTMENT = "ocid1.tenancy.oc1..fake"


def _ids(plan) -> dict[str, str]:
    return {m.pulumi.name: m.import_id for m in plan.matches}


def test_zone_settings_override_becomes_one_zone_setting_per_setting(case: Case, capsys) -> None:
    case.terraform = [tf("cloudflare_zone_settings_override", "zone", {
        "id": ZONE, "zone_id": ZONE,
        "settings": [{"http3": "on", "min_tls_version": "1.2", "always_use_https": "on", "brotli": "on"}]})]
    case.pulumi = [
        pu("cloudflare:index/zoneSetting:ZoneSetting", "http3", {"zoneId": ZONE, "settingId": "http3", "value": "on"}),
        pu("cloudflare:index/zoneSetting:ZoneSetting", "tls", {"zoneId": ZONE, "settingId": "min_tls_version",
                                                              "value": "1.3"}),
    ]
    code, out, _ = case.run(capsys)
    assert code == 0
    report = case.report()
    assert {m["urn"].rsplit("::", 1)[1]: m["id"] for m in report["matched"]} == {
        "http3": f"{ZONE}/http3", "tls": f"{ZONE}/min_tls_version"}
    assert report["summary"]["matched"] == 1  # one Terraform object
    assert 'UPDATE: value: terraform="1.2" pulumi="1.3"' in out
    assert [e["id"] for e in case.import_file()["resources"]] == [f"{ZONE}/http3", f"{ZONE}/min_tls_version"]


def test_zone_settings_override_without_any_zone_setting_is_an_orphan(case: Case) -> None:
    case.terraform = [tf("cloudflare_zone_settings_override", "zone", {"id": ZONE, "zone_id": ZONE, "settings": [{}]}),
                      tf("cloudflare_bot_management", "bots", {"id": ZONE, "zone_id": ZONE})]
    case.pulumi = [pu("cloudflare:index/botManagement:BotManagement", "bots", {"zoneId": ZONE})]
    plan = case.plan()
    assert [(o.tf.address, o.reason) for o in plan.orphans] == [
        ("cloudflare_zone_settings_override.zone",
         f"no Pulumi cloudflare:index/zoneSetting:ZoneSetting for zone {ZONE}")]


def test_turnstile_and_pages(case: Case) -> None:
    case.terraform = [
        tf("cloudflare_turnstile_widget", "login", {"id": "0x4AAAAfake", "account_id": ACCOUNT, "name": "login",
                                                    "domains": ["example.org"], "mode": "managed"}),
        tf("cloudflare_pages_project", "blog", {"id": "p1", "account_id": ACCOUNT, "name": "blog"}),
        tf("cloudflare_pages_domain", "blog", {"id": "d1", "account_id": ACCOUNT, "project_name": "blog",
                                               "domain": "blog.example.org"}),
    ]
    case.pulumi = [
        pu("cloudflare:index/turnstileWidget:TurnstileWidget", "login-widget",
           {"accountId": ACCOUNT, "name": "login", "domains": ["example.org"], "mode": "managed"}),
        pu("cloudflare:index/pagesProject:PagesProject", "blog", {"accountId": ACCOUNT, "name": "blog"}),
        pu("cloudflare:index/pagesDomain:PagesDomain", "blog-domain",
           {"accountId": ACCOUNT, "projectName": "blog", "name": "blog.example.org"}),
    ]
    plan = case.plan()
    assert plan.ok() and plan.orphans == [] and plan.created == []
    assert _ids(plan) == {
        "login-widget": f"{ACCOUNT}/0x4AAAAfake",
        "blog": f"{ACCOUNT}/blog",
        "blog-domain": f"{ACCOUNT}/blog/blog.example.org",
    }


def test_oci_objects_of_backup_mx(case: Case) -> None:
    def oci(rtype: str, name: str, display: str, **extra):
        return tf(f"oci_core_{rtype}", name, {"id": f"ocid1.{rtype}.fake", "compartment_id": COMPARTMENT,
                                              "display_name": display, **extra})

    case.terraform = [
        oci("vcn", "backup_mx", "backup-mx", default_route_table_id="ocid1.routetable.fake"),
        oci("internet_gateway", "backup_mx", "backup-mx-igw"),
        oci("security_list", "backup_mx", "backup-mx-mail"),
        oci("subnet", "backup_mx", "backup-mx"),
        oci("instance", "mx2", "mx2"),
        oci("public_ip", "mx2", "mx2-reserved"),
        tf("oci_core_default_route_table", "backup_mx", {"id": "ocid1.routetable.fake",
                                                         "manage_default_resource_id": "ocid1.routetable.fake"}),
    ]
    tokens = {"vcn": "vcn:Vcn", "internet_gateway": "internetGateway:InternetGateway",
              "security_list": "securityList:SecurityList", "subnet": "subnet:Subnet",
              "instance": "instance:Instance", "public_ip": "publicIp:PublicIp"}
    displays = {"vcn": "backup-mx", "internet_gateway": "backup-mx-igw", "security_list": "backup-mx-mail",
                "subnet": "backup-mx", "instance": "mx2", "public_ip": "mx2-reserved"}
    case.pulumi = [pu(f"oci:Core/{tokens[k]}", k.replace("_", "-"),
                      {"compartmentId": COMPARTMENT, "displayName": displays[k]}) for k in tokens]
    # The VCN's default route table id is an output: unknown in the offline synth.
    case.pulumi.append(pu("oci:Core/defaultRouteTable:DefaultRouteTable", "routes",
                          {"manageDefaultResourceId": "[unknown]"}))
    plan = case.plan()
    assert plan.orphans == [] and plan.created == [] and plan.ok()
    assert _ids(plan)["vcn"] == "ocid1.vcn.fake"
    assert _ids(plan)["routes"] == "ocid1.routetable.fake"


def test_kubernetes_labels_match_a_patch_and_are_not_imported(case: Case, capsys) -> None:
    case.terraform = [
        tf("kubernetes_labels", "gateway", {"api_version": "v1", "kind": "Node", "metadata": [{"name": "k8s-node2"}],
                                            "labels": {"proxy.example/gateway": "true"}}, index="k8s-node2"),
        tf("kubernetes_labels", "sablier", {"api_version": "apps/v1", "kind": "Deployment",
                                            "metadata": [{"name": "postiz", "namespace": "postiz"}],
                                            "labels": {"sablier.enable": "true", "sablier.group": "postiz"}}),
    ]
    case.pulumi = [
        pu("kubernetes:core/v1:NodePatch", "gateway-k8s-node2",
           {"metadata": {"name": "k8s-node2", "labels": {"proxy.example/gateway": "true"}}}),
        pu("kubernetes:apps/v1:DeploymentPatch", "postiz-sablier",
           {"metadata": {"name": "postiz", "namespace": "postiz", "labels": {"sablier.enable": "false"}}}),
    ]
    code, out, _ = case.run(capsys)
    assert code == 0
    assert case.import_file()["resources"] == []  # patches are applied, not imported
    assert "id=(not imported: the first `up` applies it)" in out
    assert 'UPDATE: metadata.labels["sablier.enable"]: terraform="true" pulumi="false"' in out
    assert "sablier.group" not in out  # a label the patch does not set stays as it is


def test_kubernetes_labels_without_a_patch_is_an_orphan(case: Case) -> None:
    case.terraform = [tf("kubernetes_labels", "gw", {"api_version": "v1", "kind": "Node",
                                                     "metadata": [{"name": "k8s-node2"}], "labels": {"a": "b"}}),
                      tf("kubernetes_namespace_v1", "ns", {"metadata": meta("demo")})]
    case.pulumi = [pu("kubernetes:core/v1:Namespace", "ns", {"metadata": {"name": "demo"}})]
    plan = case.plan()
    assert [(o.tf.address, o.reason) for o in plan.orphans] == [
        ("kubernetes_labels.gw", "no Pulumi <Kind>Patch patches patch:/Node//k8s-node2")]


# ---------------------------------------------------------------- authentik bindings

FLOW_UUID = "f10e0000-0000-4000-8000-000000000001"
APP_UUID = "a9900000-0000-4000-8000-000000000002"  # an application this stack does not manage


def _authentik_base():
    terraform = [
        tf("authentik_flow", "enroll", {"id": "enroll", "uuid": FLOW_UUID, "slug": "google-enrollment"}),
        tf("authentik_stage_prompt", "code", {"id": "st-code", "name": "invite-code-prompt"}),
        tf("authentik_stage_user_login", "login", {"id": "st-login", "name": "enrollment-login"}),
        tf("authentik_policy_expression", "assign", {"id": "pol-assign", "name": "assign-invite-group"}),
        tf("authentik_group", "users", {"id": "grp-users", "name": "Tripit Users"}),
    ]
    pulumi = [
        pu("authentik:index/flow:Flow", "google-enrollment", {"slug": "google-enrollment"}),
        pu("authentik:index/stagePrompt:StagePrompt", "invite-code-prompt", {"name": "invite-code-prompt"}),
        pu("authentik:index/stageUserLogin:StageUserLogin", "login", {"name": "enrollment-login"}),
        pu("authentik:index/policyExpression:PolicyExpression", "assign-invite-group", {"name": "assign-invite-group"}),
        pu("authentik:index/group:Group", "tripit-users", {"name": "Tripit Users"}),
    ]
    return terraform, pulumi


def test_bindings_resolve_through_matched_objects(case: Case) -> None:
    """The synth holds mock ids (`<name>-id`) and unknowns (the flow's uuid); the state
    holds live ids. Both resolve to the same Pulumi resources."""
    terraform, pulumi = _authentik_base()
    terraform += [
        tf("authentik_flow_stage_binding", "code", {"id": "b-code", "target": FLOW_UUID, "stage": "st-code", "order": 0}),
        tf("authentik_flow_stage_binding", "login", {"id": "b-login", "target": FLOW_UUID, "stage": "st-login",
                                                     "order": 2}),
        tf("authentik_policy_binding", "assign", {"id": "pb-assign", "target": "b-login", "policy": "pol-assign",
                                                  "order": 0}),
        tf("authentik_policy_binding", "tripit", {"id": "pb-tripit", "target": APP_UUID, "group": "grp-users",
                                                  "order": 0}),
    ]
    pulumi += [
        pu("authentik:index/flowStageBinding:FlowStageBinding", "gpe-code",
           {"target": "[unknown]", "stage": "invite-code-prompt-id", "order": 0}),
        pu("authentik:index/flowStageBinding:FlowStageBinding", "gpe-login",
           {"target": "[unknown]", "stage": "login-id", "order": 2}),
        pu("authentik:index/policyBinding:PolicyBinding", "assign-on-login",
           {"target": "gpe-login-id", "policy": "assign-invite-group-id", "order": 0}),
        pu("authentik:index/policyBinding:PolicyBinding", "tripit-users-access",
           {"target": APP_UUID, "group": "tripit-users-id", "order": 0}),
    ]
    case.terraform, case.pulumi = terraform, pulumi
    plan = case.plan()
    assert plan.orphans == [] and plan.created == []
    assert {m.tf.address: m.pulumi.name for m in plan.matches if "binding" in m.tf.type} == {
        "authentik_flow_stage_binding.code": "gpe-code",
        "authentik_flow_stage_binding.login": "gpe-login",
        "authentik_policy_binding.assign": "assign-on-login",
        "authentik_policy_binding.tripit": "tripit-users-access",
    }
    assert _ids(plan)["assign-on-login"] == "pb-assign"


def test_binding_to_another_order_is_not_the_same_binding(case: Case) -> None:
    terraform, pulumi = _authentik_base()
    terraform.append(tf("authentik_policy_binding", "tripit", {"id": "pb", "target": APP_UUID, "group": "grp-users",
                                                               "order": 0}))
    pulumi.append(pu("authentik:index/policyBinding:PolicyBinding", "tripit",
                     {"target": APP_UUID, "group": "tripit-users-id", "order": 1}))
    case.terraform, case.pulumi = terraform, pulumi
    plan = case.plan()
    assert [o.tf.address for o in plan.orphans] == ["authentik_policy_binding.tripit"]
    assert plan.orphans[0].reason.startswith("no Pulumi authentik:index/policyBinding:PolicyBinding binds")
    assert [r.name for r in plan.created] == ["tripit"]


def test_bindings_that_unknowns_cannot_tell_apart_are_reported_not_guessed(case: Case) -> None:
    terraform, pulumi = _authentik_base()
    terraform += [tf("authentik_flow_stage_binding", n, {"id": f"b-{n}", "target": FLOW_UUID, "stage": "st-code",
                                                         "order": 0}) for n in ("a", "b")]
    pulumi += [pu("authentik:index/flowStageBinding:FlowStageBinding", n, {"target": "[unknown]", "order": 0})
               for n in ("x", "y")]
    case.terraform, case.pulumi = terraform, pulumi
    plan = case.plan()
    assert sorted(o.tf.address for o in plan.orphans) == [
        "authentik_flow_stage_binding.a", "authentik_flow_stage_binding.b"]
    assert "2 Pulumi authentik:index/flowStageBinding:FlowStageBinding resources could be this object" in plan.orphans[0].reason


def test_binding_can_be_paired_by_hand(case: Case, capsys) -> None:
    terraform, pulumi = _authentik_base()
    terraform.append(tf("authentik_flow_stage_binding", "a", {"id": "b-a", "target": FLOW_UUID, "stage": "st-code",
                                                              "order": 0}))
    pulumi += [pu("authentik:index/flowStageBinding:FlowStageBinding", n, {"target": "[unknown]", "order": 0})
               for n in ("x", "y")]
    case.terraform, case.pulumi = terraform, pulumi
    urn = pulumi[-1]["urn"]
    code, _, _ = case.run(capsys, "--map", f"authentik_flow_stage_binding.a={urn}")
    assert code == 0
    assert {m["address"]: m["id"] for m in case.report()["matched"]}["authentik_flow_stage_binding.a"] == "b-a"
