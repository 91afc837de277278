"""Chart values of the homepage release (jameswynn/homepage).

Services are not listed here: Homepage discovers them from the `gethomepage.dev/*`
annotations on the cluster's Ingresses, which is why the chart's RBAC is on. The chart's
own Ingress is off; the stack routes home.<domain> through Anubis and the cache proxy.
"""

from __future__ import annotations

IMAGE = {"repository": "ghcr.io/gethomepage/homepage", "tag": "v1.10.1"}
HOST = "home.viktorbarzin.me"

# Dashboard groups (the `gethomepage.dev/group` annotation values) -> columns per row.
GROUP_COLUMNS: dict[str, int] = {
    "Core Platform": 4,
    "Identity & Security": 3,
    "Infrastructure": 4,
    "Development & CI": 4,
    "Automation": 3,
    "Productivity": 4,
    "Media & Entertainment": 4,
    "Smart Home": 3,
    "AI & Data": 3,
    "Finance & Personal": 3,
    "Other": 4,
}

_USAGE = {"cpu": True, "memory": True}


def homepage_values() -> dict:
    return {
        "image": dict(IMAGE),
        "enableRbac": True,
        "serviceAccount": {"name": "", "create": True},
        "service": {"main": {"ports": {"http": {"port": 3000}}}},
        "controller": {"strategy": "RollingUpdate",
                       "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
        "ingress": {"main": {"enabled": False}},
        "config": {
            "bookmarks": [{"Developer": [{"Github": [
                {"abbr": "Viktor Barzin", "href": "https://github.com/viktorbarzin"}]}]}],
            "services": [],
            "widgets": [
                {"resources": {"backend": "kubernetes", "expanded": True, **_USAGE}},
                {"search": {"provider": [], "focus": True, "target": "_blank"}},
                {"kubernetes": {
                    "cluster": {"show": True, **_USAGE, "showLabel": True, "label": "cluster"},
                    "nodes": {"show": True, **_USAGE, "showLabel": True},
                }},
            ],
            "kubernetes": {"mode": "cluster"},
            "docker": None,
            "settings": {
                "hideErrors": True,
                "quicklaunch": {"searchDescriptions": True, "hideInternetSearch": True,
                                "showSearchSuggestions": True, "hideVisitURL": False},
                "layout": {group: {"style": "row", "columns": n} for group, n in GROUP_COLUMNS.items()},
            },
        },
        "env": {"HOMEPAGE_ALLOWED_HOSTS": HOST},
        "persistence": {"logs": {"enabled": True, "type": "emptyDir", "mountPath": "/app/config/logs"}},
    }
