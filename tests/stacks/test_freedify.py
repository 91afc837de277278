"""freedify: the objects an outage (or an open door) would be about."""

import pytest

from components import constants as c

NS = "freedify"


@pytest.mark.parametrize("user", ["viktor", "emo"])
def test_app_ingress_is_login_gated_and_stream_path_is_explicitly_open(synth_stack, user):
    stack = synth_stack("freedify")
    host = f"music-{user}.viktorbarzin.me"
    app = stack.k8s("Ingress", f"music-{user}", NS)["inputs"]
    assert app["spec"]["rules"][0]["host"] == host
    assert app["metadata"]["annotations"][c.AUTH_ANNOTATION] == "required"
    assert app["metadata"]["annotations"][c.DNS_TYPE_ANNOTATION] == "non-proxied"
    stream = stack.k8s("Ingress", f"music-{user}-stream", NS)["inputs"]
    annotations = stream["metadata"]["annotations"]
    assert annotations[c.ROUTER_MIDDLEWARES_ANNOTATION] == "traefik-retry@kubernetescrd,traefik-rate-limit@kubernetescrd"
    assert annotations["traefik.ingress.kubernetes.io/router.priority"] == "100"
    assert annotations[c.AUTH_ANNOTATION] == "none" and annotations[c.AUTH_REASON_ANNOTATION]
    rule = stream["spec"]["rules"][0]
    assert rule["host"] == host and stream["spec"]["tls"] == [{"hosts": [host], "secretName": "tls-secret"}]
    assert rule["http"]["paths"] == [{"path": "/api/stream/", "pathType": "Prefix", "backend": {
        "service": {"name": f"music-{user}", "port": {"number": 80}}}}]


def test_each_listener_gets_only_its_own_tokens(synth_stack):
    stack = synth_stack("freedify")

    def env(user):
        container = stack.k8s("Deployment", f"music-{user}", NS)["inputs"]["spec"]["template"]["spec"]["containers"][0]
        return [(e["name"], "value" in e) for e in container["env"]]

    assert env("viktor")[:5] == [("LISTENBRAINZ_TOKEN", True), ("GENIUS_ACCESS_TOKEN", True), ("DAB_SESSION", True),
                                 ("DAB_VISITOR_ID", True), ("GEMINI_API_KEY", True)]
    assert env("emo")[:5] == [("LISTENBRAINZ_TOKEN", False), ("GENIUS_ACCESS_TOKEN", True), ("DAB_SESSION", False),
                              ("DAB_VISITOR_ID", False), ("GEMINI_API_KEY", True)]
    assert [name for name, _ in env("emo")[5:]] == ["MUSIC_LIBRARY_PATH", "AUTO_SAVE_TO_LIBRARY", "NAVIDROME_SCAN_URL",
                                                    "HA_SOFIA_URL", "HA_SOFIA_TOKEN"]


def test_music_library_is_the_shared_nfs_export(synth_stack):
    stack = synth_stack("freedify")
    for user in ("viktor", "emo"):
        pod = stack.k8s("Deployment", f"music-{user}", NS)["inputs"]["spec"]["template"]["spec"]
        assert pod["volumes"] == [{"name": "music-library",
                                   "nfs": {"server": "192.168.1.127", "path": "/srv/nfs/freedify-music"}}]
        assert pod["containers"][0]["image"] == "ghcr.io/viktorbarzin/freedify:latest"
        service = stack.k8s("Service", f"music-{user}", NS)["inputs"]["spec"]
        assert service["ports"] == [{"name": "http", "port": 80, "targetPort": 8000}]
    records = [r for r in stack.resources if r["type"].startswith("cloudflare:")]
    assert {r["inputs"]["name"] for r in records} == {"music-viktor.viktorbarzin.me", "music-emo.viktorbarzin.me"}


def test_an_unknown_token_env_is_refused_before_anything_is_declared(monkeypatch):
    from pathlib import Path

    from components.errors import ArgumentError
    from components.settings import ClusterSettings

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[2] / "stacks" / "freedify"))
    from music_instance import music_instance

    with pytest.raises(ArgumentError) as err:
        music_instance("viktor", settings=ClusterSettings(), tokens={"GENIUS_TOKEN": "x"}, shared_env={},
                       homepage={}, opts=None)
    assert err.value.argument == "tokens" and "GENIUS_TOKEN" in str(err.value)
