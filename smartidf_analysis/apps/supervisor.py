"""``smartidf serve`` as a supervisor of the ``panel serve`` processes: a clean stop.

``panel serve --num-procs N`` forks N Tornado workers; its parent process only waits for
them, and a SIGTERM to it leaves the workers running, re-parented to init and still
serving on the port (measured with Panel 1.9.4, Bokeh 3.9, Tornado 6.6). So ``smartidf
serve`` does not replace itself with ``panel serve``: it starts it as a child in a process
group of its own (:func:`supervise`), and on SIGTERM, SIGINT or SIGHUP sends SIGTERM to that
whole group (each worker's Bokeh server then stops its loop), waits
:data:`STOP_GRACE_SECONDS` for every process of the group to end, then SIGKILLs what is left.

If the supervisor itself is SIGKILLed (nothing can be forwarded), Linux's
``PR_SET_PDEATHSIG`` takes over: the ``panel serve`` parent gets SIGTERM when the supervisor
dies (set before it starts, ``_die_with_parent``), and each forked worker gets SIGTERM
when that parent dies (set by the worker itself, :func:`worker_dies_with_server`, called from
the ``--setup`` file). On other systems only the signalled stop holds.
"""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import socket
import subprocess
import sys
import time

from smartidf_analysis import config
from smartidf_analysis.errors import SmartidfError

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
STOP_GRACE_SECONDS = 5.0  # SIGTERM to SIGKILL; a worker stops in well under 1 s when idle
POLL_SECONDS = 0.05  # between checks that the group is empty while stopping
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PR_SET_CHILD_SUBREAPER = 36


def _prctl_function():
    """libc's ``prctl`` (Linux), or None. Looked up before any fork: a forked child then
    only calls it."""
    if not sys.platform.startswith("linux"):
        return None
    return ctypes.CDLL(None, use_errno=True).prctl


def _prctl(option: int, value: int, prctl=None) -> bool:
    """Linux ``prctl(option, value)``; False elsewhere or when refused."""
    prctl = prctl or _prctl_function()
    return prctl is not None and prctl(option, value, 0, 0, 0) == 0


def check_port_free(address: str, port: int) -> None:
    """Raise :class:`SmartidfError` (one line) when ``address:port`` cannot be listened on.

    Binds every address ``address`` resolves to the way Tornado does (``SO_REUSEADDR``, so
    that a stopped server's TIME_WAIT connections do not count; never ``SO_REUSEPORT``), then
    closes the sockets. A port taken between this check and Panel's own bind still makes
    ``panel serve`` fail with its own error: the supervisor then exits with its status.

    Parameters
    ----------
    address : str
        Host name or IP address ("" or None: every interface).
    port : int
        TCP port.

    Raises
    ------
    smartidf_analysis.errors.SmartidfError
        When the address does not resolve, the port is in use, or binding fails.
    """
    try:
        infos = socket.getaddrinfo(address or None, port, socket.AF_UNSPEC, socket.SOCK_STREAM,
                                   0, socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise SmartidfError(f"cannot listen on {address}: {exc.strerror}") from None
    for family, kind, proto, _name, sockaddr in dict.fromkeys(infos):
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(sockaddr)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise SmartidfError(f"port {port} on {address} is already in use") from None
                raise SmartidfError(f"cannot listen on {address}:{port}: {exc.strerror}") from None


def _die_with_parent(supervisor: int):
    """What the ``panel serve`` child runs before ``exec``: SIGTERM when the supervisor
    (pid ``supervisor``) dies; exits at once if it died already."""
    prctl = _prctl_function()

    def in_child() -> None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGTERM, prctl)
        if os.getppid() != supervisor:
            os._exit(1)

    return in_child


def worker_dies_with_server() -> None:
    """In a forked server worker (``--num-procs``): SIGTERM when the ``panel serve`` process
    that forked it dies. Only under the supervisor (the worker's process group is the one
    :func:`supervise` made, led by that parent); a no-op in the group's leader itself."""
    if not config.under_supervisor():
        return
    leader = os.getpgid(0)
    if leader == os.getpid() or not _prctl(PR_SET_PDEATHSIG, signal.SIGTERM):
        return
    if os.getppid() != leader:  # the parent died before the request above: stop now
        os.kill(os.getpid(), signal.SIGTERM)


