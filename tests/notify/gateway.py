"""A real HTTP SMS gateway for the tests: records every request, answers slowly if told,
and deduplicates by the Idempotency-Key header as a real gateway must (docs/operations.md).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Gateway:
    url: str = ""
    delay: float = 0.0
    requests: list[dict] = field(default_factory=list)  # in order of arrival
    delivered: dict[str, dict] = field(default_factory=dict)  # key -> first request
    lock: threading.Lock = field(default_factory=threading.Lock)

    def receive(self, headers, payload: dict) -> bool:
        """Record a request; True if it is a new message (sent on to the phone)."""
        key = headers.get("Idempotency-Key") or ""
        entry = {"key": key, "json": payload, "auth": headers.get("Authorization", "")}
        with self.lock:
            self.requests.append(entry)
            if key and key in self.delivered:
                return False
            self.delivered[key or f"no-key-{len(self.requests)}"] = entry
            return True

    @property
    def repeats(self) -> Counter:
        """Messages that arrived more than once (a worker sent them again), with or
        without a key: counted by recipient, which the tests make unique per message."""
        counts = Counter(r["json"].get("to") for r in self.requests)
        return Counter({k: n - 1 for k, n in counts.items() if n > 1})


def serve(delay: float = 0.0):
    gateway = Gateway(delay=delay)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(length) or b"{}")
            new = gateway.receive(self.headers, payload)
            time.sleep(gateway.delay)  # a slow provider: the send is accepted, the answer late
            body = json.dumps({"status": "queued" if new else "duplicate"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/sms"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return gateway, server


@pytest.fixture
def gateway(settings):
    """The gateway, and the http SMS channel pointed at it."""
    gw, server = serve()
    settings.RENCAI_SMS_BACKEND = "http"
    settings.RENCAI_SMS_HTTP_URL = gw.url
    settings.RENCAI_SMS_HTTP_TOKEN = "test-token"
    yield gw
    server.shutdown()
    server.server_close()
