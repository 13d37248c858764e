"""The writers: deterministic bytes, the house Turtle layout, lossless round trips in all three
formats, a JSON-LD context that gives short terms and keeps dates typed, atomic file writes."""

from __future__ import annotations

import functools
import json
import os
import random
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, XSD

from kg.errors import InputError
from kg.export import export, load_context, to_jsonld, write_export
from kg.formats import JSONLD, NTRIPLES, RDF_FORMATS, TURTLE, RdfFormat
from kg.load import parse_file
from kg.namespaces import PREFIXES, TKD, TKG
from kg.reason import closure
from kg.turtle import to_turtle

pytestmark = pytest.mark.filterwarnings(
    "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"  # inside rdflib's JSON-LD parser
)

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "talent-kg.ttl"
CONTEXT = ROOT / "ontology" / "context.jsonld"
FIXTURES = ROOT / "tests" / "fixtures" / "export"
STORY = FIXTURES / "story-mini.ttl"
EX = "http://example.org/"
EX_PREFIXES = {"ex": EX, "rdf": str(RDF), "xsd": str(XSD)}
FORMATS = list(RDF_FORMATS.values())


def ex(local: str) -> URIRef:
    return URIRef(EX + local)


def tricky_literals() -> Graph:
    """Literals that a writer gets wrong: quotes, backslashes, control characters, non-ASCII,
    language tags, explicit xsd:string, bare-number datatypes, ill-typed values."""
    graph = Graph()
    values = [
        Literal('say "hi"'),
        Literal("back\\slash"),
        Literal("two\nlines\r\n\tand a tab"),
        Literal("bell \x07 backspace \b formfeed \f delete \x7f"),
        Literal("Timothée Lacroix"),
        Literal("Łukasz Kaiser"),
        Literal("emoji 😀 and ümlaut"),
        Literal('"""'),
        Literal("\\u0041 is not A"),
        Literal(""),
        Literal("FAIR", lang="en"),
        Literal("Meta Plateformes", lang="fr-CA"),
        Literal("Q42", datatype=XSD.string),
        Literal("2023", datatype=XSD.gYear),
        Literal("2023-06", datatype=XSD.gYearMonth),
        Literal("2023-06-15", datatype=XSD.date),
        Literal("2023-02-30", datatype=XSD.date),  # ill-typed: kept as written
        Literal("-5", datatype=XSD.integer),
        Literal("not a number", datatype=XSD.integer),
        Literal("1.50", datatype=XSD.decimal),
        Literal("1.5E3", datatype=XSD.double),
        Literal("INF", datatype=XSD.double),
        Literal("true", datatype=XSD.boolean),
        Literal(0),  # falsy values: rdflib's JSON-LD writer would let a second value replace them
        Literal(False),
        Literal("7", datatype=XSD.positiveInteger),
        Literal("x", datatype=URIRef("http://example.org/datatypes#custom")),
    ]
    for value in values:
        graph.add((ex("literal"), ex("value"), value))
    return graph


def tricky_blank_nodes() -> Graph:
    """Blank nodes of every shape: shared, cyclic, empty, top-level, lists (nested, with blank
    items, with a shared tail, with an extra rdf:type, standalone)."""
    graph = Graph()
    shared = BNode()
    graph.add((ex("a"), ex("p"), shared))
    graph.add((ex("b"), ex("p"), shared))
    graph.add((shared, ex("q"), Literal("shared")))
    one, two = BNode(), BNode()
    graph.add((one, ex("next"), two))
    graph.add((two, ex("next"), one))
    loop = BNode()
    graph.add((loop, ex("self"), loop))
    graph.add((ex("a"), ex("empty"), BNode()))
    graph.add((ex("a"), ex("empty"), BNode()))
    top = BNode()
    graph.add((top, ex("name"), Literal("top")))
    inner, item, head = BNode(), BNode(), BNode()
    Collection(graph, inner, [Literal(1), Literal(2)])
    graph.add((item, ex("k"), Literal("v")))
    Collection(graph, head, [ex("x"), item, inner, Literal("z")])
    graph.add((ex("a"), ex("list"), head))
    typed = BNode()
    Collection(graph, typed, [ex("y")])
    graph.add((typed, RDF.type, RDF.List))
    graph.add((ex("a"), ex("typed"), typed))
    Collection(graph, BNode(), [ex("q1"), ex("q2")])
    h1, h2, tail = BNode(), BNode(), BNode()
    graph.add((h1, RDF.first, ex("i1")))
    graph.add((h1, RDF.rest, tail))
    graph.add((h2, RDF.first, ex("i2")))
    graph.add((h2, RDF.rest, tail))
    graph.add((tail, RDF.first, ex("t")))
    graph.add((tail, RDF.rest, RDF.nil))
    graph.add((ex("a"), ex("l1"), h1))
    graph.add((ex("a"), ex("l2"), h2))
    return graph


