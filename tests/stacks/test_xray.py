"""xray: the objects an outage would be about."""

import json
import sys
from pathlib import Path


STACK_DIR = Path(__file__).resolve().parents[2] / "stacks" / "xray"


def test_transport_ingresses_are_public_for_native_clients(synth_stack):
    stack = synth_stack("xray")
    for name, host, path, port in (("xray-ws", "xray-ws.viktorbarzin.me", "/", 8443),
                                   ("xray-grpc", "xray-grpc.viktorbarzin.me", "/grpc-vpn", 9443)):
        ingress = stack.k8s("Ingress", name, "xray")["inputs"]
        annotations = ingress["metadata"]["annotations"]
        assert annotations["infra.viktorbarzin.me/auth"] == "none" and annotations["infra.viktorbarzin.me/auth-reason"], name
        assert annotations["cloudflare.viktorbarzin.me/dns-type"] == "proxied", name
        assert "gethomepage.dev/enabled" not in annotations, name
        rule = ingress["spec"]["rules"][0]
        assert rule["host"] == host
        assert rule["http"]["paths"][0]["path"] == path
        assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "xray", "port": {"number": port}}
    grpc = stack.k8s("Ingress", "xray-grpc", "xray")["inputs"]["metadata"]["annotations"]
    assert grpc["traefik.ingress.kubernetes.io/service.serversscheme"] == "h2c"


def test_reality_service_holds_the_metallb_ip(synth_stack):
    stack = synth_stack("xray")
    service = stack.k8s("Service", "xray-reality", "xray")
    assert service["inputs"]["spec"]["type"] == "LoadBalancer"
    assert service["inputs"]["metadata"]["annotations"]["metallb.io/loadBalancerIPs"] == "10.0.20.200"
    assert service["options"]["ignoreChanges"] == ['metadata.annotations["metallb.io/ip-allocated-from-pool"]']


def test_config_is_secret_and_mounted(synth_stack):
    stack = synth_stack("xray")
    config_map = stack.k8s("ConfigMap", "xray-config", "xray")["inputs"]
    assert config_map["data"]["config.json"] == "[secret]"
    deployment = stack.k8s("Deployment", "xray", "xray")["inputs"]
    pod = deployment["spec"]["template"]["spec"]
    assert pod["containers"][0]["image"] == "teddysun/xray"
    assert {"name": "config", "configMap": {"name": "xray-config"}} in pod["volumes"]
    assert {"name": "tls", "secret": {"secretName": "tls-secret"}} in pod["volumes"]
    assert deployment["metadata"]["labels"]["tier"] == "0-core"


def test_config_payload_inbounds():
    config = json.loads((STACK_DIR / "files" / "config.json").read_text())
    inbounds = config["inbounds"]
    assert [i["port"] for i in inbounds] == [7443, 8443, 9443]
    assert inbounds[0]["streamSettings"]["security"] == "reality"
    assert inbounds[1]["streamSettings"]["wsSettings"]["path"] == "/ws"
    assert inbounds[2]["streamSettings"]["xhttpSettings"]["path"] == "/grpc-vpn"


# upstream's templatefile + jsonencode, rendered by terraform 1.x with these inputs (note the
# sorted client keys, the HTML escapes and the final line break).
TERRAFORM_CONFIG = (
    '{\n'
    '  "log": {\n'
    '    "loglevel": "none"\n'
    '  },\n'
    '  "inbounds": [\n'
    '    {\n'
    '      "port": 7443,\n'
    '      "protocol": "vless",\n'
    '      "settings": {\n'
    '        "clients": [{"email":"a@b","flow":"xtls-rprx-vision","id":"11111111-2222-3333-4444-555555555555"},{"email":"c\\u003cd\\u003e\\u0026e","id":"66666666-2222-3333-4444-555555555555"}],\n'
    '        "decryption": "none"\n'
    '      },\n'
    '      "streamSettings": {\n'
    '        "network": "tcp",\n'
    '        "security": "reality",\n'
    '        "realitySettings": {\n'
    '          "show": false,\n'
    '          "dest": "www.cloudflare.com:443",\n'
    '          "xver": 0,\n'
    '          "serverNames": [\n'
    '            "www.cloudflare.com"\n'
    '          ],\n'
    '          "privateKey": "PRIVKEY_abc-_XYZ",\n'
    '          "shortIds": ["abcd","0123456789abcdef"]\n'
    '        }\n'
    '      }\n'
    '    },\n'
    '    {\n'
    '      "port": 8443,\n'
    '      "protocol": "vless",\n'
    '      "settings": {\n'
    '        "clients": [{"email":"a@b","flow":"xtls-rprx-vision","id":"11111111-2222-3333-4444-555555555555"},{"email":"c\\u003cd\\u003e\\u0026e","id":"66666666-2222-3333-4444-555555555555"}],\n'
    '        "decryption": "none"\n'
    '      },\n'
    '      "streamSettings": {\n'
    '        "network": "ws",\n'
    '        "security": "none",\n'
    '        "tlsSettings": {\n'
    '          "certificates": [\n'
    '            {\n'
    '              "certificateFile": "/etc/xray/tls.crt",\n'
    '              "keyFile": "/etc/xray/tls.key"\n'
    '            }\n'
    '          ]\n'
    '        },\n'
    '        "wsSettings": {\n'
    '          "path": "/ws"\n'
    '        }\n'
    '      }\n'
    '    },\n'
    '    {\n'
    '      "port": 9443,\n'
    '      "protocol": "vless",\n'
    '      "settings": {\n'
    '        "clients": [{"email":"a@b","flow":"xtls-rprx-vision","id":"11111111-2222-3333-4444-555555555555"},{"email":"c\\u003cd\\u003e\\u0026e","id":"66666666-2222-3333-4444-555555555555"}],\n'
    '        "decryption": "none"\n'
    '      },\n'
    '      "streamSettings": {\n'
    '        "network": "xhttp",\n'
    '        "security": "none",\n'
    '        "tlsSettings": {\n'
    '          "certificates": [\n'
    '            {\n'
    '              "certificateFile": "/etc/xray/tls.crt",\n'
    '              "keyFile": "/etc/xray/tls.key"\n'
    '            }\n'
    '          ]\n'
    '        },\n'
    '        "xhttpSettings": {\n'
    '          "path": "/grpc-vpn"\n'
    '        }\n'
    '      }\n'
    '    }\n'
    '  ],\n'
    '  "outbounds": [\n'
    '    {\n'
    '      "protocol": "freedom"\n'
    '    }\n'
    '  ]\n'
    '}\n'
)


def test_config_bytes_are_upstreams_template_rendering():
    sys.path.insert(0, str(STACK_DIR))
    import xray_config

    clients = ('[{"id":"11111111-2222-3333-4444-555555555555","flow":"xtls-rprx-vision","email":"a@b"},'
               '{"id":"66666666-2222-3333-4444-555555555555","email":"c<d>&e"}]')
    text = xray_config.render((STACK_DIR / "files" / "config.json").read_text(), clients,
                              '["abcd","0123456789abcdef"]', "PRIVKEY_abc-_XYZ")
    assert text == TERRAFORM_CONFIG
