"""Measuring one step in a fresh process: wall time, CPU time and peak memory that are its own.

The parent runs ``python -m bench.… --child …`` (:func:`run_child`); the child does the work inside
:func:`child_report`, which prints one line ``BENCH-RESULT {json}`` with what the step reported
and its peak resident memory (``VmHWM`` from ``/proc/self/status``; ``ru_maxrss`` where there is
no ``/proc``). CPU time is the child's user + system time (all its threads), from
``getrusage(RUSAGE_CHILDREN)`` taken before and after. The child's standard error goes straight
to the parent's, so progress shows while a long step runs.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MARKER = "BENCH-RESULT "


@dataclass
class Measurement:
    """One child run: did it finish, how long, how much CPU and memory, and what it reported."""

    ok: bool
    wall: float
    cpu: float
    peak_mb: float
    details: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    timed_out: bool = False

    def describe_failure(self) -> str:
        if self.timed_out:
            return f"> {self.wall:.0f} s (timed out)"
        return f"failed: {self.error.strip().splitlines()[-1] if self.error.strip() else '?'}"


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss() -> bool:
    """Reset this process's peak RSS to its current RSS (Linux ``clear_refs``); True if done."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def child_report(work: Callable[[], dict[str, Any]]) -> int:
    """Run ``work`` and print its details with this process's peak memory; the exit code."""
    started = time.perf_counter()
    try:
        details = work()
    except Exception as err:  # a failed step is a result of the benchmark, reported as such
        traceback.print_exc()
        print(MARKER + json.dumps({"error": f"{type(err).__name__}: {err}"}), flush=True)
        return 1
    details.setdefault("wall", time.perf_counter() - started)
    details["peak_mb"] = peak_rss_mb()
    print(MARKER + json.dumps(details, default=str), flush=True)
    return 0


def run_child(command: Sequence[str], *, timeout: float, cwd: Path) -> Measurement:
    """Run ``command`` (a :func:`child_report` child) with a time limit; measure it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(cwd) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, so a timeout ends all of it
    )
    try:
        out, _ = process.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, _ = process.communicate()
        timed_out = True
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    details: dict[str, Any] = {}
    for line in out.splitlines():
        if line.startswith(MARKER):
            details = json.loads(line[len(MARKER) :])
    error = details.pop("error", "") if details else ("" if timed_out else out[-500:])
    ok = not timed_out and process.returncode == 0 and bool(details) and not error
    return Measurement(
        ok=ok,
        wall=wall,
        cpu=cpu,
        peak_mb=float(details.pop("peak_mb", 0.0)) if details else 0.0,
        details=details,
        error=str(error),
        timed_out=timed_out,
    )


def python() -> str:
    """The interpreter to run children with: this one."""
    return sys.executable
