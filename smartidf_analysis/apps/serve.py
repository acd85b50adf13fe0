"""``smartidf serve``: ``panel serve`` on the pages' entry scripts (inside the package) with the
project's settings, run under a supervisor that stops every server process (:mod:`.supervisor`)."""

from __future__ import annotations

import argparse
import ctypes.util
import os
import runpy
import sys
from pathlib import Path

from smartidf_analysis import config
from smartidf_analysis.apps import supervisor
from smartidf_analysis.errors import SmartidfError

# One entry script per page, inside the package (so an installed wheel serves them): `panel
# serve` takes script paths, and the file name is the page's URL path. dashboards/*.py of a
# checkout run the same scripts (run_page_script).
PAGE_SCRIPTS = Path(__file__).resolve().parent / "page_scripts"
SETUP = Path(__file__).resolve().parent / "warmup.py"  # caches filled, heap frozen (each process)
LIVENESS_ENDPOINT = "liveness"  # Panel's --liveness-endpoint: for load balancers


# The server's C allocator (see server_environment). Measured with benchmarks/load.py, 20
# sessions then 100 opened and closed (2 cores, real data, 2026-12-02): CPython's pymalloc,
# widget p95 0.72 s, memory +11.9 % after the 100 (its 1 MiB arenas stay resident while one
# object in them lives: 316 arenas for 144 MiB of live objects, 169 MiB in empty pools);
# glibc malloc, p95 1.11-1.22 s, +5.6-7.5 %; jemalloc, p95 0.66 s, -8.3 %.
JEMALLOC_CONF = "background_thread:true,dirty_decay_ms:5000,muzzy_decay_ms:0"


def server_environment(environ: dict[str, str], find=ctypes.util.find_library) -> dict[str, str]:
    """Environment of the ``panel serve`` process: jemalloc when the system has it.

    With ``libjemalloc`` installed (Debian: ``libjemalloc2``, see ``make jemalloc``) Python
    objects go through jemalloc (``PYTHONMALLOC=malloc`` + ``LD_PRELOAD``), which hands the
    memory of closed sessions back to the system within seconds. Without it, or with
    ``SMARTIDF_ALLOCATOR=pymalloc``, CPython's own allocator is kept.

    Parameters
    ----------
    environ : dict of str to str
        The environment to start from (not changed).
    find : callable
        Finds a shared library by name (``ctypes.util.find_library``).

    Returns
    -------
    dict of str to str
        A copy of ``environ`` with ``LD_PRELOAD``, ``PYTHONMALLOC`` and ``MALLOC_CONF`` set
        when jemalloc is used.
    """
    env = dict(environ)
    if env.get("SMARTIDF_ALLOCATOR", "jemalloc") != "jemalloc":
        return env
    library = find("jemalloc")
    if not library:
        return env
    env["LD_PRELOAD"] = " ".join(p for p in (library, env.get("LD_PRELOAD", "")) if p)
    env.setdefault("PYTHONMALLOC", "malloc")
    env.setdefault("MALLOC_CONF", JEMALLOC_CONF)
    return env


def server_processes(requested: int | None, *, dev: bool = False,
                     cores: int | None = None) -> int:
    """Server processes for ``--num-procs``: ``requested``, or one per core
    (``os.cpu_count()``) when it is None or 0. Callbacks run on each process's event loop (no
    thread pool), so the processes are what spreads page openings over the cores. A page's
    websocket may land on another process than the one that served its HTML: with session
    reuse (:func:`~smartidf_analysis.apps.shell.page_html_key`) the visitor's session is
    built there, once, with the same local stylesheet URLs
    (:func:`~smartidf_analysis.apps.shell.serve_stylesheets_locally`). ``--dev``
    (autoreload) runs one process.

    Parameters
    ----------
    requested : int or None
        ``--num-procs``; None or 0: one per core.
    dev : bool
        ``--dev`` (autoreload).
    cores : int, optional
        Cores to count on; default ``os.cpu_count()``.

    Returns
    -------
    int
        Number of processes.

    Raises
    ------
    smartidf_analysis.errors.SmartidfError
        For a negative number, or more than one process with ``dev``.
    """
    if requested is not None and requested < 0:
        raise SmartidfError(f"--num-procs {requested}: expected 0 (one per core) or more")
    if dev:
        if requested not in (None, 1):
            raise SmartidfError("--num-procs cannot be combined with --dev (autoreload)")
        return 1
    return requested or cores or os.cpu_count() or 1


def page_scripts() -> list[Path]:
    """The pages' entry scripts (``page_scripts/<page>.py``), sorted by name.

    Returns
    -------
    list of Path
        The scripts.
    """
    return sorted(p for p in PAGE_SCRIPTS.glob("*.py") if not p.name.startswith("_"))


def run_page_script(page: str) -> None:
    """Run the entry script of ``page`` in this session (what ``dashboards/<page>.py`` does,
    so that ``panel serve dashboards/`` serves the same pages as ``smartidf serve``).

    Parameters
    ----------
    page : str
        The page's name.

    Raises
    ------
    smartidf_analysis.errors.SmartidfError
        When the page has no entry script.
    """
    script = PAGE_SCRIPTS / f"{page}.py"
    if not script.is_file():
        raise SmartidfError(f"no entry script for page {page!r} in {PAGE_SCRIPTS}")
    runpy.run_path(str(script))


