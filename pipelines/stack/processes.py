"""Start, watch and stop the stack's processes: each in its own process group, logging to a file.

Readiness is always waited for (a TCP port, an HTTP endpoint, a probe function), never slept for; stopping
sends SIGTERM to the whole group, waits, then SIGKILL what is left.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

LOOPBACK = "127.0.0.1"


class StackError(RuntimeError):
    """A service of the stack did not start or did not become ready; the message names it and its log."""


def free_port() -> int:
    """A TCP port on the loopback interface that is free now."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def spawn(name: str, cmd: list[str], env: dict[str, str], log_dir: Path) -> subprocess.Popen:
    """Start ``cmd`` in a new session (its own process group), stdout+stderr to ``log_dir/<name>.log``."""
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / f"{name}.log").open("ab") as log:
        return subprocess.Popen(
            cmd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def alive(pid: int) -> bool:
    """True while any process of the group led by ``pid`` exists (reaping it first if it is our child)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_group(pid: int, timeout_s: float = 60.0) -> bool:
    """SIGTERM the process group ``pid``, wait up to ``timeout_s``, then SIGKILL it. True if it was running."""
    if not alive(pid):
        return False
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and alive(pid):
        time.sleep(0.5)
    if alive(pid):
        os.killpg(pid, signal.SIGKILL)
        while alive(pid):
            time.sleep(0.2)
    return True


def kill_group(pid: int) -> None:
    """SIGKILL the whole process group ``pid`` at once (a worker dying, not shutting down) and reap it."""
    os.killpg(pid, signal.SIGKILL)
    while alive(pid):
        time.sleep(0.2)


def tcp_ready(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=2):
            return True
    except OSError:
        return False


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 - loopback URL built here
            return resp.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_until(
    what: str, probe: Callable[[], bool], timeout_s: float, proc: subprocess.Popen | None, log: Path
) -> None:
    """Poll ``probe`` until it is true; fail with ``what`` and the log's tail if ``proc`` exits or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if probe():
            return
        if proc is not None and proc.poll() is not None:
            raise StackError(f"{what}: the process exited with {proc.returncode}; log {log}:\n{tail(log)}")
        time.sleep(1)
    raise StackError(f"{what}: not ready after {timeout_s:.0f} s; log {log}:\n{tail(log)}")


def tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
