"""Two `smartidf serve` instances (one process each) behind a real nginx running the operator's
own `deploy/nginx.conf`, on 127.0.0.1: pages open and a widget updates through the proxy on
each instance, a visitor's page and its websocket stay on one instance (the visitor cookie);
with one instance stopped, new visitors, even those the hash sends to it, still get live
pages (passive failover); with `--auth basic` a stranger meets the login page and a user
logged in on one instance is let in by the other (same cookie secret). Which instance
answered each request comes from nginx's access log (`upstream=` lists every one tried)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect
from proxying import NGINX, TEMPLATE, VISITOR_COOKIE, free_port, nginx, parse_log_line, render_nginx_conf
from serving import server_errors, start_server, stop_server, wait_http

TIMEOUT = 60_000  # [ms] Playwright
STOP_LIMIT = 10.0  # [s] `smartidf serve` stops within it (tests/ui/test_stop.py)
PASSWORD = "correct-horse"


@contextlib.contextmanager
def proxied(db: Path, tmp: Path, *extra: str, env: dict | None = None):
    """Two instances on free ports behind nginx; yields (nginx, {address: supervisor})."""
    if not Path(NGINX).exists():
        pytest.skip(f"{NGINX} missing: install Debian's nginx (.ci/run)")
    port = free_port()
    started = {}
    try:
        for name in ("a", "b"):
            (tmp / name).mkdir()
            proc, url, log = start_server(db, tmp / name, "--num-procs", "1", "--use-xheaders",
                                          "--allow-websocket-origin", f"127.0.0.1:{port}",
                                          *extra, env=env)
            started[url.removeprefix("http://")] = (proc, log)
        for address, (_proc, log) in started.items():  # both warm up at once
            try:
                wait_http(f"http://{address}/liveness")
            except RuntimeError:
                raise RuntimeError(log.read_text()) from None
        with nginx(list(started), tmp / "nginx", port) as proxy:
            yield proxy, {address: proc for address, (proc, _log) in started.items()}
    finally:
        for proc, _log in started.values():
            stop_server(proc)
    errors = [e for _proc, log in started.values() for e in server_errors(log.read_text())]
    assert errors == []


def visitors(proxy, addresses) -> dict[str, str]:
    """A visitor cookie value that the proxy's hash sends to each instance (found by asking
    /liveness with candidate values and reading which instance answered)."""
    found: dict[str, str] = {}
    for i in range(64):
        key = f"visitor-{i}"
        request = urllib.request.Request(f"{proxy.url}/liveness",
                                         headers={"Cookie": f"{VISITOR_COOKIE}={key}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            assert response.headers.get("Set-Cookie") is None  # the visitor has one already
        line = lines_of(proxy, key, wait_for="/liveness")[-1]
        found.setdefault(line["upstream"], key)
        if set(found) >= set(addresses):
            return {address: found[address] for address in addresses}
    raise AssertionError(f"64 visitors all went to {sorted(found)}")


def lines_of(proxy, visitor: str, wait_for: str | None = None, since: int = 0) -> list[dict]:
    """The access log lines of ``visitor`` from line ``since`` on, once one for path
    ``wait_for`` is there."""
    def mine(line):
        parsed = parse_log_line(line)
        return parsed is not None and parsed["visitor"] == visitor

    if wait_for is not None:
        proxy.wait_log(lambda line: mine(line) and f" {wait_for} " in line.split('"')[1],
                       since=since)
    return [parse_log_line(line) for line in proxy.log_lines()[since:] if mine(line)]


def open_and_change(context, url: str) -> None:
    """The overview through the proxy: its content arrives over the websocket, and a click on
    density redraws the map's caption (a round trip through the same websocket)."""
    page = context.new_page()
    page.goto(f"{url}/overview", timeout=TIMEOUT)
    caption = page.locator(".map-caption p").first
    expect(caption).to_contain_text("Population municipale", timeout=TIMEOUT)
    page.get_by_role("button", name="Densité (hab./km²)").click()
    expect(caption).to_contain_text("Densité de population", timeout=TIMEOUT)
    page.close()  # the websocket closes: nginx logs it


def visitor_context(browser, proxy, key: str):
    context = browser.new_context()
    context.add_cookies([{"name": VISITOR_COOKIE, "value": key, "url": proxy.url}])
    return context


def page_and_websocket(proxy, visitor: str, since: int = 0) -> list[dict]:
    """The visitor's requests (from log line ``since``) once its overview websocket was
    logged: its last two overview requests are the page (200) and the websocket (101)."""
    lines = lines_of(proxy, visitor, wait_for="/overview/ws", since=since)
    assert [(x["path"], x["status"]) for x in lines if x["path"].startswith("/overview")] \
        [-2:] == [("/overview", "200"), ("/overview/ws", "101")], lines
    return lines