def panel_command(args: argparse.Namespace) -> list[str]:
    """The ``panel serve`` command line for ``args`` (see ``smartidf serve --help``).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``smartidf serve`` arguments.

    Returns
    -------
    list of str
        The command.

    Raises
    ------
    smartidf_analysis.errors.SmartidfError
        Without page scripts, or when the chosen authentication lacks its settings.
    """
    pages = [str(p) for p in page_scripts()]
    if not pages:
        raise SmartidfError(f"no page entry scripts found in {PAGE_SCRIPTS}")
    origins = list(args.allow_websocket_origin or [f"{args.address}:{args.port}"])
    if args.address in ("127.0.0.1", "0.0.0.0"):
        origins.append(f"localhost:{args.port}")
    cmd = [sys.executable, "-m", "panel", "serve", *pages, "--address", args.address,
           "--port", str(args.port),
           "--index", "overview",
           "--unused-session-lifetime", str(args.unused_session_lifetime),
           "--check-unused-sessions", str(args.check_unused_sessions),
           "--setup", str(SETUP)]
    for origin in dict.fromkeys(origins):
        cmd += ["--allow-websocket-origin", origin]
    settings = config.serve_settings()
    if args.auth != "none":
        if not settings["cookie_secret"]:  # given in the environment (secret_environment)
            raise SmartidfError("authentication needs a cookie secret: set SMARTIDF_COOKIE_SECRET")
        if args.auth == "basic":
            creds = settings["basic_auth"]
            if not creds:
                raise SmartidfError("--auth basic needs SMARTIDF_BASIC_AUTH: a password, or the "
                                    "path of a JSON file {user: password}")
            cmd += ["--basic-auth", creds]
        else:
            if not settings["oauth_provider"]:
                raise SmartidfError("--auth oauth needs SMARTIDF_OAUTH_PROVIDER and Panel's "
                                    "PANEL_OAUTH_KEY / PANEL_OAUTH_SECRET variables")
            cmd += ["--oauth-provider", settings["oauth_provider"]]
    procs = server_processes(args.num_procs, dev=args.dev)
    if procs != 1:
        cmd += ["--num-procs", str(procs)]
    if not args.dev:  # one session per opened page (see shell.page_html_key); not with
        # autoreload, whose reloaded code must not be served through a kept session
        cmd.append("--reuse-sessions")
    if getattr(args, "use_xheaders", False):  # behind a reverse proxy (deploy/nginx.conf)
        cmd.append("--use-xheaders")
    if getattr(args, "liveness", True):  # GET /liveness: 200 {"/liveness": true}, no login
        cmd += ["--liveness", "--liveness-endpoint", LIVENESS_ENDPOINT]
    if args.show:
        cmd.append("--show")
    if args.dev:
        cmd.append("--dev")
    return cmd


def secret_environment(args: argparse.Namespace) -> dict[str, str]:
    """What ``panel serve`` is given in its environment rather than on its command line,
    which every local user can read (``ps``): the cookie secret (Panel's
    ``PANEL_COOKIE_SECRET``). A basic-auth *password* stays on the command line (Panel
    lower-cases ``PANEL_BASIC_AUTH``): give ``SMARTIDF_BASIC_AUTH`` the path of a JSON file
    ``{user: password}`` instead (:func:`serve` says so).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``smartidf serve`` arguments.

    Returns
    -------
    dict of str to str
        ``PANEL_COOKIE_SECRET`` when authentication is on, else nothing.
    """
    secret = config.serve_settings()["cookie_secret"]
    return {"PANEL_COOKIE_SECRET": secret} if args.auth != "none" and secret else {}


def serve(args: argparse.Namespace, announce=None) -> int:
    """Run ``panel serve`` until it ends or SIGTERM, SIGINT or SIGHUP stops it (with every
    process it started, :func:`.supervisor.supervise`); the database must exist (opened
    read-only by every page) and the port be free (checked before anything starts: a busy
    port is a one-line error). ``announce()`` is called once all is checked.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``smartidf serve`` arguments.
    announce : callable, optional
        Called without arguments before the server starts.

    Returns
    -------
    int
        The exit status (see :func:`.supervisor.supervise`).

    Raises
    ------
    smartidf_analysis.errors.SmartidfError
        Without a database, a busy port, or bad settings (:func:`panel_command`).
    """
    db = config.db_path()
    if not Path(db).exists():
        raise SmartidfError(f"no database at {db}: run `smartidf data build` first")
    env = {k: v for k, v in os.environ.items()  # ours only: Panel refuses two secrets
           if k not in ("PANEL_COOKIE_SECRET", "BOKEH_COOKIE_SECRET")}
    env = server_environment({**env, "SMARTIDF_DB": str(db), **secret_environment(args)})
    cmd = panel_command(args)
    creds = config.serve_settings()["basic_auth"]
    if args.auth == "basic" and creds and not Path(creds).is_file():
        print("smartidf serve: SMARTIDF_BASIC_AUTH is a password, so it is on the panel serve "
              "command line, which every local user can read (ps); give it the path of a JSON "
              "file {user: password} instead", file=sys.stderr)
    supervisor.check_port_free(args.address, args.port)
    if announce is not None:
        announce()
    return supervisor.supervise(cmd, env)
