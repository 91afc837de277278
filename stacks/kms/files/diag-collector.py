"""Anonymous diagnostics sink for the KMS PowerShell activators.

The scripts POST a small JSON object to /diag; each one is written to stdout as a single
`KMSDIAG {...}` line, where Loki picks it up. Nothing is stored and nothing is answered
beyond a status code.
"""

import json
from http.server import BaseHTTPRequestHandler, HTTPServer

LIMIT = 16384  # bytes read from a body and printed per event


def client_address(handler):
    forwarded = handler.headers.get("X-Forwarded-For")
    return (forwarded or handler.client_address[0]).split(",")[0].strip()


class DiagHandler(BaseHTTPRequestHandler):
    def reply(self, status):
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        self.reply(200 if self.path.rstrip("/") in ("/diag", "/healthz") else 404)

    def do_POST(self):
        if self.path.rstrip("/") != "/diag":
            self.reply(404)
            return
        try:
            length = max(0, min(int(self.headers.get("Content-Length") or 0), LIMIT))
            body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            event = json.loads(body) if body.strip() else {}
            if not isinstance(event, dict):
                event = {"_raw": str(event)[:1000]}
            event["_ip"] = client_address(self)
            print("KMSDIAG " + json.dumps(event, separators=(",", ":"))[:LIMIT], flush=True)
        except Exception as error:  # a malformed report must never take the collector down
            print("KMSDIAG_ERR " + repr(error)[:500], flush=True)
        self.reply(204)

    def log_message(self, *args):
        pass  # one line per event, not per request


if __name__ == "__main__":
    HTTPServer(("0.0.0.0", 9102), DiagHandler).serve_forever()
