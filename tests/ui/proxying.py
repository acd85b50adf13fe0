"""nginx in front of `smartidf serve` instances, for tests and benchmarks: the operator's own
`deploy/nginx.conf` rendered for local ports and run as a child process (its own prefix,
pid file, logs and temporary folders under a tmp folder; never the system's configuration,
never a privileged port)."""

from __future__ import annotations

import contextlib
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

NGINX = "/usr/sbin/nginx"
TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
UPSTREAM_LINE = "__UPSTREAM__"
PLACEHOLDER = re.compile(r"__[A-Z_]+__")
VISITOR_COOKIE = "smartidf_upstream"

# The main context that Debian's /etc/nginx/nginx.conf gives the operator's file, with every
# path of a running nginx inside ``prefix``.
MAIN = """daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log notice;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""


def render_nginx_conf(upstreams: list[str], listen: str, server_name: str = "_",
                      log_dir: str = "/var/log/nginx", template: str | None = None) -> str:
    """``deploy/nginx.conf`` with its placeholders filled: the ``server __UPSTREAM__ ...;`` line
    once per ``host:port`` of ``upstreams``, ``listen``, ``server_name`` and ``log_dir``."""
    text = TEMPLATE.read_text() if template is None else template
    if not upstreams:
        raise ValueError("at least one upstream instance is needed")
    lines = []
    for line in text.splitlines(keepends=True):
        if UPSTREAM_LINE in line and not line.lstrip().startswith("#"):
            lines += [line.replace(UPSTREAM_LINE, upstream) for upstream in upstreams]
        else:
            lines.append(line)
    rendered = "".join(lines)
    for name, value in (("__LISTEN__", listen), ("__SERVER_NAME__", server_name),
                        ("__LOG_DIR__", log_dir)):
        rendered = rendered.replace(name, value)
    code = "\n".join(line.split("#", 1)[0] for line in rendered.splitlines())
    left = sorted(set(PLACEHOLDER.findall(code)))
    if left:
        raise ValueError(f"placeholders left in the nginx configuration: {left}")
    return rendered


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return False
    return True


class Nginx:
    """A running nginx: ``url``, ``access_log`` (``deploy/nginx.conf``'s format), ``prefix``."""

    def __init__(self, prefix: Path, port: int, process: subprocess.Popen):
        self.prefix, self.port, self.process = prefix, port, process
        self.url = f"http://127.0.0.1:{port}"
        self.access_log = prefix / "smartidf.access.log"

    def log_lines(self) -> list[str]:
        return self.access_log.read_text().splitlines() if self.access_log.exists() else []

    def wait_log(self, predicate, timeout: float = 30.0, since: int = 0) -> list[str]:
        """The access log's lines once one from line ``since`` on satisfies ``predicate``
        (nginx writes a request's line when it ends: a websocket's when it closes)."""
        deadline = time.monotonic() + timeout
        while True:
            lines = self.log_lines()
            if any(predicate(line) for line in lines[since:]):
                return lines
            if time.monotonic() > deadline:
                raise AssertionError(f"no such access log line in {timeout} s:\n"
                                     + "\n".join(lines[-20:]))
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: ends when connections do
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.terminate()  # fast shutdown: open websockets are cut
                self.process.wait(timeout=10)


@contextlib.contextmanager
def nginx(upstreams: list[str], prefix: Path, port: int | None = None):
    """nginx on 127.0.0.1:``port`` (default a free one) proxying to ``upstreams``
    (``host:port``), checked with ``nginx -t`` first; yields an :class:`Nginx`."""
    port = port or free_port()
    prefix.mkdir(parents=True, exist_ok=True)
    site = prefix / "smartidf.conf"
    site.write_text(render_nginx_conf(upstreams, f"127.0.0.1:{port}", log_dir=str(prefix)))
    main = prefix / "nginx.conf"
    main.write_text(MAIN.format(prefix=prefix, site=site))
    command = [NGINX, "-c", str(main), "-p", str(prefix), "-e", str(prefix / "error.log")]
    check = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True, timeout=30)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t: {check.stderr}")
    with open(prefix / "nginx.out", "w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    server = Nginx(prefix, port, process)
    try:
        deadline = time.monotonic() + 30
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not listen on {port}: "
                                   + (prefix / "error.log").read_text())
            time.sleep(0.05)
        yield server
    finally:
        server.stop()


LOG_LINE = re.compile(r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) \d+ '
                      r"upstream=(?P<upstream>.*?) upstream_status=(?P<upstream_status>.*?) "
                      r"visitor=(?P<visitor>\S*) ")


def parse_log_line(line: str) -> dict[str, str] | None:
    """One access log line of ``deploy/nginx.conf``'s format as a dict, or None. ``upstream``
    lists every instance tried, comma-separated (``127.0.0.1:1, 127.0.0.1:2`` after a
    failover)."""
    match = LOG_LINE.search(line)
    return match.groupdict() if match else None