def shuffled(graph: Graph, seed: int) -> Graph:
    triples = list(graph)
    random.Random(seed).shuffle(triples)
    copy = Graph()
    for triple in triples:
        copy.add(triple)
    return copy


def ontology() -> Graph:
    return parse_file(ONTOLOGY)


def story() -> Graph:
    return parse_file(STORY)


@functools.cache
def _story_closure() -> Graph:
    graph = ontology()
    parse_file(STORY, graph)
    return closure(graph)


def story_closure() -> Graph:
    copy = Graph()
    for triple in _story_closure():  # reasoning takes a second: do it once, hand out copies
        copy.add(triple)
    return copy


GRAPHS = {
    "ontology": ontology,
    "story": story,
    "story-closure": story_closure,
    "tricky-literals": tricky_literals,
    "tricky-blank-nodes": tricky_blank_nodes,
}


def _write(graph: Graph, fmt: RdfFormat) -> str:
    if fmt == TURTLE:
        # the example graphs use example.org IRIs: give the writer their prefix too
        return to_turtle(graph, prefixes={**PREFIXES, **EX_PREFIXES})
    return export(graph, fmt, context=CONTEXT)


# -- round trips and determinism ------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
@pytest.mark.parametrize("name", GRAPHS)
def test_round_trip_is_isomorphic(name: str, fmt: RdfFormat) -> None:
    graph = GRAPHS[name]()
    text = _write(graph, fmt)
    back = Graph().parse(data=text, format=fmt.rdflib_name)
    assert len(back) == len(graph)
    assert isomorphic(back, graph)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
@pytest.mark.parametrize("name", GRAPHS)
def test_same_graph_same_bytes(name: str, fmt: RdfFormat) -> None:
    graph = GRAPHS[name]()
    first = _write(graph, fmt)
    assert _write(graph, fmt) == first
    for seed in (1, 2):
        assert _write(shuffled(graph, seed), fmt) == first
    # and parsing the output and writing again changes nothing (a fixed point)
    again = Graph().parse(data=first, format=fmt.rdflib_name)
    assert _write(again, fmt) == first


# -- Turtle ---------------------------------------------------------------------------------


def test_turtle_of_the_story_is_the_reviewed_file() -> None:
    expected = (FIXTURES / "story-mini.expected.ttl").read_text(encoding="utf-8")
    assert export(story(), TURTLE) == expected


def test_turtle_layout() -> None:
    text = to_turtle(story())
    assert text.startswith(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix tkd: <https://w3id.org/talent-kg/id/> .\n"
        "@prefix tkg: <https://w3id.org/talent-kg/ontology#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\n"
    )
    # a first, then rdfs:label, then the rest by CURIE; a blank line between subjects
    assert (
        "tkd:fair\n"
        "    a tkg:ResearchLab ;\n"
        '    rdfs:label "FAIR" ;\n'
        "    tkg:parentOrganisation tkd:meta-ai .\n\n"
    ) in text
    assert '    tkg:startDate "2020"^^xsd:gYear .\n' in text
    assert '    rdfs:label "Timothée X"@fr ;\n' in text
    assert text.endswith(" .\n") and not text.endswith("\n\n")


def test_turtle_ontology_header_first_and_chains_as_collections() -> None:
    text = to_turtle(ontology())
    body = text.split("\n\n", 1)[1]
    assert body.startswith("<https://w3id.org/talent-kg/ontology>\n    a owl:Ontology ;\n")
    assert "    owl:propertyChainAxiom ( tkg:employment tkg:employer ) ;\n" in text
    assert "_:" not in text and "rdf:first" not in text
    assert "@prefix sh:" not in text  # only the prefixes used
    assert "    rdfs:subClassOf prov:Person , schema:Person ;\n" in text  # objects sorted
    assert "    tkg:wikidataPrecision 9 .\n" in text  # integers bare