def _status(url: str, headers: dict | None = None) -> tuple[int, str]:
    """HTTP status and Location of ``url``, redirects not followed."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", "")


@pytest.fixture(scope="module")
def pair(app_db, tmp_path_factory):
    with proxied(app_db, tmp_path_factory.mktemp("proxy")) as served:
        yield served


def test_pages_open_and_a_widget_updates_through_the_proxy_on_each_instance(browser, pair):
    proxy, instances = pair
    for address, key in visitors(proxy, list(instances)).items():
        context = visitor_context(browser, proxy, key)
        open_and_change(context, proxy.url)
        context.close()
        # the page, its scripts and stylesheets and its websocket: all on that one instance
        assert {x["upstream"] for x in page_and_websocket(proxy, key)} == {address}


def test_a_new_visitor_gets_the_cookie_that_keeps_its_websocket_on_its_instance(browser, pair):
    proxy, instances = pair
    context = browser.new_context()  # no cookie yet: hashed on the first request's id
    open_and_change(context, proxy.url)
    (cookie,) = [c["value"] for c in context.cookies() if c["name"] == VISITOR_COOKIE]
    context.close()
    lines = page_and_websocket(proxy, cookie)
    assert lines[0]["path"] == "/overview"  # the first request, hashed on the cookie's value
    assert len({x["upstream"] for x in lines}) == 1 and lines[0]["upstream"] in instances


@pytest.fixture
def own_pair(app_db, tmp_path):
    """A pair of this test's own: the test stops one of its instances (the module's
    ``pair`` must keep both for the tests that run after it, in whatever order)."""
    with proxied(app_db, tmp_path) as served:
        yield served


def test_new_visitors_still_get_live_pages_with_one_instance_stopped(browser, own_pair):
    proxy, instances = own_pair
    keys = visitors(proxy, list(instances))
    stopped, running = list(instances)
    since = len(proxy.log_lines())
    instances[stopped].send_signal(signal.SIGTERM)  # to the supervisor only
    assert instances[stopped].wait(timeout=STOP_LIMIT) == 0
    context = visitor_context(browser, proxy, keys[stopped])  # hashed to the stopped one
    open_and_change(context, proxy.url)
    context.close()
    after = page_and_websocket(proxy, keys[stopped], since)
    # its first request was refused by the stopped instance and passed on to the other
    assert after[0]["path"] == "/overview" and after[0]["status"] == "200"
    assert after[0]["upstream"] == f"{stopped}, {running}"
    assert {x["upstream"].split(", ")[-1] for x in after} == {running}
    for _ in range(3):  # and visitors without a cookie all get the page
        assert _status(f"{proxy.url}/overview")[0] == 200


@pytest.fixture(scope="module")
def auth_pair(app_db, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("proxy-auth")
    credentials = tmp / "credentials.json"
    credentials.write_text(json.dumps({"elu": PASSWORD}))
    env = {"SMARTIDF_BASIC_AUTH": str(credentials), "SMARTIDF_COOKIE_SECRET": os.urandom(16).hex()}
    with proxied(app_db, tmp, "--auth", "basic", env=env) as served:
        yield served


def test_a_stranger_is_refused_by_either_instance_behind_the_proxy(browser, auth_pair):
    proxy, instances = auth_pair
    for address, key in visitors(proxy, list(instances)).items():
        status, location = _status(f"{proxy.url}/overview",
                                   {"Cookie": f"{VISITOR_COOKIE}={key}"})
        assert (status, location) == (302, "./login?next=%2Foverview")
        assert lines_of(proxy, key, wait_for="/overview")[-1]["upstream"] == address
    page = browser.new_page()
    page.goto(f"{proxy.url}/overview", timeout=TIMEOUT)
    expect(page).to_have_url(f"{proxy.url}/login?next=%2Foverview", timeout=TIMEOUT)
    expect(page.locator("input[name=password]")).to_be_visible(timeout=TIMEOUT)
    page.close()


def test_a_user_logged_in_on_one_instance_gets_pages_and_websockets_on_both(browser,
                                                                           auth_pair):
    proxy, instances = auth_pair
    keys = visitors(proxy, list(instances))
    first, other = list(instances)
    context = visitor_context(browser, proxy, keys[first])
    page = context.new_page()
    page.goto(f"{proxy.url}/overview", timeout=TIMEOUT)
    expect(page).to_have_url(f"{proxy.url}/login?next=%2Foverview", timeout=TIMEOUT)
    page.fill("input[name=username]", "elu")
    page.fill("input[name=password]", PASSWORD)
    page.locator("button, input[type=submit]").first.click()
    expect(page).to_have_url(f"{proxy.url}/overview", timeout=TIMEOUT)
    page.close()
    open_and_change(context, proxy.url)
    assert {x["upstream"] for x in page_and_websocket(proxy, keys[first])} == {first}
    # the same login cookie, the visitor now hashed to the other instance
    context.add_cookies([{"name": VISITOR_COOKIE, "value": keys[other], "url": proxy.url}])
    open_and_change(context, proxy.url)
    context.close()
    lines = page_and_websocket(proxy, keys[other])
    assert {x["upstream"] for x in lines if x["path"].startswith("/overview")} == {other}
    assert not any(x["path"].startswith("/login") for x in lines)  # no second login


def test_the_operators_file_renders_one_server_line_per_instance_and_nothing_left():
    text = render_nginx_conf(["10.0.0.11:5006", "10.0.0.12:5006", "10.0.0.13:5007"], "80",
                             "dashboards.example.org")
    servers = [line.split() for line in text.splitlines()
               if line.strip().startswith("server ") and not line.strip().endswith("{")]
    assert [s[1] for s in servers] == ["10.0.0.11:5006", "10.0.0.12:5006", "10.0.0.13:5007"]
    assert all(s[2:] == servers[0][2:] and "max_fails=1" in s for s in servers)
    assert "listen 80;" in text and "server_name dashboards.example.org;" in text
    assert "__" not in "\n".join(line.split("#")[0] for line in text.splitlines())
    assert TEMPLATE.read_text().count("    server __UPSTREAM__") == 1  # the line to repeat
    with pytest.raises(ValueError, match="__PORT__"):
        render_nginx_conf(["h:1"], "80", template="listen __PORT__;\nserver __UPSTREAM__;")
    with pytest.raises(ValueError, match="at least one"):
        render_nginx_conf([], "80")
