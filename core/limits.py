"""Wall-clock and memory bounds on symbolic work, in a process that can be killed.

Parsing is bounded by the parser's own budgets, but differentiating or
simplifying a student's function can still take far longer than a classroom
can wait. Python threads cannot be stopped and ``signal.alarm`` only works in
the main thread (Streamlit runs pages in others), so the work runs in one
long-lived worker process: started once, reused for every call, killed and
replaced when a call runs out of time. The worker also caps its own address
space, so a runaway expansion fails with MemoryError instead of taking the
server down.

Only functions defined in this package can be sent, by module and name; the
worker imports them itself. Arguments and results travel as pickles over the
worker's standard streams.
"""

from __future__ import annotations

import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["SymbolicTimeout", "run_bounded", "warm_up", "wait", "loaded", "DEFAULT_TIMEOUT", "MEMORY_LIMIT"]

DEFAULT_TIMEOUT = 2.0  # seconds of work, not counting the worker's start
START_TIMEOUT = 60.0  # seconds for a new worker to import sympy and report ready
_READY = b"ready\n"
MEMORY_LIMIT = 1 << 30  # bytes of address space for the worker (1 GiB)
_HEADER = struct.Struct("!Q")


class SymbolicTimeout(RuntimeError):
    """Symbolic work took longer than its limit and was stopped."""


class _Worker:
    """One worker process and the lock that serialises calls to it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None

    def warm_up(self) -> None:
        """Start the worker now (without waiting) so the first call does not pay for it."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._process = self._start()

    def _start(self) -> subprocess.Popen:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
        return subprocess.Popen(
            [sys.executable, "-m", "core.limits", "--worker", str(MEMORY_LIMIT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=root,
            env=env,
        )

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def call(self, func: Callable, args: tuple, kwargs: dict, timeout: float) -> Any:
        request = pickle.dumps((func.__module__, func.__qualname__, args, kwargs))
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._process = self._start()
            process = self._process
            if not getattr(process, "ready", False):
                try:
                    # The time limit is for the work, not for importing sympy.
                    _read_exactly(process.stdout, len(_READY), time.monotonic() + START_TIMEOUT)
                    process.ready = True
                except (TimeoutError, EOFError, OSError):
                    self._stop()
                    raise SymbolicTimeout("the symbolic worker did not start; try again") from None
            try:
                process.stdin.write(_HEADER.pack(len(request)) + request)
                process.stdin.flush()
                status, payload = pickle.loads(_read_message(process.stdout, timeout))
            except (TimeoutError, EOFError, BrokenPipeError, OSError):
                self._stop()
                raise SymbolicTimeout(f"this took longer than {timeout:g} s of symbolic work and was stopped") from None
        if status == "error":
            raise payload
        return payload


def _read_exactly(stream, count: int, deadline: float) -> bytes:
    data = b""
    fd = stream.fileno()
    while len(data) < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise TimeoutError
        chunk = os.read(fd, count - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _read_message(stream, timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    (length,) = _HEADER.unpack(_read_exactly(stream, _HEADER.size, deadline))
    return _read_exactly(stream, length, deadline)


_WORKER = _Worker()


def warm_up() -> None:
    """Start the worker process in the background, ahead of the first request."""
    _WORKER.warm_up()


def run_bounded(func: Callable, *args: Any, timeout: float = DEFAULT_TIMEOUT, **kwargs: Any) -> Any:
    """Call ``func(*args, **kwargs)`` in the worker process, within `timeout` seconds.

    Exceptions raised by `func` are raised here; running out of time or
    memory raises SymbolicTimeout (the worker is then replaced).
    """
    if not func.__module__.startswith("core."):
        raise ValueError("only functions of the core package run in the worker")
    return _WORKER.call(func, args, kwargs, timeout)


def wait(seconds: float) -> float:
    """A task that only waits: checks the time limit end to end (tests, benchmarks)."""
    time.sleep(seconds)
    return seconds


def loaded(module: str) -> bool:
    """A task that says whether the worker has imported `module` (tests: the worker stays small)."""
    return module in sys.modules


def _serve(memory_limit: int) -> None:  # pragma: no cover - runs in the worker
    import importlib
    import resource

    # This file runs as __main__ here; errors must pickle as core.limits's own class.
    from core.limits import SymbolicTimeout as Timeout

    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    importlib.import_module("core.derivatives")  # sympy and numpy: the slow imports
    stdout.write(_READY)
    stdout.flush()
    while True:
        header = stdin.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        module_name, qualname, args, kwargs = pickle.loads(stdin.read(_HEADER.unpack(header)[0]))
        try:
            target: Any = importlib.import_module(module_name)
            for part in qualname.split("."):
                target = getattr(target, part)
            reply = ("ok", target(*args, **kwargs))
        except MemoryError:
            reply = ("error", Timeout("this needed more memory than the lesson allows and was stopped"))
        except Exception as error:  # sent back and raised in the caller
            reply = ("error", error)
        try:
            data = pickle.dumps(reply)
        except Exception as error:
            data = pickle.dumps(("error", RuntimeError(f"result could not be sent back: {error}")))
        stdout.write(_HEADER.pack(len(data)) + data)
        stdout.flush()


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:  # pragma: no cover
    _serve(int(sys.argv[2]))
