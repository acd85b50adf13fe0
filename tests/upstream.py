"""A local stand-in for the public download hosts: serves ``shared/upstream/MANIFEST.tsv``'s
local copies on 127.0.0.1 at ``/<host>/<path>`` of each URL, the layout that
``SMARTIDF_DOWNLOAD_MIRROR`` asks for. HTTP ``Range`` is honoured (resumed downloads), and
faults can be set per file: ``"404"``, ``"corrupt"`` (other bytes, same length), ``"stall"``
(headers and a few bytes, then nothing until the test ends) and ``"cut"`` (the first request
stops after half of the file)."""

from __future__ import annotations

import csv
import http.server
import re
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit


def manifest_routes(shared: Path) -> dict[str, Path]:
    """``/<host>/<decoded path>`` -> local copy, for every manifest row that has one."""
    routes = {}
    with open(shared / "upstream" / "MANIFEST.tsv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["local_copy"] in ("", "-"):
                continue
            parts = urlsplit(row["url"])
            routes[unquote(f"/{parts.netloc}{parts.path}")] = shared / row["local_copy"]
    return routes


class UpstreamServer:
    """The threaded HTTP server; ``faults`` maps a file name (last path segment) to a fault,
    ``requests`` records ``(file name, Range header)`` of every GET."""

    def __init__(self, routes: dict[str, Path]):
        self.routes = routes
        self.faults: dict[str, str] = {}
        self.requests: list[tuple[str, str | None]] = []
        self.release = threading.Event()
        self._cut_done: set[str] = set()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802 - http.server's name
                server.handle(self)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> UpstreamServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def handle(self, request: http.server.BaseHTTPRequestHandler) -> None:
        path = unquote(urlsplit(request.path).path)
        name = path.rsplit("/", 1)[-1]
        self.requests.append((name, request.headers.get("Range")))
        local = self.routes.get(path)
        fault = self.faults.get(name)
        if local is None or fault == "404":
            request.send_error(404, "Not Found")
            return
        data = local.read_bytes()
        if fault == "corrupt":
            data = bytes(b ^ 0xFF for b in data[:64]) + data[64:]
        start = 0
        match = re.fullmatch(r"bytes=(\d+)-", request.headers.get("Range") or "")
        if match and int(match.group(1)) < len(data):
            start = int(match.group(1))
        body = data[start:]
        request.send_response(206 if start else 200)
        request.send_header("Content-Length", str(len(body)))
        request.send_header("Accept-Ranges", "bytes")
        if start:
            request.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        request.end_headers()
        if fault == "stall":
            request.wfile.write(body[:100])
            request.wfile.flush()
            self.release.wait(120)
            return
        if fault == "cut" and name not in self._cut_done:
            self._cut_done.add(name)
            request.wfile.write(body[: len(body) // 2])
            request.wfile.flush()
            request.close_connection = True
            return
        request.wfile.write(body)