def test_turtle_literal_escapes() -> None:
    text = to_turtle(tricky_literals(), prefixes=EX_PREFIXES)
    line = next(x for x in text.splitlines() if x.startswith("    ex:value "))
    assert line.endswith(" .")
    written = line[len("    ex:value ") : -len(" .")].split(" , ")
    assert written == sorted(written)
    assert set(written) == {
        r'"say \"hi\""',
        r'"back\\slash"',
        r'"two\nlines\r\n\tand a tab"',
        r'"bell \u0007 backspace \b formfeed \f delete \u007F"',
        '"Timothée Lacroix"',
        '"Łukasz Kaiser"',
        '"emoji 😀 and ümlaut"',
        r'"\"\"\""',
        r'"\\u0041 is not A"',
        '""',
        '"FAIR"@en',
        '"Meta Plateformes"@fr-CA',
        '"Q42"^^xsd:string',
        '"2023"^^xsd:gYear',
        '"2023-06"^^xsd:gYearMonth',
        '"2023-06-15"^^xsd:date',
        '"2023-02-30"^^xsd:date',
        "-5",
        '"not a number"^^xsd:integer',
        "1.50",
        # rdflib normalises doubles when it builds the literal: "1.5E3" is held as "1500.0"
        f'"{Literal("1.5E3", datatype=XSD.double)}"^^xsd:double',
        f'"{Literal("INF", datatype=XSD.double)}"^^xsd:double',
        "true",
        "0",
        "false",
        '"7"^^xsd:positiveInteger',
        '"x"^^<http://example.org/datatypes#custom>',
    }


def test_turtle_writes_awkward_iris_in_full() -> None:
    graph = Graph()
    for iri in [
        "https://w3id.org/talent-kg/id/-starts-with-dash",
        "https://w3id.org/talent-kg/id/ends-with-dot.",
        "https://w3id.org/talent-kg/id/has/slash",
        "https://w3id.org/talent-kg/id/has space",
        "https://w3id.org/talent-kg/id/café",
        "https://w3id.org/talent-kg/id/",
        "https://w3id.org/talent-kg/id/1st",
        "https://w3id.org/talent-kg/id/paper.v2",
    ]:
        graph.add((TKD.s, TKG.supports, URIRef(iri)))
    text = to_turtle(graph)
    line = text.splitlines()[-1]
    assert line == (
        "    tkg:supports "
        "<https://w3id.org/talent-kg/id/-starts-with-dash> , "
        "<https://w3id.org/talent-kg/id/> , "
        "<https://w3id.org/talent-kg/id/café> , "
        "<https://w3id.org/talent-kg/id/ends-with-dot.> , "
        "<https://w3id.org/talent-kg/id/has/slash> , "
        r"<https://w3id.org/talent-kg/id/has\u0020space> , "
        "tkd:1st , tkd:paper.v2 ."
    )
    back = Graph().parse(data=text, format="turtle")
    assert set(back) == set(graph)  # (rdflib cannot hash the IRI with a space for isomorphic)


def test_turtle_blank_nodes() -> None:
    text = to_turtle(tricky_blank_nodes(), prefixes=EX_PREFIXES)
    assert '    ex:list ( ex:x [ ex:k "v" ] ( 1 2 ) "z" ) ;\n' in text
    assert "    ex:empty [] , [] ;\n" in text
    assert "    ex:typed [ a rdf:List ; rdf:first ex:y ; rdf:rest rdf:nil ] .\n" in text
    assert '[]\n    ex:name "top" .' in text
    assert "[]\n    rdf:first ex:q1 ;\n    rdf:rest ( ex:q2 ) ." in text
    # shared and cyclic blank nodes get labels, and the same labels on every run
    assert text.count("_:b") >= 8


def test_empty_graph() -> None:
    assert to_turtle(Graph()) == ""
    assert export(Graph(), NTRIPLES) == ""


# -- N-Triples ------------------------------------------------------------------------------


def test_ntriples_lines_are_sorted_and_exact() -> None:
    text = export(story(), NTRIPLES)
    lines = text.splitlines()
    assert lines == sorted(lines)
    assert text.endswith(" .\n")
    assert (
        "<https://w3id.org/talent-kg/id/employment-x-fair> "
        "<https://w3id.org/talent-kg/ontology#startDate> "
        '"2020"^^<http://www.w3.org/2001/XMLSchema#gYear> .'
    ) in lines
    assert (
        "<https://w3id.org/talent-kg/id/paper> <https://w3id.org/talent-kg/ontology#title> "
        r'"A paper with a backslash \\ and a\nnewline" .'
    ) in lines
    assert (
        "<https://w3id.org/talent-kg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "
        '"Timothée X"@fr .'
    ) in lines


# -- JSON-LD --------------------------------------------------------------------------------


def test_context_is_explicit_and_in_step_with_the_prefixes() -> None:
    context = load_context(CONTEXT)
    assert "@vocab" not in context
    assert context["id"] == "@id" and context["type"] == "@type"
    assert {k: v for k, v in context.items() if k in PREFIXES} == PREFIXES
    assert context["label"] == "rdfs:label"
    assert context["employee"] == {"@id": "tkg:employee", "@type": "@id"}
    # dates are not coerced: their datatype says their precision
    for prop in ("startDate", "endDate", "date", "publicationDate"):
        assert context[prop] == f"tkg:{prop}"