def _reap() -> None:
    """Collect every ended child (the orphaned workers come to us as subreaper)."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _group_alive(group: int) -> bool:
    _reap()
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _signal_group(group: int, signum: int) -> None:
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        pass


def _wait_group(group: int, deadline: float) -> bool:
    """Wait until no process of ``group`` is left or ``deadline`` (monotonic) passes."""
    while _group_alive(group):
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True


def stop_group(group: int, grace: float = STOP_GRACE_SECONDS, since: float | None = None) -> bool:
    """SIGTERM every process of ``group``, SIGKILL what is left ``grace`` seconds after
    ``since`` (monotonic; default now); returns True when all ended within the grace.

    Parameters
    ----------
    group : int
        Process group id.
    grace : float
        Seconds allowed after ``since`` [s].
    since : float, optional
        Start of the grace, ``time.monotonic()`` [s]; default now.

    Returns
    -------
    bool
        True when no SIGKILL was needed.
    """
    since = time.monotonic() if since is None else since
    _signal_group(group, signal.SIGTERM)
    if _wait_group(group, since + grace):
        return True
    _signal_group(group, signal.SIGKILL)
    _wait_group(group, time.monotonic() + grace)
    return False


class _StopRequested(Exception):
    """Raised by the signal handler to end the supervisor's wait for its child."""


def exit_status(returncode: int) -> int:
    """A child's return code as a shell exit status (killed by signal N: 128 + N).

    Parameters
    ----------
    returncode : int
        ``Popen.returncode`` (negative: killed by that signal).

    Returns
    -------
    int
        The exit status.
    """
    return 128 - returncode if returncode < 0 else returncode


def _stopped(group: int, grace: float, requested: list[tuple[int, float]]) -> int:
    """Stop ``group`` on the first signal ``requested``, say so; exit status 0."""
    clean = stop_group(group, grace, since=requested[0][1])
    name = signal.Signals(requested[0][0]).name
    print(f"smartidf serve: stopped on {name}" + ("" if clean else
          f" (processes still running after {grace:g} s were killed)"), file=sys.stderr)
    return 0


def supervise(cmd: list[str], env: dict[str, str], grace: float = STOP_GRACE_SECONDS) -> int:
    """Run ``cmd`` in a process group of its own until it ends or a stop signal comes.

    SIGTERM, SIGINT and SIGHUP stop the whole group (:func:`stop_group`; a second signal
    SIGKILLs it at once) and return 0. If the child ends on its own, what it left of its
    group is stopped too and its exit status is returned.

    Parameters
    ----------
    cmd : list of str
        The command.
    env : dict of str to str
        Its environment (``SMARTIDF_SUPERVISOR_PID`` is added).
    grace : float
        Seconds between SIGTERM and SIGKILL when stopping [s].

    Returns
    -------
    int
        0 after a stop signal, else the child's exit status (:func:`exit_status`).
    """
    requested: list[tuple[int, float]] = []  # (signal, monotonic time)
    group: list[int] = []  # the child's pid (= its process group) once started
    waiting = [False]  # in the wait for the child, which a stop request ends

    def on_signal(signum, _frame):
        requested.append((signum, time.monotonic()))
        if waiting[0]:
            waiting[0] = False
            raise _StopRequested
        if group and len(requested) > 1:
            _signal_group(group[0], signal.SIGKILL)  # asked again while stopping

    previous = {signum: signal.signal(signum, on_signal) for signum in STOP_SIGNALS}
    try:
        _prctl(PR_SET_CHILD_SUBREAPER, 1)  # orphaned workers come back to us to be reaped
        child = subprocess.Popen(cmd, env={**env, "SMARTIDF_SUPERVISOR_PID": str(os.getpid())},
                                 start_new_session=True,
                                 preexec_fn=_die_with_parent(os.getpid()))
        group.append(child.pid)
        try:
            waiting[0] = True
            if requested:  # a signal came while starting
                raise _StopRequested
            returncode = child.wait()
            waiting[0] = False
        except _StopRequested:
            return _stopped(child.pid, grace, requested)
        if requested:  # came after the child's end, before the wait was left
            return _stopped(child.pid, grace, requested)
        stop_group(child.pid, grace)  # what the child left, if anything
        return exit_status(returncode)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
