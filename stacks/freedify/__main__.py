"""Freedify music streaming: one instance per listener (viktor, emo), settings from Vault secret/freedify."""

import pulumi

from components import constants as c
from components.external_secret import ExternalSecret, ExternalSecretArgs
from components.live_read import LiveReadArgs, json_value, read_live
from components.namespace import Namespace, NamespaceArgs
from components.settings import ClusterSettings
from components.tls_secret import cluster_tls_secret
from music_instance import NS, music_instance

settings = ClusterSettings.load()
SECRETS = "freedify-secrets"

namespace = Namespace(NS, NamespaceArgs(
    tier=c.TIER_AUX, labels={"istio-injection": "disabled", "keel.sh/enrolled": "true"}))
ns_opts = pulumi.ResourceOptions(depends_on=[namespace])
secrets = ExternalSecret(SECRETS, ExternalSecretArgs(namespace=NS, extract=["freedify"]), opts=ns_opts)
cluster_tls_secret(NS, settings.tls_secret_name, opts=ns_opts)

# Vault secret/freedify, read from the Secret ESO syncs: `credentials` is JSON with each
# listener's API tokens (a token a listener lacks is simply absent); the Home Assistant pair is optional.
synced = read_live(SECRETS, LiveReadArgs(
    namespace=NS, keys=["credentials", "navidrome_scan_url", "ha_sofia_url", "ha_sofia_token"],
    optional={"ha_sofia_url": "", "ha_sofia_token": ""}, depends_on=[secrets], source="Vault secret/freedify"))
shared_env = {"NAVIDROME_SCAN_URL": synced["navidrome_scan_url"],
              "HA_SOFIA_URL": synced["ha_sofia_url"], "HA_SOFIA_TOKEN": synced["ha_sofia_token"]}


def tokens(user: str, *fields: tuple[str, str]) -> dict:
    return {env_name: json_value(synced["credentials"], user, field, default=None) for env_name, field in fields}


def homepage(title: str) -> dict:
    return {"gethomepage.dev/enabled": "true", "gethomepage.dev/name": title,
            "gethomepage.dev/description": "Music streaming", "gethomepage.dev/icon": "navidrome.png",
            "gethomepage.dev/group": "Media & Entertainment", "gethomepage.dev/pod-selector": ""}


GENIUS = ("GENIUS_ACCESS_TOKEN", "genius_token")
GEMINI = ("GEMINI_API_KEY", "gemini_api_key")
viktor = music_instance("viktor", settings=settings, shared_env=shared_env, homepage=homepage("Freedify (Viktor)"),
                        tokens=tokens("viktor", ("LISTENBRAINZ_TOKEN", "listenbrainz_token"), GENIUS,
                                      ("DAB_SESSION", "dab_session"), ("DAB_VISITOR_ID", "dab_visitor_id"), GEMINI),
                        opts=ns_opts)
emo = music_instance("emo", settings=settings, shared_env=shared_env, homepage=homepage("Freedify (Emo)"),
                     tokens=tokens("emo", GENIUS, GEMINI), opts=ns_opts)

pulumi.export("hosts", [viktor.host, emo.host])
