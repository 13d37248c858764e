"""The reasoning candidates, measured side by side on generated graphs: how fast, how much
memory, and whether they give the same kept triples as owlrl (``kg.reason.infer``).

    python -m bench.reasoners --sizes 1000,10000

Candidates:

- ``owlrl``: :func:`kg.reason.reason` on an rdflib graph (the reference);
- ``reasonable``: the Rust OWL 2 RL reasoner from PyPI (``pip install reasonable``), given the
  ontology and data files, its output filtered like :mod:`kg.reason`;
- ``sparql-updates``: the ontology's rules as SPARQL ``INSERT … WHERE`` updates run to a
  fixpoint inside Oxigraph (:func:`sparql_rules`, defined here; it implements the rules valid data
  needs: no equality, no inconsistency checks, no literal subjects);
- ``fastreason``: :func:`kg.fastreason.reason_store` (owlrl on the schema, compiled rules over the
  N-Triples of an Oxigraph store), the pick;
- ``fastreason-rdflib``: :func:`kg.fastreason.reason` on an rdflib graph (the same engine).

Each runs in a fresh subprocess (its peak RSS is its own), writes its kept triples as sorted
N-Triples, and is compared with the reference: owlrl's output where owlrl ran at that size, else
fastreason's (which the tests prove equal to owlrl's).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from bench import generate
from bench.measure import Measurement, child_report, run_child

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = ("owlrl", "fastreason", "fastreason-rdflib", "sparql-updates", "reasonable")
#: Above these sizes (people) a candidate is not run: it would take too long.
LIMITS = {"owlrl": 10_000, "reasonable": 10_000, "fastreason-rdflib": 10_000}


def sparql_rules(store: Any, *, graph_name: str) -> int:
    """Materialise the ontology's rules as SPARQL updates inside Oxigraph, to a fixpoint; return
    the number of rounds. Inferred triples go to ``graph_name``; noise is deleted at the end."""
    from rdflib import BNode, Literal
    from rdflib.namespace import RDF

    from kg.fastreason import _schema_quads, compile_schema
    from kg.reason import KEPT_NAMESPACES
    from kg.store import to_rdflib

    schema = compile_schema(
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        for q in _schema_quads(store)
    )
    inf = f"<{graph_name}>"

    def both(s: str, p: str, o: str) -> str:
        return f"{{ {s} {p} {o} }} UNION {{ GRAPH {inf} {{ {s} {p} {o} }} }}"

    def pairs(table: dict[Any, frozenset[Any]]) -> str:
        return " ".join(f"(<{k}> <{v}>)" for k, vs in sorted(table.items()) for v in sorted(vs))

    a = f"<{RDF.type}>"

    def rule(
        head: str, where: str, new: str, *, values: str = "", literal_subject: str = ""
    ) -> str:
        """INSERT ``head`` into the inferred graph where ``where`` holds and ``new`` is absent."""
        no_literal = f"FILTER (!ISLITERAL({literal_subject}))" if literal_subject else ""
        return (
            f"INSERT {{ GRAPH {inf} {{ {head} }} }} WHERE {{ {values} {where} {no_literal} "
            f"FILTER NOT EXISTS {{ {new} }} }}"
        )

    updates = [
        rule(
            "?s ?q ?o",
            both("?s", "?p", "?o"),
            "?s ?q ?o",
            values=f"VALUES (?p ?q) {{ {pairs(schema.superproperties)} }}",
        ),
        rule(
            "?o ?q ?s",
            both("?s", "?p", "?o"),
            "?o ?q ?s",
            values=f"VALUES (?p ?q) {{ {pairs(schema.inverses)} }}",
            literal_subject="?o",
        ),
        rule(
            "?s a ?c",
            both("?s", "?p", "?o"),
            "?s a ?c",
            values=f"VALUES (?p ?c) {{ {pairs(schema.domains)} }}",
        ),
        rule(
            "?o a ?c",
            both("?s", "?p", "?o"),
            "?o a ?c",
            values=f"VALUES (?p ?c) {{ {pairs(schema.ranges)} }}",
            literal_subject="?o",
        ),
        rule(
            "?x a ?d",
            both("?x", a, "?c"),
            "?x a ?d",
            values=f"VALUES (?c ?d) {{ {pairs(schema.superclasses)} }}",
        ),
    ]
    for prop in sorted(schema.symmetric):
        p = f"<{prop}>"
        updates.append(rule(f"?o {p} ?s", both("?s", p, "?o"), f"?o {p} ?s", literal_subject="?o"))
    for prop in sorted(schema.transitive):
        p = f"<{prop}>"
        where = f"{{ {both('?x', p, '?y')} }} {{ {both('?y', p, '?z')} }}"
        updates.append(rule(f"?x {p} ?z", where, f"?x {p} ?z"))
    for prop, members in schema.chains:
        hops = " ".join(
            f"{{ {both(f'?v{i}', f'<{m}>', f'?v{i + 1}')} }}" for i, m in enumerate(members)
        )
        head = f"?v0 <{prop}> ?v{len(members)}"
        updates.append(rule(head, hops, head))
    import pyoxigraph as ox

    from kg.fastreason import nt

    derived = "".join(  # the schema entailments owlrl derived (tkg:Company rdfs:subClassOf …)
        f"{nt(s)} {nt(p)} {nt(o)} .\n"
        for s, p, o in schema.derived
        if not isinstance(s, (BNode, Literal)) and not isinstance(o, BNode)
    )
    store.load(derived.encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph_name))
    store.update(
        f"DELETE {{ GRAPH {inf} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {inf} {{ ?s ?p ?o }} ?s ?p ?o }}"
    )
    rounds = 0
    while True:
        rounds += 1
        before = len(store)
        for update in updates:
            store.update(update)
        if len(store) == before:
            break
    kept = " || ".join(f'STRSTARTS(STR(?s), "{ns}")' for ns in KEPT_NAMESPACES)
    store.update(
        f"DELETE {{ GRAPH {inf} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {inf} {{ ?s ?p ?o }} "
        f"FILTER (!ISIRI(?s) || !({kept}) "
        "|| (?p IN (rdf:type, rdfs:subClassOf, rdfs:domain, rdfs:range) "
        "&& ?o IN (owl:Thing, rdfs:Resource)) "
        "|| (?s = ?o && ?p IN (owl:sameAs, owl:equivalentClass, owl:equivalentProperty, "
        "rdfs:subClassOf, rdfs:subPropertyOf))) }",
        prefixes={
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "owl": "http://www.w3.org/2002/07/owl#",
        },
    )
    return rounds


# --- one candidate, in a child process --------------------------------------------------------


def _child(candidate: str, data: Path, out: Path) -> dict[str, Any]:
    """Run one candidate on ontology + ``data``; write its kept triples to ``out``."""
    from kg.load import find_repository

    repo = find_repository(ROOT)
    details: dict[str, Any] = {}
    started = time.perf_counter()
    lines: list[str]
    if candidate in ("owlrl", "fastreason-rdflib"):
        from kg.load import load_files

        graph = load_files([repo.ontology, data]).graph
        started = time.perf_counter()
        if candidate == "owlrl":
            from kg.reason import reason
        else:
            from kg.fastreason import reason
        inference = reason(graph)
        seconds = time.perf_counter() - started
        from kg.fastreason import nt

        lines = [f"{nt(s)} {nt(p)} {nt(o)} ." for s, p, o in inference.inferred]
    elif candidate == "reasonable":
        import reasonable

        from kg.fastreason import nt
        from kg.load import load_files
        from kg.reason import _wanted

        asserted = load_files([repo.ontology, data]).graph  # to tell inferred from asserted
        started = time.perf_counter()
        reasoner = reasonable.PyReasoner()
        reasoner.load_file(str(repo.ontology))
        reasoner.load_file(str(data))
        output = reasoner.reason()
        seconds = time.perf_counter() - started
        lines = [
            f"{nt(s)} {nt(p)} {nt(o)} ."
            for s, p, o in output
            if (s, p, o) not in asserted and _wanted(s, p, o)
        ]
    else:
        import pyoxigraph as ox

        from kg.store import INFERRED_GRAPH

        store = ox.Store()
        store.bulk_load(path=str(repo.ontology), format=ox.RdfFormat.TURTLE)
        store.bulk_load(path=str(data), format=ox.RdfFormat.TURTLE)
        started = time.perf_counter()
        if candidate == "fastreason":
            from kg.fastreason import reason_store

            result = reason_store(store)
            details["phases"] = {k: round(v, 2) for k, v in result.seconds.items()}
        else:
            details["rounds"] = sparql_rules(store, graph_name=INFERRED_GRAPH)
        seconds = time.perf_counter() - started
        dump = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(INFERRED_GRAPH))
        lines = [line.rstrip() for line in dump.decode("utf-8").splitlines()]
    out.write_text("\n".join(sorted(set(lines))) + "\n", encoding="utf-8")
    details["kept"] = len(set(lines))
    details["seconds"] = seconds
    return details


def compare(output: Path, reference: Path) -> tuple[int, int]:
    """(missing, extra): kept triples of the reference not in ``output``, and the reverse."""
    ours = set(output.read_text(encoding="utf-8").splitlines())
    theirs = set(reference.read_text(encoding="utf-8").splitlines())
    return len(theirs - ours), len(ours - theirs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reasoners", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="people per graph (1000,10000)")
    parser.add_argument("--candidates", default=",".join(CANDIDATES))
    parser.add_argument("--timeout", type=float, default=1800, help="per candidate (s)")
    parser.add_argument("--cache", type=Path, default=ROOT / ".kg-cache" / "bench")
    parser.add_argument(
        "--child", nargs=3, metavar=("CANDIDATE", "DATA", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        candidate, data, out = args.child
        return child_report(lambda: _child(candidate, Path(data), Path(out)))
    candidates = [c.strip() for c in args.candidates.split(",") if c.strip()]
    print(
        f"{'candidate':<18} {'people':>7} {'seconds':>9} {'cpu s':>8} {'peak MB':>8} "
        f"{'kept':>9} {'missing':>8} {'extra':>8}"
    )
    for people in generate.iter_sizes(args.sizes):
        data = generate.cached(args.cache, people)
        outputs: dict[str, Path] = {}
        for candidate in candidates:
            if people > LIMITS.get(candidate, 10**9):
                print(f"{candidate:<18} {people:>7} {'skipped: too slow at this size':>40}")
                continue
            out = args.cache / f"reasoners-{candidate}-{people}.nt"
            command = [
                sys.executable,
                "-m",
                "bench.reasoners",
                "--child",
                candidate,
                str(data),
                str(out),
            ]
            m: Measurement = run_child(command, timeout=args.timeout, cwd=ROOT)
            if not m.ok:
                print(f"{candidate:<18} {people:>7} {m.describe_failure():>40}")
                continue
            outputs[candidate] = out
            reference = outputs.get("owlrl") or outputs.get("fastreason")
            missing, extra = compare(out, reference) if reference else (-1, -1)
            seconds = m.details.get("seconds", m.wall)
            notes = {k: v for k, v in m.details.items() if k not in ("kept", "seconds", "wall")}
            print(
                f"{candidate:<18} {people:>7} {seconds:>9.1f} {m.cpu:>8.1f} {m.peak_mb:>8.0f} "
                f"{m.details.get('kept', 0):>9} {missing:>8} {extra:>8}"
                + (f"  {json.dumps(notes)}" if notes else ""),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