def test_context_has_a_term_for_every_ontology_term() -> None:
    """A new class or property in the ontology needs its short name in the context (else the
    JSON-LD falls back to CURIEs: still correct, but not what a reader expects)."""
    context = load_context(CONTEXT)
    graph = ontology()
    missing = []
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in graph.subjects(RDF.type, kind):
            name = str(term).removeprefix(str(TKG))
            expected: object = f"tkg:{name}"
            if kind == OWL.ObjectProperty:
                expected = {"@id": f"tkg:{name}", "@type": "@id"}
            defined = context.get(name)
            coerced_literal = (
                kind == OWL.DatatypeProperty
                and isinstance(defined, dict)
                and defined.get("@id") == f"tkg:{name}"
            )
            if defined != expected and not coerced_literal:
                missing.append(f'"{name}": {json.dumps(expected)}')
    assert not missing, "add to ontology/context.jsonld: " + ", ".join(sorted(missing))


def _node(document: dict[str, object], node_id: str) -> dict[str, object]:
    nodes = document["@graph"]
    assert isinstance(nodes, list)
    return next(n for n in nodes if n["id"] == node_id)


def test_jsonld_uses_short_terms_and_keeps_dates_typed() -> None:
    text = export(story(), JSONLD, context=CONTEXT)
    document = json.loads(text)
    assert document["@context"] == load_context(CONTEXT)
    employment = _node(document, "tkd:employment-x-fair")
    assert employment == {
        "id": "tkd:employment-x-fair",
        "type": "Employment",
        "employee": "tkd:x",
        "employer": "tkd:fair",
        "startDate": {"@value": "2020", "type": "xsd:gYear"},
        "endDate": {"@value": "2023-06", "type": "xsd:gYearMonth"},
        "source": "tkd:source-news-2023-06-15",
    }
    assert _node(document, "tkd:x")["label"] == {"@language": "fr", "@value": "Timothée X"}
    source = _node(document, "tkd:source-news-2023-06-15")
    assert source["url"] == "https://example.org/news/2023/06/15?a=1&b=2"  # coerced anyURI
    ids = [n["id"] for n in document["@graph"]]
    assert ids == sorted(ids)
    assert "Timothée" in text  # UTF-8, not \u escapes


def test_jsonld_parses_back_with_the_same_context() -> None:
    graph = story()
    text = to_jsonld(graph, load_context(CONTEXT))
    back = Graph().parse(data=text, format="json-ld", context=load_context(CONTEXT))
    assert isomorphic(back, graph)
    start = next(back.objects(TKD["employment-x-fair"], TKG.startDate))
    assert start == Literal("2020", datatype=XSD.gYear)


def test_jsonld_without_a_term_falls_back_to_a_curie() -> None:
    graph = Graph()
    graph.add((TKD.s, TKG.url, Literal("https://plain.example")))  # not xsd:anyURI
    graph.add((TKD.s, TKG.employee, Literal("a literal where an IRI belongs")))
    document = json.loads(export(graph, JSONLD, context=CONTEXT))
    [node] = document["@graph"]
    assert node["tkg:url"] == "https://plain.example"
    assert node["tkg:employee"] == "a literal where an IRI belongs"
    assert isomorphic(Graph().parse(data=json.dumps(document), format="json-ld"), graph)


def test_bad_context_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such JSON-LD context"):
        load_context(tmp_path / "missing.jsonld")
    broken = tmp_path / "broken.jsonld"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read"):
        load_context(broken)
    broken.write_text("[]", encoding="utf-8")
    with pytest.raises(InputError, match="no @context"):
        load_context(broken)


def test_unknown_format_is_an_input_error() -> None:
    with pytest.raises(InputError):
        export(Graph(), RdfFormat("rdf/xml", "xml", ".rdf", "application/rdf+xml"))


# -- writing --------------------------------------------------------------------------------


def test_write_export_to_a_file_and_to_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "story.ttl"
    write_export("first\n", out)
    write_export("Łukasz\n", out)
    assert out.read_text(encoding="utf-8") == "Łukasz\n"
    assert os.listdir(tmp_path) == ["story.ttl"]
    write_export("to stdout\n", None)
    assert capsys.readouterr().out == "to stdout\n"


def test_write_into_a_missing_directory_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "dir" / "out.ttl"
    with pytest.raises(InputError, match="cannot write there"):
        write_export("text\n", out)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "story.ttl"
    out.write_text("old\n", encoding="utf-8")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(InputError, match="writing failed"):
        write_export("new\n", out)
    assert out.read_text(encoding="utf-8") == "old\n"
    assert os.listdir(tmp_path) == ["story.ttl"]  # the temporary file is gone


def test_writing_onto_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        write_export("text\n", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_text_that_cannot_be_encoded_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.ttl"
    with pytest.raises(UnicodeEncodeError):
        write_export("a lone surrogate \ud800\n", out)
    assert list(tmp_path.iterdir()) == []
