"""The benchmark: the plain path (rdflib in memory, owlrl, pySHACL) against the Oxigraph store
(pyoxigraph on disk, :mod:`kg.fastreason`, :mod:`kg.fastvalidate`), side by side, on generated
graphs of growing size.

    python -m bench.run                      # 1,000 and 10,000 people
    python -m bench.run --sizes 1k,10k,100k  # the plain path is extrapolated above --plain-max
    python -m bench.run --quick              # a tiny graph, seconds: that it all still runs

For each size and path, each step runs in a fresh process (:mod:`bench.measure`), so its time
and peak memory are its own:

- ``load``: parse the ontology and the generated Turtle (rdflib; Oxigraph's bulk loader into
  an on-disk store);
- ``reason``: OWL RL closure (owlrl; :func:`kg.fastreason.reason_store`, written to the store's
  inferred graph);
- ``validate``: SHACL (pySHACL with RDFS inference, the plain path of the issue, and
  :func:`kg.validate.validate`, pySHACL without inference, what ``kg validate`` runs;
  :func:`kg.fastvalidate.validate_store`);
- ``query``: every named query and check of ``queries/`` (rdflib through
  :class:`kg.store.MemoryStore`; :class:`kg.store.OxigraphStore`), with parameters that exist in
  the generated graph (:func:`bench.generate.parameters`).

A step that needs the graph loads it first, untimed; the peak memory of a step is that of its
whole process (load included), which is what a user of that command needs. Above
``--plain-max`` people the plain path is not run: its figures are extrapolated from the two
largest sizes it ran at, and labelled so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import generate
from bench.measure import Measurement, child_report, run_child

ROOT = Path(__file__).resolve().parent.parent
PATHS = ("plain", "oxigraph")
#: The issue's targets at 100,000 people, on this machine.
TARGETS = {"load": 10.0, "reason": 60.0, "validate": 120.0, "query": 2.0, "peak_mb": 3 * 1024.0}


# --- the steps, run in a child process -------------------------------------------------------


def _repo() -> Any:
    from kg.load import find_repository

    return find_repository(ROOT)


def _plain_graph(data: Path) -> Any:
    from kg.load import load_files

    return load_files([_repo().ontology, data])


def _store_path(cache: Path, people: int, seed: int) -> Path:
    return cache / f"oxigraph-{people}-seed-{seed}"


def _progress(message: str) -> None:
    print(f"    {message}", file=sys.stderr, flush=True)


def step(path: str, name: str, data: Path, store_dir: Path, query_timeout: float) -> dict[str, Any]:
    """One measured step; returns what to report (``seconds`` is the timed part)."""
    clock = time.perf_counter
    if path == "plain":
        if name == "load":
            started = clock()
            loaded = _plain_graph(data)
            return {"seconds": clock() - started, "triples": len(loaded.graph)}
        loaded = _plain_graph(data)
        if name == "reason":
            from kg.reason import reason

            started = clock()
            inference = reason(loaded.graph)
            return {"seconds": clock() - started, "inferred": len(inference.inferred)}
        if name == "validate":
            from pyshacl import validate as shacl_validate

            from kg.load import parse_file

            shapes = parse_file(_repo().shapes)
            started = clock()
            conforms, _results, _text = shacl_validate(
                loaded.graph,
                shacl_graph=shapes,
                inference="rdfs",
                advanced=True,
                allow_warnings=True,
            )
            return {"seconds": clock() - started, "conforms": bool(conforms)}
        if name == "validate-noinf":
            from kg.validate import validate

            repo = _repo()
            started = clock()
            report = validate(loaded, repo.shapes, root=repo.root)
            return {
                "seconds": clock() - started,
                "problems": len(report.problems),
                "violations": len(report.violations),
            }
        if name == "queries":
            from kg.store import MemoryStore

            return _queries(MemoryStore(loaded.graph), data, query_timeout)
    if path == "oxigraph":
        import pyoxigraph as ox

        if name == "load":
            if store_dir.exists():
                shutil.rmtree(store_dir)
            from kg.load import load_into_oxigraph  # what `kg ... --store oxigraph` does

            started = clock()
            store = ox.Store(str(store_dir))
            load_into_oxigraph(store, [_repo().ontology, data])
            store.flush()
            seconds = clock() - started
            return {"seconds": seconds, "triples": len(store)}
        if name == "reason":
            from kg.fastreason import reason_store

            store = ox.Store(str(store_dir))
            started = clock()
            result = reason_store(store, sources=[_repo().ontology, data], progress=_progress)
            store.flush()
            return {
                "seconds": clock() - started,
                "inferred": result.inferred,
                "phases": {k: round(v, 2) for k, v in result.seconds.items()},
            }
        if name == "validate":
            from kg.fastvalidate import validate_store

            repo = _repo()
            store = ox.Store(str(store_dir))
            started = clock()
            report, timing = validate_store(
                store, repo.shapes, files=[repo.ontology, data], root=repo.root, progress=_progress
            )
            return {
                "seconds": clock() - started,
                "problems": len(report.problems),
                "violations": len(report.violations),
                "slowest": [(label, round(s, 2)) for label, s, _n in timing.checks[:3]],
            }
        if name.startswith("query:"):
            from kg.store import OxigraphStore

            with OxigraphStore(store_dir) as store:
                return _queries(store, data, query_timeout, only=name.removeprefix("query:"))
    raise ValueError(f"unknown step {path}/{name}")


class _Timeout(BaseException):  # not an Exception: kg.queries turns those into QueryError
    """A query ran out of time."""


def _queries(store: Any, data: Path, timeout: float, only: str | None = None) -> dict[str, Any]:
    """Every named query (checks included), or the one called ``only``, on ``store``, each
    under a time limit (an alarm: rdflib's engine is Python, so it stops where it is)."""
    from kg.queries import SelectResult, discover

    parameters = generate.summary_of(data).parameters
    queries = discover(_repo().queries)
    if only is not None:
        queries = {only: queries[only]}
    timings: dict[str, Any] = {}

    def expire(_signum: int, _frame: Any) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        for name, query in sorted(queries.items()):
            values = parameters.get(name, {})
            try:
                bindings = query.bindings(values)
            except Exception as err:  # a parameter without default the generator cannot fill
                timings[name] = {"skipped": f"{type(err).__name__}: {err}"}
                continue
            started = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                result = store.query(query.text, bindings)
                rows = len(result.rows) if isinstance(result, SelectResult) else 1
                timings[name] = {"seconds": time.perf_counter() - started, "rows": rows}
            except _Timeout:
                timings[name] = {"timeout": timeout}
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            _progress(f"{name}: {_cell_text(timings[name])}")
    finally:
        signal.signal(signal.SIGALRM, previous)
    return {"queries": timings}


def _cell_text(timing: dict[str, Any]) -> str:
    if "timeout" in timing:
        return f"> {timing['timeout']:.0f} s (timed out)"
    if "skipped" in timing:
        return "skipped"
    return f"{timing['seconds']:.3f} s, {timing['rows']} rows"


# --- the parent: running, extrapolating, printing ----------------------------------------------


@dataclass
class Cell:
    """One figure of the table: measured, extrapolated, timed out or not run."""

    seconds: float | None = None
    peak_mb: float | None = None
    extrapolated: bool = False
    timed_out: bool = False
    note: str = ""

    def text(self) -> str:
        if self.seconds is None:
            return self.note or "-"
        prefix = ">" if self.timed_out else ("~" if self.extrapolated else "")
        return f"{prefix}{_fmt(self.seconds)}"

    def mb_text(self) -> str:
        if self.peak_mb is None:
            return "-"
        return f"{'~' if self.extrapolated else ''}{self.peak_mb:,.0f}"


def _fmt(seconds: float) -> str:
    if seconds >= 100:
        return f"{seconds:,.0f}"
    if seconds >= 10:
        return f"{seconds:.1f}"
    if seconds >= 0.1:
        return f"{seconds:.2f}"
    return f"{seconds:.3f}"


@dataclass
class Results:
    """Every figure: results[people][path][row] -> Cell; triples per size."""

    cells: dict[int, dict[str, dict[str, Cell]]] = field(default_factory=dict)
    triples: dict[int, int] = field(default_factory=dict)
    inferred: dict[int, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def put(self, people: int, path: str, row: str, cell: Cell) -> None:
        self.cells.setdefault(people, {}).setdefault(path, {})[row] = cell

    def get(self, people: int, path: str, row: str) -> Cell:
        return self.cells.get(people, {}).get(path, {}).get(row, Cell())


STEPS = {
    "plain": ("load", "reason", "validate", "validate-noinf", "queries"),
    # one process per query: Oxigraph computes a sorted result in Rust before it yields a row,
    # where no alarm reaches it, so only ending the process enforces the time limit
    "oxigraph": ("load", "reason", "validate", "query:*"),
}
ROW_NAMES = {
    "validate": "validate",
    "validate-noinf": "validate (no inference)",
}


def _query_names() -> list[str]:
    """The named queries and checks of the checkout, by name."""
    return sorted(p.stem for p in (ROOT / "queries").rglob("*.rq"))


def _run_path(
    results: Results, people: int, path: str, data: Path, args: argparse.Namespace
) -> None:
    store_dir = _store_path(args.cache, people, args.seed)
    names: list[str] = []
    for name in STEPS[path]:
        if name == "query:*":
            names.extend(f"query:{query}" for query in _query_names())
        else:
            names.append(name)
    for name in names:
        if (path, name) in args.skip:
            results.put(people, path, ROW_NAMES.get(name, name), Cell(note="skipped"))
            continue
        print(f"[{people:,} people] {path}: {name} …", file=sys.stderr, flush=True)
        command = [
            sys.executable,
            "-m",
            "bench.run",
            "--child",
            path,
            name,
            str(data),
            str(store_dir),
            str(args.query_timeout),
        ]
        limit = args.step_timeout
        if name == "queries":  # all of them in one process: each has its own limit
            limit += len(_query_names()) * args.query_timeout
        elif name.startswith("query:"):
            limit = args.query_timeout + 30  # the time limit, and starting Python and the store
        m: Measurement = run_child(command, timeout=limit, cwd=ROOT)
        row = ROW_NAMES.get(name, name)
        if name.startswith("query:"):
            row = "query " + name.removeprefix("query:")
            if m.ok:
                timing = m.details["queries"][name.removeprefix("query:")]
                m.details = {"seconds": timing.get("seconds", m.wall), **timing}
                m.ok = "seconds" in timing
                m.timed_out = "timeout" in timing
            if m.timed_out:  # by the alarm, or by ending the process
                m.wall = args.query_timeout
        if not m.ok:
            cell = Cell(seconds=m.wall if m.timed_out else None, timed_out=m.timed_out)
            cell.note = m.describe_failure()
            results.put(people, path, row, cell)
            print(f"    {m.describe_failure()}", file=sys.stderr)
            continue
        if name == "queries":
            results.put(people, path, "queries (process)", Cell(m.details.get("wall"), m.peak_mb))
            for query, timing in m.details["queries"].items():
                if "seconds" in timing:
                    cell = Cell(timing["seconds"], note=f"{timing['rows']} rows")
                elif "timeout" in timing:
                    cell = Cell(timing["timeout"], timed_out=True)
                else:
                    cell = Cell(note="skipped")
                results.put(people, path, f"query {query}", cell)
            continue
        if row.startswith("query "):
            results.put(people, path, row, Cell(m.details["seconds"], m.peak_mb))
            print(f"    {_cell_text(m.details)}, peak {m.peak_mb:,.0f} MB", file=sys.stderr)
            continue
        results.put(people, path, row, Cell(m.details["seconds"], m.peak_mb))
        if name == "load" and "triples" in m.details:
            results.triples[people] = int(m.details["triples"])
        if name == "reason" and path == "oxigraph":
            results.inferred[people] = int(m.details.get("inferred", 0))
        extra = {k: v for k, v in m.details.items() if k not in ("seconds", "wall")}
        print(
            f"    {_fmt(m.details['seconds'])} s, peak {m.peak_mb:,.0f} MB {extra}", file=sys.stderr
        )


def _extrapolate(results: Results, people: int, measured: list[int]) -> None:
    """Plain-path figures at ``people`` from the two largest measured sizes, growth exponent
    at least 1 (the work is at least linear in the graph)."""
    if len(measured) < 2:
        results.notes.append(f"plain path at {people:,}: not run, and too few sizes to extrapolate")
        return
    small, large = measured[-2], measured[-1]
    rows = set(results.cells[small].get("plain", {})) & set(results.cells[large].get("plain", {}))
    for row in sorted(rows):
        a, b = results.get(small, "plain", row), results.get(large, "plain", row)
        cell = Cell(extrapolated=True)
        if a.seconds and b.seconds and not a.timed_out and not b.timed_out:
            k = max(1.0, math.log(b.seconds / a.seconds) / math.log(large / small))
            cell.seconds = b.seconds * (people / large) ** k
        elif b.timed_out and b.seconds:
            cell.seconds, cell.timed_out = b.seconds * people / large, True
        if a.peak_mb and b.peak_mb:
            k = max(1.0, math.log(b.peak_mb / a.peak_mb) / math.log(large / small))
            # the interpreter's own ~60 MB does not grow
            cell.peak_mb = 60 + (b.peak_mb - 60) * (people / large) ** min(k, 1.0)
        if cell.seconds is not None or cell.peak_mb is not None:
            results.put(people, "plain", row, cell)
    results.notes.append(
        f"plain path at {people:,} people: not run (above --plain-max); '~' figures are "
        f"extrapolated from {small:,} and {large:,} people (time: the measured growth, at least "
        "linear; memory: linear)"
    )


def _rows(results: Results, people: int) -> list[str]:
    seen: list[str] = []
    for path in PATHS:
        for row in results.cells.get(people, {}).get(path, {}):
            if row not in seen:
                seen.append(row)
    order = ["load", "reason", "validate", "validate (no inference)"]
    fixed = [r for r in order if r in seen]
    queries = sorted(r for r in seen if r.startswith("query "))
    rest = [r for r in seen if r not in fixed and r not in queries]
    return fixed + queries + rest


def _peak(results: Results, people: int, path: str) -> Cell:
    cells = [c for c in results.cells.get(people, {}).get(path, {}).values() if c.peak_mb]
    if not cells:
        return Cell()
    top = max(cells, key=lambda c: c.peak_mb or 0)
    return Cell(top.peak_mb, top.peak_mb, extrapolated=top.extrapolated)


def render(results: Results, sizes: list[int]) -> Iterator[str]:
    for people in sizes:
        triples = results.triples.get(people)
        inferred = results.inferred.get(people)
        head = f"== {people:,} people"
        if triples:
            head += f": {triples:,} triples (ontology included)"
        if inferred:
            head += f", {inferred:,} inferred"
        yield head
        yield (
            f"{'step':<44} {'plain s':>10} {'MB':>7}  {'oxigraph s':>10} {'MB':>7}  {'plain/ox':>8}"
        )
        for row in _rows(results, people):
            plain, ox = results.get(people, "plain", row), results.get(people, "oxigraph", row)
            ratio = ""
            if plain.seconds and ox.seconds and not ox.timed_out:
                ratio = f"{'>' if plain.timed_out else ''}{plain.seconds / ox.seconds:,.0f}x"
                if plain.seconds / ox.seconds < 10:
                    ratio = f"{'>' if plain.timed_out else ''}{plain.seconds / ox.seconds:.1f}x"
            label = row if len(row) <= 44 else row[:43] + "…"
            yield (
                f"{label:<44} {plain.text():>10} {plain.mb_text():>7}  {ox.text():>10} "
                f"{ox.mb_text():>7}  {ratio:>8}"
            )
        plain_peak, ox_peak = _peak(results, people, "plain"), _peak(results, people, "oxigraph")
        ratio = ""
        if plain_peak.peak_mb and ox_peak.peak_mb:
            ratio = f"{plain_peak.peak_mb / ox_peak.peak_mb:.1f}x"
        yield (
            f"{'peak memory (MB, largest step)':<44} {plain_peak.mb_text():>10} {'':>7}  "
            f"{ox_peak.mb_text():>10} {'':>7}  {ratio:>8}"
        )
        yield ""


def render_growth(results: Results, sizes: list[int]) -> Iterator[str]:
    """How each figure grows with the number of people: the exponent k of t ~ people^k between
    the smallest and the largest size (1 = linear)."""
    if len(sizes) < 2:
        return
    first, last = sizes[0], sizes[-1]
    yield f"== growth from {first:,} to {last:,} people (k in time ~ people^k; 1 is linear)"
    yield f"{'step':<44} {'plain k':>8} {'oxigraph k':>10}"
    rows = [r for r in _rows(results, last) if r in _rows(results, first)]
    for row in rows:
        cells = []
        for path in PATHS:
            a, b = results.get(first, path, row), results.get(last, path, row)
            if a.seconds and b.seconds and not a.timed_out and not b.timed_out:
                k = math.log(b.seconds / a.seconds) / math.log(last / first)
                cells.append(f"{'~' if b.extrapolated else ''}{k:.2f}")
            else:
                cells.append("-")
        yield f"{row[:44]:<44} {cells[0]:>8} {cells[1]:>10}"
    yield ""


def render_targets(results: Results, sizes: list[int]) -> Iterator[str]:
    """The issue's targets, checked on the Oxigraph path at the largest size run: load, reason,
    validate, each named query (those over the limit listed), peak memory."""
    people = sizes[-1]
    yield f"== targets at {people:,} people (oxigraph path; the issue sets them for 100,000)"
    checks: list[tuple[str, Cell, float]] = [
        (step, results.get(people, "oxigraph", step), TARGETS[step])
        for step in ("load", "reason", "validate")
    ]
    queries = sorted(
        (
            (row, results.get(people, "oxigraph", row))
            for row in _rows(results, people)
            if row.startswith("query ")
        ),
        key=lambda q: -(q[1].seconds or 0),
    )
    over = [
        (row, cell) for row, cell in queries if cell.seconds and cell.seconds > TARGETS["query"]
    ]
    checks.extend((row, cell, TARGETS["query"]) for row, cell in over)
    for name, cell, target in checks:
        if cell.seconds is None:
            yield f"{name[:52]:<52} {'not measured':>14}"
            continue
        if cell.timed_out:
            verdict = f"missed: over the {_fmt(cell.seconds)} s limit"
        elif cell.seconds <= target:
            verdict = "met"
        else:
            verdict = f"missed by {_fmt(cell.seconds - target)} s"
        yield f"{name[:52]:<52} {cell.text():>8} s <= {_fmt(target):>5} s  {verdict}"
    others = f"the other {len(queries) - len(over)} named queries"
    yield f"{others:<52} {'':>8}   <= {_fmt(TARGETS['query']):>5} s  met"
    peak = _peak(results, people, "oxigraph").peak_mb
    if peak is not None:
        verdict = (
            "met"
            if peak <= TARGETS["peak_mb"]
            else f"missed by {peak - TARGETS['peak_mb']:,.0f} MB"
        )
        yield f"{'peak memory':<52} {peak:>7,.0f} MB <= {TARGETS['peak_mb']:,.0f} MB  {verdict}"
    yield ""


def machine() -> list[str]:
    """What the figures were taken on."""
    lines = [f"date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}"]
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    lines.append(f"machine: {os.cpu_count()} CPUs ({model or platform.processor()}), {memory} RAM")
    load = os.getloadavg() if hasattr(os, "getloadavg") else ()
    if load:
        lines.append(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    versions = []
    for package in ("rdflib", "owlrl", "pyshacl", "pyoxigraph"):
        try:
            from importlib.metadata import version

            versions.append(f"{package} {version(package)}")
        except Exception:  # not installed: say so, the run goes on
            versions.append(f"{package} ?")
    lines.append(f"python {platform.python_version()}; " + ", ".join(versions))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="Benchmark the plain rdflib path against the Oxigraph store.",
    )
    parser.add_argument("--sizes", default="1000,10000", help="people per graph (1000,10000)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one tiny graph (25 people), short time limits, no pySHACL-with-RDFS step",
    )
    parser.add_argument("--paths", default=",".join(PATHS), help="plain,oxigraph")
    parser.add_argument(
        "--plain-max",
        type=int,
        default=10_000,
        help="largest size the plain path runs at; above it, extrapolated (10000)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--step-timeout", type=float, default=900, help="per step (s)")
    parser.add_argument("--query-timeout", type=float, default=60, help="per query (s)")
    parser.add_argument("--cache", type=Path, default=ROOT / ".kg-cache" / "bench")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.skip = set()
    if args.child:
        path, name, data, store_dir, timeout = args.child
        return child_report(lambda: step(path, name, Path(data), Path(store_dir), float(timeout)))
    if args.quick:  # the harness end to end, in seconds: pySHACL with RDFS inference is left out
        args.sizes, args.query_timeout, args.step_timeout = "25", 5, 120
        args.skip = {("plain", "validate")}
    sizes = sorted(set(generate.iter_sizes(args.sizes)))
    paths = [p for p in args.paths.split(",") if p in PATHS]
    started = time.perf_counter()
    results = Results()
    header = machine()
    for line in header:
        print(line, file=sys.stderr)
    plain_sizes: list[int] = []
    for people in sizes:
        print(f"[{people:,} people] generating …", file=sys.stderr, flush=True)
        data = generate.cached(args.cache, people, seed=args.seed)
        for path in paths:
            if path == "plain" and people > args.plain_max:
                _extrapolate(results, people, plain_sizes)
                continue
            _run_path(results, people, path, data, args)
            if path == "plain":
                plain_sizes.append(people)
    for line in header:
        print(line)
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()
        print(f"load average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"benchmark time: {time.perf_counter() - started:,.0f} s")
    print()
    for line in render(results, sizes):
        print(line)
    for line in render_growth(results, sizes):
        print(line)
    if "oxigraph" in paths:
        for line in render_targets(results, sizes):
            print(line)
    for note in results.notes:
        print(f"note: {note}")
    if args.json:
        cells = {
            str(p): {
                path: {row: cell.__dict__ for row, cell in rows.items()}
                for path, rows in by_path.items()
            }
            for p, by_path in results.cells.items()
        }
        everything = {
            "machine": header,
            "triples": results.triples,
            "inferred": results.inferred,
            "notes": results.notes,
            "cells": cells,
        }
        args.json.write_text(json.dumps(everything, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
