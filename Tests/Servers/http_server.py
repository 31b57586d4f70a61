#!/usr/bin/env python3
"""HTTPS + HTTP test server for autoconf's HTTP sources (Python 3 stdlib only).

    http_server.py CONFIG.json

Binds 127.0.0.1 on two free ports and prints `READY {"https": PORT, "http": PORT}`. Clients reach
it with curl-style --connect-to mappings, so the Host header and SNI carry the name asked for.

CONFIG:
  default_cert: {"cert": PEM path, "key": PEM path}     certificate for every name...
  sni: {"host": {"cert": ..., "key": ...}}              ...except these (e.g. a rogue CA's)
  log: path                                             one JSON line per request
  max_lifetime: seconds (default 300)                   the server exits by itself
  routes: first match wins, else 404. Match keys:
    host ("*" or a name), path, scheme ("http"/"https"/"*"), method, query, body_contains
  Response keys:
    status (200), content_type, body, headers {}, delay_ms (before anything is sent),
    redirect (Location; status defaults to 302), hang (seconds without answering),
    drip_ms (send the body one byte per interval), huge (send this many bytes),
    content_length (false: no Content-Length, close-delimited)
"""
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

CONFIG = {}
LOG_LOCK = threading.Lock()


def log_request(entry):
    path = CONFIG.get("log")
    if not path:
        return
    with LOG_LOCK:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")


def find_route(scheme, host, method, path, query, body):
    for route in CONFIG.get("routes", []):
        if route.get("host", "*") not in ("*", host):
            continue
        if route.get("scheme", "*") not in ("*", scheme):
            continue
        if route.get("method", "*") not in ("*", method):
            continue
        if "path" in route and route["path"] != path:
            continue
        if "query" in route and route["query"] != query:
            continue
        if "body_contains" in route and route["body_contains"] not in body:
            continue
        return route
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are separate writes: without this, Nagle + delayed ACK add 40 ms.
    disable_nagle_algorithm = True
    server_version = "autoconf-test"

    def log_message(self, *args):
        pass

    def handle_any(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        parts = urlsplit(self.path)
        scheme = self.server.scheme
        log_request({
            "scheme": scheme, "host": host, "method": method, "path": parts.path, "query": parts.query,
            "body": body, "headers": {k.lower(): v for k, v in self.headers.items()},
        })
        route = find_route(scheme, host, method, parts.path, parts.query, body)
        if route is None:
            self.respond(404, "text/plain", b"not found\n")
            return
        if route.get("delay_ms"):
            time.sleep(route["delay_ms"] / 1000.0)
        if route.get("hang"):
            time.sleep(route["hang"])
            self.close_connection = True
            return
        headers = dict(route.get("headers", {}))
        status = route.get("status", 200)
        if "redirect" in route:
            headers["Location"] = route["redirect"]
            status = route.get("status", 302)
        content_type = route.get("content_type", "text/xml")
        if route.get("huge"):
            self.send_stream(status, content_type, headers, route["huge"], route.get("content_length", False))
            return
        payload = route.get("body", "").encode("utf-8")
        if route.get("drip_ms"):
            self.send_drip(status, content_type, headers, payload, route["drip_ms"] / 1000.0)
            return
        self.respond(status, content_type, payload, headers)

    def respond(self, status, content_type, payload, headers=None):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def send_stream(self, status, content_type, headers, total, with_length):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        if with_length:
            self.send_header("Content-Length", str(total))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        chunk = b"<clientConfig>" + b"x" * 65522
        sent = 0
        try:
            while sent < total:
                piece = chunk[: min(len(chunk), total - sent)]
                self.wfile.write(piece)
                sent += len(piece)
        except OSError:
            pass  # the client gave up, as it should

    def send_drip(self, status, content_type, headers, payload, interval):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        try:
            for index in range(len(payload)):
                self.wfile.write(payload[index:index + 1])
                self.wfile.flush()
                time.sleep(interval)
        except OSError:
            pass

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_HEAD(self):
        self.handle_any("HEAD")


def load_context(pair):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pair["cert"], pair["key"])
    return context


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, scheme, context=None):
        super().__init__(("127.0.0.1", 0), Handler)
        self.scheme = scheme
        self.context = context

    def finish_request(self, request, client_address):
        # The TLS handshake runs in the connection's own thread, so a client that never completes
        # it (or rejects the certificate) blocks nobody else.
        if self.context is not None:
            try:
                request = self.context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        pass  # clients hang up mid-response on purpose (caps, cancellation)


def main():
    global CONFIG
    with open(sys.argv[1], encoding="utf-8") as handle:
        CONFIG = json.load(handle)
    default_context = load_context(CONFIG["default_cert"])
    sni_contexts = {name.lower(): load_context(pair) for name, pair in CONFIG.get("sni", {}).items()}

    def choose(ssl_socket, server_name, _context):
        if server_name and server_name.lower() in sni_contexts:
            ssl_socket.context = sni_contexts[server_name.lower()]

    default_context.sni_callback = choose
    https = Server("https", default_context)
    http = Server("http")
    for server in (https, http):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print("READY " + json.dumps({"https": https.server_address[1], "http": http.server_address[1]}), flush=True)
    # Bounded: the server never outlives a forgotten test by much.
    time.sleep(CONFIG.get("max_lifetime", 300))
    os._exit(0)


if __name__ == "__main__":
    main()
