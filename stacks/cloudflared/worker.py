"""The outage-failover Worker: which hosts it covers and how its script is assembled.

When the tunnel or the cluster is down, Cloudflare answers proxied hosts with its own
530/521-523 pages. The Worker swaps those, for browsers only, for a 503 page pointing at
the status page on mx2 (which lives outside the homelab). See README.md for the quota
reasoning behind the explicit host list.
"""

from __future__ import annotations

import json

SCRIPT_NAME = "outage-failover"
COMPATIBILITY_DATE = "2024-01-01"
MAIN_MODULE = "worker.js"
# Where the script expects the page, as a JSON string literal (quotes included).
PAGE_MARKER = '"__OUTAGE_PAGE_HTML__"'

# Subdomains that get the outage page, an allow-list: Cloudflare bills a Worker call on
# every route match, so a new or invented host must cost nothing until someone lists it.
# Left out on purpose: high-volume API/sync/WebSocket hosts (nextcloud, authentik,
# terminals, vault, matrix, VPN transports, telemetry ingest, machine endpoints), for
# which an HTML page is useless. `test-failover` is not an ingress but the canary record
# (records.py) that the failover drill exercises; it must stay.
COVERED_HOSTS: tuple[str, ...] = (
    "ac", "affine", "aiostreams", "alertmanager", "android-emulator", "audiblez",
    "audiobookshelf", "beadboard", "book-search", "breakglass", "budget-anca",
    "budget-viktor", "calibre", "cc", "changedetection", "chrome", "ci", "city-guesser",
    "crowdsec-web", "dashy", "dawarich", "dolt-workbench", "draw", "dronelog",
    "ebook2audiobook", "f1", "family", "files", "fire-planner", "forgejo", "frigate",
    "grafana", "gw", "ha-london", "ha-sofia", "hackmd", "health", "highlights-immich",
    "highlights-immich-emo", "home", "idrac", "immich", "insta2spotify",
    "instagram-poster", "interview-prep", "json", "k8s-portal", "learn",
    "lesson-harvester", "listenarr", "london", "mail", "mbp14", "meshcentral", "mladost3",
    "music-assistant", "music-emo", "music-viktor", "n8n", "nas", "navidrome", "netbox",
    "networking-toolbox", "nextcloud-todos", "novelapp", "ntfy", "offline-reader",
    "openclaw", "openlobster", "pages", "paperless-ai", "pb", "pdf", "pfsense", "pgadmin",
    "phpipam", "pi", "plans", "plotting-book", "pma", "postiz", "priority-pass",
    "prometheus", "prowlarr", "proxy", "qbittorrent", "recruiter-responder", "repowise",
    "resume", "rss", "send", "shlink", "speedtest", "stacks", "stirling-pdf", "stremio",
    "tandoor", "tasks", "technitium", "test-failover", "torrserver", "trading", "traefik",
    "trek", "tripit", "uptime", "url", "valchedrym", "vaultwarden", "vpn", "wealthfolio",
    "whisker", "wrongmove", "yotovski-status", "yt", "yt-highlights",
)


def worker_source(script: str, page_html: str) -> str:
    """The module script with the outage page embedded as a JSON string literal.

    Embedded rather than fetched at run time: a Worker subrequest to a grey-cloud host in
    the same zone has been seen to fail, and the page is needed exactly when things fail.
    """
    if script.count(PAGE_MARKER) != 1:
        raise ValueError(f"worker script must contain the page marker {PAGE_MARKER} exactly once")
    return script.replace(PAGE_MARKER, json.dumps(page_html))
