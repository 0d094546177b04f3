#!/usr/bin/env python3
"""A fake L1 render server for the integration tests (standard library only).

    fake_l1.py --l2 http://127.0.0.1:PORT --port-file FILE

Listens on 127.0.0.1 on a free port and writes the port to FILE once it accepts
connections. Answers:

  GET  /runs/{run_id}         as scripted for that run id (404 when not scripted)
  GET  /auth?auth_token=T     calls L2's POST /auth/verify with Bearer T and
                              {"l1_server": <this server's URL>}, records the outcome
                              and answers it as JSON {"status": ..., "body": ...}

and, for the tests that drive it:

  PUT  /_control/runs/{run_id}   script a run: a JSON object, one of
      {"kind": "json", "status": 200, "body": <any JSON>}
      {"kind": "raw", "status": 200, "content_type": "...", "body": "<text>"}
      {"kind": "redirect", "location": "http://elsewhere/"}
      {"kind": "huge", "bytes": 52428800, "content_length": true}   (streams zeros)
      {"kind": "trickle"}   headers, then one byte a second, never finishing
  GET  /_control/requests        {"requests": [raw paths of /runs and /auth requests]}
  GET  /_control/auth            {"results": [every /auth outcome, oldest first]}

The path of /runs is matched raw (still percent-encoded), so a test can check exactly how
L2 encoded the run id.
"""

import argparse
import json
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
RUNS = {}  # raw path segment -> script
REQUESTS = []  # raw paths of /runs and /auth requests
AUTH_RESULTS = []
CONFIG = {"l2": "", "self": ""}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeL1/1.0"

    def log_message(self, fmt, *args):  # quiet: the test output is the log
        pass

    # ---- helpers ----

    def send_json(self, status, value, extra_headers=()):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, val in extra_headers:
            self.send_header(name, val)
        self.end_headers()
        self.wfile.write(body)

    def send_text(self, status, text, content_type="text/plain"):
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    # ---- routes ----

    def do_GET(self):
        path, _, query = self.path.partition("?")
        try:
            if path == "/_control/requests":
                with LOCK:
                    return self.send_json(200, {"requests": list(REQUESTS)})
            if path == "/_control/auth":
                with LOCK:
                    return self.send_json(200, {"results": list(AUTH_RESULTS)})
            if path.startswith("/runs/"):
                with LOCK:
                    REQUESTS.append(self.path)
                return self.serve_run(path[len("/runs/"):])
            if path == "/auth":
                with LOCK:
                    REQUESTS.append(self.path)
                return self.serve_auth(query)
            return self.send_json(404, {"detail": "not found"})
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def do_PUT(self):
        path = self.path.partition("?")[0]
        if not path.startswith("/_control/runs/"):
            return self.send_json(404, {"detail": "not found"})
        script = json.loads(self.read_body() or b"{}")
        with LOCK:
            RUNS[path[len("/_control/runs/"):]] = script
        return self.send_json(200, {"ok": True})

    def serve_run(self, raw_id):
        with LOCK:
            script = RUNS.get(raw_id)
        if script is None:
            return self.send_json(404, {"detail": "run not found"})
        kind = script.get("kind", "json")
        if kind == "json":
            return self.send_json(script.get("status", 200), script.get("body"))
        if kind == "raw":
            return self.send_text(script.get("status", 200), script.get("body", ""),
                                  script.get("content_type", "text/plain"))
        if kind == "redirect":
            self.send_response(script.get("status", 302))
            self.send_header("Location", script["location"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if kind == "huge":
            total = int(script.get("bytes", 50 * 1024 * 1024))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if script.get("content_length", True):
                self.send_header("Content-Length", str(total))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            chunk = b'{"pad":"' + b"0" * (64 * 1024)
            sent = 0
            while sent < total:
                piece = chunk[: min(len(chunk), total - sent)]
                self.wfile.write(piece)
                sent += len(piece)
            return None
        if kind == "trickle":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.wfile.flush()
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(1)
            self.close_connection = True
            return None
        return self.send_json(500, {"detail": "bad script"})

    def serve_auth(self, query):
        params = urllib.parse.parse_qs(query, keep_blank_values=True)
        token = (params.get("auth_token") or [""])[0]
        request = urllib.request.Request(
            CONFIG["l2"] + "/auth/verify",
            data=json.dumps({"l1_server": CONFIG["self"]}).encode(),
            headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        except OSError as e:
            status, text = 0, str(e)
        try:
            body = json.loads(text)
        except ValueError:
            body = text
        outcome = {"token": token, "status": status, "body": body}
        with LOCK:
            AUTH_RESULTS.append(outcome)
        return self.send_json(200, outcome)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--l2", required=True, help="the L2 server's base URL")
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    CONFIG["l2"] = args.l2.rstrip("/")
    CONFIG["self"] = "http://127.0.0.1:%d" % port
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    os.replace(tmp, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    socket.setdefaulttimeout(None)
    main()
