"""`smartidf serve` builds the `panel serve` command line from its options."""

from __future__ import annotations

import argparse

import pytest

from smartidf_analysis.apps.serve import panel_command, server_environment, server_processes
from smartidf_analysis.errors import SmartidfError


def _args(**over) -> argparse.Namespace:
    base = dict(port=5006, address="127.0.0.1", allow_websocket_origin=None, auth="none",
                num_procs=1, unused_session_lifetime=60_000,
                check_unused_sessions=10_000, show=False, dev=False, liveness=True)
    return argparse.Namespace(**{**base, **over})


def _value(cmd: list[str], flag: str) -> str:
    return cmd[cmd.index(flag) + 1]


def test_command_has_no_thread_pool_hygiene_and_origins():
    cmd = panel_command(_args())
    assert "--num-threads" not in cmd and "--num-procs" not in cmd  # callbacks on the loop
    assert _value(cmd, "--unused-session-lifetime") == "60000"
    assert _value(cmd, "--check-unused-sessions") == "10000"
    origins = [cmd[i + 1] for i, a in enumerate(cmd) if a == "--allow-websocket-origin"]
    assert origins == ["127.0.0.1:5006", "localhost:5006"]
    pages = [a for a in cmd if a.endswith(".py") and "/apps/page_scripts/" in a]
    from smartidf_analysis.apps.shell import PAGES

    assert sorted(p.rsplit("/", 1)[1][:-3] for p in pages) == sorted(PAGES)  # one entry file per page
    # each process warms its caches through the setup file; not --warm (see apps/warmup.py)
    assert _value(cmd, "--setup").endswith("apps/warmup.py") and "--warm" not in cmd


def test_several_processes_but_not_with_autoreload():
    assert _value(panel_command(_args(num_procs=2)), "--num-procs") == "2"
    with pytest.raises(SmartidfError, match="--dev"):
        panel_command(_args(num_procs=2, dev=True))
    assert server_processes(None, cores=6) == 6  # default: one per core
    assert server_processes(1, cores=6) == 1
    assert server_processes(0, cores=3) == 3  # 0: one per core
    assert server_processes(None, dev=True, cores=6) == 1
    assert "--num-procs" not in panel_command(_args(num_procs=None, dev=True))
    with pytest.raises(SmartidfError, match="-1"):
        server_processes(-1)


def test_liveness_endpoint_for_load_balancers_unless_removed():
    from smartidf_analysis import cli

    cmd = panel_command(_args())
    assert "--liveness" in cmd and _value(cmd, "--liveness-endpoint") == "liveness"
    assert "--liveness" not in panel_command(_args(liveness=False))
    assert cli.parser().parse_args(["serve"]).liveness is True
    assert cli.parser().parse_args(["serve", "--no-liveness"]).liveness is False


def test_auth_needs_a_cookie_secret(monkeypatch):
    monkeypatch.delenv("SMARTIDF_COOKIE_SECRET", raising=False)
    with pytest.raises(SmartidfError, match="cookie secret"):
        panel_command(_args(auth="basic"))


def test_secrets_are_not_on_the_command_line(monkeypatch, tmp_path):
    """The cookie secret reaches ``panel serve`` in its environment: a command line is
    readable by every local user (``ps``)."""
    from smartidf_analysis.apps.serve import secret_environment

    credentials = tmp_path / "credentials.json"
    credentials.write_text('{"elu": "correct-horse"}')
    monkeypatch.setenv("SMARTIDF_COOKIE_SECRET", "s3cret-Cookie-value")
    monkeypatch.setenv("SMARTIDF_BASIC_AUTH", str(credentials))
    args = _args(auth="basic")
    cmd = " ".join(panel_command(args))
    assert "s3cret-Cookie-value" not in cmd and "--cookie-secret" not in cmd
    assert _value(panel_command(args), "--basic-auth") == str(credentials)
    assert secret_environment(args) == {"PANEL_COOKIE_SECRET": "s3cret-Cookie-value"}
    assert secret_environment(_args()) == {}  # no auth: no secret handed over
    origins = ["example.org"]
    panel_command(_args(allow_websocket_origin=origins))
    assert origins == ["example.org"]  # the caller's list is not changed


def test_server_uses_jemalloc_when_the_system_has_it():
    env = server_environment({"LD_PRELOAD": "libother.so"}, find=lambda name: f"lib{name}.so.2")
    assert env["LD_PRELOAD"] == "libjemalloc.so.2 libother.so"
    assert env["PYTHONMALLOC"] == "malloc" and "background_thread:true" in env["MALLOC_CONF"]
    assert server_environment({}, find=lambda name: None) == {}  # not installed: pymalloc
    kept = {"SMARTIDF_ALLOCATOR": "pymalloc"}
    assert server_environment(kept, find=lambda name: "libjemalloc.so.2") == kept


class _Request:
    """What ``page_html_key`` reads of a Tornado request."""

    def __init__(self, path: str, arguments: dict):
        self.path, self.arguments = path, arguments


def test_pages_html_is_reused_per_page_language_refusal_and_build(tmp_path, monkeypatch):
    from smartidf_analysis.apps.shell import MAX_URL_VALUE, page_html_key

    assert "--reuse-sessions" in panel_command(_args())
    assert "--reuse-sessions" not in panel_command(_args(num_procs=None, dev=True))
    database = tmp_path / "smartidf.duckdb"
    monkeypatch.setenv("SMARTIDF_DB", str(database))
    missing = page_html_key(_Request("/overview", {}))
    assert missing[-1] == "no database"
    database.write_bytes(b"first build")
    french = page_html_key(_Request("/overview", {"section": [b"map"]}))
    assert french[:3] == ("/overview", "fr", True)
    # other URL values share the HTML; the language, another page, a refused URL do not
    assert page_html_key(_Request("/overview", {"lang": [b"fr"], "metric": [b"density"]})) == french
    assert page_html_key(_Request("/overview", {"lang": [b"xx"]})) == french  # unknown: French
    english = page_html_key(_Request("/overview", {"lang": [b"en"]}))
    assert english[1] == "en" and english != french
    assert page_html_key(_Request("/broadband", {})) != french
    refused = page_html_key(_Request("/overview", {"metric": [b"9" * (MAX_URL_VALUE + 1)]}))
    assert refused[2] is False and refused != french
    # a new build (rename over the old file) is a new key: its banner or roots may differ
    rebuilt = tmp_path / "new.duckdb"
    rebuilt.write_bytes(b"second build, synthetic")
    rebuilt.replace(database)
    assert page_html_key(_Request("/overview", {})) != french


def test_behind_a_proxy_the_forwarded_headers_are_read_only_when_asked():
    from smartidf_analysis import cli

    assert "--use-xheaders" not in panel_command(_args())
    assert "--use-xheaders" in panel_command(_args(use_xheaders=True))
    assert cli.parser().parse_args(["serve"]).use_xheaders is False
    assert cli.parser().parse_args(["serve", "--use-xheaders"]).use_xheaders is True
