"""OWL RL reasoning: the ontology's chains, inverses, hierarchy and transitivity do their work on a
small story, the caller's graph is never touched, and the noise is filtered out."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import OWL, PROV, RDF, RDFS, XSD
from rdflib.term import Node

from kg.load import parse_file
from kg.namespaces import SCHEMA, TKD, TKG
from kg.reason import KEPT_NAMESPACES, closure, infer, reason

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "talent-kg.ttl"
STORY = ROOT / "tests" / "fixtures" / "export" / "story-mini.ttl"

#: What the ontology must derive from story-mini.ttl, worked out by hand from its axioms.
EXPECTED: list[tuple[Node, Node, Node]] = [
    # chain (employment employer), where employment is the inverse of the asserted employee
    (TKD.x, TKG.employedBy, TKD.fair),
    # the inverse of that derived link
    (TKD.fair, TKG.employerOf, TKD.x),
    # chain (hasAuthorship authorPerson), and its super-properties
    (TKD.paper, TKG.author, TKD.x),
    (TKD.paper, SCHEMA.author, TKD.x),
    (TKD.x, TKG.authorOf, TKD.paper),
    # chain (founding founder), where founding is the inverse of the asserted foundedOrganisation
    (TKD.org, TKG.foundedBy, TKD.person),
    (TKD.org, SCHEMA.founder, TKD.person),
    (TKD.person, TKG.founderOf, TKD.org),
    # parentOrganisation ⊑ partOfOrganisation, which is transitive: FAIR → Meta AI → Meta
    (TKD.fair, TKG.partOfOrganisation, TKD["meta-ai"]),
    (TKD.fair, TKG.partOfOrganisation, TKD.meta),
    (TKD.meta, TKG.subOrganisation, TKD["meta-ai"]),
    # class hierarchy aligned to schema.org and PROV
    (TKD.x, RDF.type, SCHEMA.Person),
    (TKD.x, RDF.type, PROV.Person),
    (TKD.fair, RDF.type, TKG.Organisation),
    (TKD["employment-x-fair"], RDF.type, TKG.Stint),
    (TKD["employment-x-fair"], RDF.type, PROV.Activity),
    # datatype sub-properties keep the literal, datatype and all
    (TKD["employment-x-fair"], SCHEMA.startDate, Literal("2020", datatype=XSD.gYear)),
]


@pytest.fixture(scope="module")
def story() -> Graph:
    graph = parse_file(ONTOLOGY)
    parse_file(STORY, graph)
    return graph


@pytest.fixture(scope="module")
def inferred(story: Graph) -> Graph:
    return infer(story)


def _short(triple: tuple[object, ...]) -> str:
    return " ".join(str(n).rsplit("/", 1)[-1] for n in triple)


@pytest.mark.parametrize("triple", EXPECTED, ids=_short)
def test_the_ontology_derives_the_story_links(
    story: Graph, inferred: Graph, triple: tuple[Node, Node, Node]
) -> None:
    assert triple in inferred
    assert triple not in story  # derived, never asserted


def test_employment_does_not_climb_the_organisation_tree(inferred: Graph) -> None:
    # The ontology has no axiom for it: working at FAIR does not make one "employed by" Meta.
    assert (TKD.x, TKG.employedBy, TKD.meta) not in inferred
    # and partOfOrganisation is not reflexive nor inverted
    assert (TKD.meta, TKG.partOfOrganisation, TKD.fair) not in inferred


def test_infer_leaves_its_input_alone(story: Graph) -> None:
    before = to_isomorphic(story)
    size = len(story)
    result = infer(story)
    assert result is not story
    assert len(story) == size
    assert isomorphic(story, before)


def test_inferred_holds_only_new_triples(story: Graph, inferred: Graph) -> None:
    assert len(inferred) > 0
    assert not any(triple in story for triple in inferred)


def test_noise_is_dropped(inferred: Graph) -> None:
    for s, p, o in inferred:
        assert isinstance(s, URIRef), (s, p, o)
        assert str(s).startswith(KEPT_NAMESPACES), (s, p, o)
        assert not isinstance(o, BNode), (s, p, o)
        assert o not in (OWL.Thing, RDFS.Resource) or p not in (RDF.type, RDFS.subClassOf)
        if s == o:
            assert p not in (OWL.sameAs, OWL.equivalentClass, RDFS.subClassOf), (s, p, o)
    assert (TKD.x, OWL.sameAs, TKD.x) not in inferred
    assert (TKD.x, RDF.type, OWL.Thing) not in inferred


def test_schema_entailments_on_the_ontology_terms_are_kept(inferred: Graph) -> None:
    # Company ⊑ Organisation ⊑ schema:Organization
    assert (TKG.Company, RDFS.subClassOf, SCHEMA.Organization) in inferred
    # ...but nothing is said about the other vocabularies' own terms
    assert not any(inferred.triples((SCHEMA.Person, None, None)))


def test_closure_is_asserted_plus_inferred(story: Graph, inferred: Graph) -> None:
    full = closure(story)
    assert full is not story
    assert len(full) == len(story) + len(inferred)
    assert all(triple in full for triple in story)
    assert (TKD.x, TKG.employedBy, TKD.fair) in full


def test_the_ontology_can_be_given_apart_from_the_data() -> None:
    data = parse_file(STORY)
    ontology = parse_file(ONTOLOGY)
    size = len(data), len(ontology)
    result = infer(data, ontology=ontology)
    assert (TKD.x, TKG.employedBy, TKD.fair) in result
    assert not any(triple in ontology for triple in result)
    assert (len(data), len(ontology)) == size
    # without the ontology there is nothing to reason with
    assert (TKD.x, TKG.employedBy, TKD.fair) not in infer(data)


def test_inconsistencies_are_reported_not_raised() -> None:
    graph = parse_file(ONTOLOGY)
    graph.parse(
        data="""
        @prefix tkd: <https://w3id.org/talent-kg/id/> .
        @prefix tkg: <https://w3id.org/talent-kg/ontology#> .
        tkd:both a tkg:Person , tkg:Company .
        tkd:e a tkg:Employment ; tkg:employee tkd:ann , tkd:anne ; tkg:employer tkd:fair .
        """,
        format="turtle",
    )
    result = reason(graph)
    assert not result.consistent
    assert any("Disjoint" in m and str(TKD.both) in m for m in result.inconsistencies)
    # a functional property with two values makes the two the same individual: kept, as a hint
    assert (TKD.ann, OWL.sameAs, TKD.anne) in result.inferred
    # the error messages themselves are not triples of the inferred graph
    assert not any(isinstance(s, BNode) for s in result.inferred.subjects())


def test_consistent_story(story: Graph) -> None:
    assert reason(story).inconsistencies == ()
