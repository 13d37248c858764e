"""kg.fastreason keeps exactly the triples owlrl's closure keeps (kg.reason), with the same
inconsistencies: on the repository's graph, on every test fixture at once, on data made to trip
every rule (equality, literals in subject position, cycles, disjointness), and on generated
graphs of a few sizes and seeds. Both entry points: rdflib graphs and Oxigraph stores."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF
from rdflib.term import Node

from bench.generate import generate
from kg import fastreason
from kg.errors import KgError
from kg.load import LoadedGraph, Repository, load_files, parse_file
from kg.namespaces import TKD, TKG
from kg.reason import Inference, reason
from kg.store import INFERRED_GRAPH, to_rdflib

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EDGE_CASES = FIXTURES / "reason" / "edge-cases.ttl"

Triples = set[tuple[Node, Node, Node]]


def assert_same(expected: Inference, actual: Inference) -> None:
    want, got = set(expected.inferred), set(actual.inferred)
    missing, extra = sorted(want - got), sorted(got - want)
    assert not missing and not extra, (
        f"{len(missing)} triples owlrl keeps are missing (e.g. {missing[:3]}), "
        f"{len(extra)} are extra (e.g. {extra[:3]})"
    )
    assert actual.inconsistencies == expected.inconsistencies


def with_ontology(repo: Repository, *files: Path) -> Graph:
    return load_files([repo.ontology, *files]).graph


def generated(repo: Repository, people: int, seed: int) -> Graph:
    text = io.StringIO()
    generate(people, text, seed=seed)
    graph = parse_file(repo.ontology)
    graph.parse(data=text.getvalue(), format="turtle")
    return graph


# --- the rdflib entry point -------------------------------------------------------------------


def test_same_as_owlrl_on_the_repository(loaded: LoadedGraph) -> None:
    assert_same(reason(loaded.graph), fastreason.reason(loaded.graph))


def test_same_as_owlrl_on_data_made_to_trip_every_rule(repo: Repository) -> None:
    graph = with_ontology(repo, EDGE_CASES)
    expected, actual = reason(graph), fastreason.reason(graph)
    assert_same(expected, actual)
    # and the data does trip them: equality, a literal subject's inverse, a cycle, disjointness
    assert (TKD.ann, OWL.sameAs, TKD.anne) in actual.inferred
    assert (TKD.corp, TKG.employerOf, Literal("Bob")) in actual.inferred
    assert (TKD.corp, TKG.partOfOrganisation, TKD.corp) in actual.inferred
    assert any("Disjoint classes" in m for m in actual.inconsistencies)
    assert any("Lexical value" in m for m in actual.inconsistencies)


def test_same_as_owlrl_on_every_fixture_at_once(repo: Repository) -> None:
    # The fixtures reuse IRIs (tkd:alice-martin in most), so together they give functional
    # properties several values: owl:sameAs merges across the whole graph.
    files = sorted(p for p in FIXTURES.glob("*/*.ttl") if p.parent.name in ("valid", "invalid"))
    graph = with_ontology(repo, *files)
    expected = reason(graph)
    assert any(p == OWL.sameAs for _s, p, _o in expected.inferred)
    assert_same(expected, fastreason.reason(graph))


@pytest.mark.parametrize(("people", "seed"), [(40, 1), (150, 7)])
def test_same_as_owlrl_on_generated_graphs(repo: Repository, people: int, seed: int) -> None:
    graph = generated(repo, people, seed)
    expected = reason(graph)
    assert len(expected.inferred) > 10 * people  # not a vacuous comparison
    assert_same(expected, fastreason.reason(graph))


def test_the_ontology_can_be_given_apart_from_the_data(repo: Repository) -> None:
    data = parse_file(FIXTURES / "export" / "story-mini.ttl")
    ontology = parse_file(repo.ontology)
    assert_same(reason(data, ontology=ontology), fastreason.reason(data, ontology=ontology))


def test_the_input_is_not_modified(repo: Repository) -> None:
    graph = with_ontology(repo, EDGE_CASES)
    before = set(graph)
    fastreason.reason(graph)
    assert set(graph) == before


# --- the comparison can fail ----------------------------------------------------------------------


def test_a_missing_rule_is_caught(repo: Repository, monkeypatch: pytest.MonkeyPatch) -> None:
    """Drop the property chains from the compiled schema: the comparison must notice."""
    compile_schema = fastreason.compile_schema

    def without_chains(schema: object) -> fastreason.Schema:
        return dataclasses.replace(compile_schema(schema), chains=())  # type: ignore[arg-type]

    monkeypatch.setattr(fastreason, "compile_schema", without_chains)
    graph = generated(repo, 20, 3)
    with pytest.raises(AssertionError, match="missing"):
        assert_same(reason(graph), fastreason.reason(graph))


def test_an_unsupported_construct_is_refused(repo: Repository) -> None:
    graph = with_ontology(repo, EDGE_CASES)
    members = URIRef("urn:list")
    graph.add((TKG.Founder, OWL.unionOf, members))
    graph.add((members, RDF.first, TKG.Person))
    graph.add((members, RDF.rest, RDF.nil))
    with pytest.raises(fastreason.UnsupportedOntologyError, match="unionOf") as caught:
        fastreason.reason(graph)
    assert isinstance(caught.value, KgError) and caught.value.hint


# --- the Oxigraph entry point -------------------------------------------------------------------


def store_of(graph: Graph) -> ox.Store:
    store = ox.Store()
    text = "".join(
        f"{fastreason.nt(s)} {fastreason.nt(p)} {fastreason.nt(o)} .\n" for s, p, o in graph
    )
    store.load(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def as_stored(triples: Triples) -> Triples:
    """``triples`` with their literals as Oxigraph stores them ("1"^^xsd:positiveInteger is
    kept as "1"^^xsd:integer): what a store can hold of owlrl's answer."""
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    store = store_of(graph)
    return {(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in store}


def inferred_in(store: ox.Store) -> Triples:
    graph = ox.NamedNode(INFERRED_GRAPH)
    return {
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        for q in store.quads_for_pattern(None, None, None, graph)
    }


#: Datatypes Oxigraph stores as xsd:integer: a store cannot tell that "0" is no positiveInteger.
_REWRITTEN_INTEGERS = tuple(
    f"#{name})" for name in ("positiveInteger", "nonNegativeInteger", "negativeInteger", "int")
)


def visible_in_a_store(messages: tuple[str, ...]) -> tuple[str, ...]:
    """owlrl's messages but those about literals whose datatype a store does not keep."""
    return tuple(
        m
        for m in messages
        if not (m.startswith("Lexical value") and m.endswith(_REWRITTEN_INTEGERS))
    )


@pytest.mark.parametrize("source", ["edge-cases", "generated", "repository"])
def test_the_store_path_keeps_the_same_triples(
    repo: Repository, loaded: LoadedGraph, source: str
) -> None:
    graph = {
        "edge-cases": lambda: with_ontology(repo, EDGE_CASES),
        "generated": lambda: generated(repo, 60, 2),
        "repository": lambda: loaded.graph,
    }[source]()
    expected = reason(graph)
    store = store_of(graph)
    size = len(store)
    result = fastreason.reason_store(store)
    got, want = inferred_in(store), as_stored(set(expected.inferred))
    assert sorted(want - got)[:3] == [] and sorted(got - want)[:3] == []
    assert result.inferred == len(got)
    assert result.inconsistencies == visible_in_a_store(expected.inconsistencies)
    # the asserted triples are untouched, and a second run replaces the inferred graph
    assert len(store) == size + len(got)
    fastreason.reason_store(store)
    assert len(store) == size + len(got)


@pytest.mark.parametrize("source", ["edge-cases", "generated"])
def test_the_store_path_reads_its_source_files(
    repo: Repository, tmp_path: Path, source: str
) -> None:
    """Given the files the store was loaded from, reason_store reads them (literals as written,
    so even "0"^^xsd:positiveInteger is caught) and keeps what owlrl keeps."""
    if source == "edge-cases":
        data = EDGE_CASES
    else:
        data = tmp_path / "generated.ttl"
        out = io.StringIO()
        generate(50, out, seed=8)
        data.write_text(out.getvalue(), encoding="utf-8")
    files = [repo.ontology, data]
    store = ox.Store()
    for file in files:
        store.bulk_load(path=str(file), format=ox.RdfFormat.TURTLE)
    expected = reason(with_ontology(repo, data))
    result = fastreason.reason_store(store, sources=files)
    got, want = inferred_in(store), as_stored(set(expected.inferred))
    assert sorted(want - got)[:3] == [] and sorted(got - want)[:3] == []
    assert result.inconsistencies == expected.inconsistencies


def test_progress_is_reported(repo: Repository) -> None:
    lines: list[str] = []
    fastreason.reason_store(store_of(generated(repo, 20, 1)), progress=lines.append)
    assert [line.split(" ", 1)[0] for line in lines] == [
        "schema:",
        "read",
        "closure:",
        "kept",
        "wrote",
    ]
