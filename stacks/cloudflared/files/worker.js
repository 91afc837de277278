// Outage failover for proxied hosts (module Worker; deployed by the cloudflared stack).
//
// The Worker forwards every request to the origin untouched. Only when Cloudflare itself
// reports the origin unreachable (530 = tunnel gone, 521/522/523 = edge cannot connect),
// or the forward throws, does a browser navigation get a 503 page instead. Those codes
// are produced by the edge, never by an application, so no app error is ever hidden;
// 502/504 belong to the apps and Traefik's error pages and pass through.

const ORIGIN_DOWN = new Set([521, 522, 523, 530]);
const STATUS_PAGE_URL = "https://status.viktorbarzin.me/error.html";

// Replaced at deploy time with the page (files/outage.html) as a JSON string. It is the
// fallback when the status host cannot be reached either.
const EMBEDDED_PAGE = "__OUTAGE_PAGE_HTML__";

function wantsPage(request) {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  const accept = request.headers.get("Accept") || "";
  const upgrade = (request.headers.get("Upgrade") || "").toLowerCase();
  return accept.includes("text/html") && !upgrade.includes("websocket");
}

function pageResponse(body, source) {
  return new Response(body, {
    status: 503,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "retry-after": "120",
      "cache-control": "no-store",
      "x-failover": source,
    },
  });
}

async function statusHostPage() {
  // status.* is grey-cloud (mx2 directly), so this cannot loop through a Worker route.
  // A 60 s edge cache keeps a traffic spike during an outage to about one fetch a minute.
  try {
    const page = await fetch(STATUS_PAGE_URL, { cf: { cacheTtl: 60, cacheEverything: true } });
    return page.ok ? page : null;
  } catch (_) {
    return null;
  }
}

export default {
  async fetch(request) {
    let origin = null;
    try {
      origin = await fetch(request);
      if (!ORIGIN_DOWN.has(origin.status)) return origin;
    } catch (_) {
      // Treated like an unreachable origin.
    }

    if (!wantsPage(request)) {
      // APIs, assets, sockets and non-GETs see the origin failure as it is.
      if (origin !== null) return origin;
      return new Response("origin unreachable", {
        status: 530,
        headers: { "cache-control": "no-store", "x-failover": "none" },
      });
    }

    const remote = await statusHostPage();
    if (remote !== null) return pageResponse(remote.body, "mx2");
    return pageResponse(EMBEDDED_PAGE, "inline");
  },
};
