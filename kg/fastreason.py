"""Fast OWL RL reasoning: owlrl on the schema; the ontology's instance rules compiled, run on data.

:mod:`kg.reason` runs owlrl's whole OWL RL closure over ontology and data, which costs minutes at
ten thousand people. Nearly all of that work re-derives the same schema facts on every cycle. This
module splits the closure in two:

1. the *schema* (the ontology's class and property axioms, and any such axioms in the data) is
   closed by owlrl itself, which is quick (a thousand triples);
2. the closed schema is compiled into lookup tables (super-classes, super-properties, domains,
   ranges, inverses, symmetric, transitive and functional properties, property chains, disjoint
   classes), and the instance rules of OWL 2 RL that use them (``cax-sco``, ``prp-spo1``,
   ``prp-inv``, ``prp-symp``, ``prp-trp``, ``prp-spo2``, ``prp-dom``, ``prp-rng``, ``prp-fp``,
   ``prp-ifp``, the ``eq-*`` equality rules, ``cax-dw``) run once over every triple, semi-naively:
   each new triple is pushed through the rules exactly once.

The result is the same set of kept triples as :func:`kg.reason.infer` (after the same filter,
:func:`kg.reason._wanted`), and the same inconsistency messages for the checks owlrl makes on
this ontology (disjoint classes, ``owl:Nothing``, ill-typed literals); ``tests/test_fastreason.py``
proves it on the repository's graph, the test fixtures and generated graphs. An ontology that
uses an OWL construct the compiled rules do not implement (restrictions, ``owl:unionOf``,
``owl:hasKey``, property disjointness…) is refused with :class:`UnsupportedOntologyError`,
never silently under-reasoned; ``kg reason`` (owlrl) still handles it.

Two entry points:

- :func:`reason` / :func:`infer`: rdflib graph in, rdflib graph of inferred triples out, a
  drop-in for :mod:`kg.reason`;
- :func:`reason_store`: a pyoxigraph store in, the inferred triples written to its named graph
  :data:`kg.store.INFERRED_GRAPH` (asserted triples stay in the default graph), so the data
  never passes through rdflib: the path that scales. Oxigraph keeps literals in canonical form
  ("1"^^xsd:positiveInteger is stored as "1"^^xsd:integer), so a store cannot report that "0"
  is no xsd:positiveInteger (the shapes do: ``sh:datatype``); every other result is the same.

>>> from rdflib import Graph
>>> from kg.load import find_repository, parse_file
>>> from kg.namespaces import TKD, TKG
>>> g = parse_file(find_repository().ontology)
>>> _ = g.parse(data='''
...     @prefix tkd: <https://w3id.org/talent-kg/id/> .
...     @prefix tkg: <https://w3id.org/talent-kg/ontology#> .
...     tkd:e a tkg:Employment ; tkg:employee tkd:ann ; tkg:employer tkd:fair .
... ''', format="turtle")
>>> (TKD.ann, TKG.employedBy, TKD.fair) in infer(g)
True
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from kg.errors import KgError
from kg.namespaces import bind_prefixes
from kg.reason import _REFLEXIVE_NOISE, _TOP, _TOP_NOISE, KEPT_NAMESPACES, Inference

if TYPE_CHECKING:
    import pyoxigraph

#: Reports progress on long runs: one line of text per phase.
Progress = Callable[[str], None]

Triple = tuple[Node, Node, Node]

#: Predicates whose triples are schema axioms (closed by owlrl), besides rdf:type to a metaclass.
SCHEMA_PREDICATES = frozenset(
    {
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        RDF.first,
        RDF.rest,
    }
)
#: Namespaces of the metaclasses: ``x rdf:type owl:TransitiveProperty`` is a schema axiom.
_META_NAMESPACES = (str(OWL), str(RDFS), str(RDF))

#: OWL constructs the compiled rules do not implement: an ontology using one is refused.
UNSUPPORTED_PREDICATES = frozenset(
    {
        OWL.someValuesFrom,
        OWL.allValuesFrom,
        OWL.hasValue,
        OWL.maxCardinality,
        OWL.maxQualifiedCardinality,
        OWL.intersectionOf,
        OWL.unionOf,
        OWL.complementOf,
        OWL.oneOf,
        OWL.hasKey,
        OWL.sourceIndividual,
        OWL.propertyDisjointWith,
        OWL.members,
        OWL.distinctMembers,
        OWL.differentFrom,
    }
)
UNSUPPORTED_TYPES = frozenset(
    {
        OWL.IrreflexiveProperty,
        OWL.AsymmetricProperty,
        OWL.AllDisjointClasses,
        OWL.AllDisjointProperties,
        OWL.AllDifferent,
        OWL.NegativePropertyAssertion,
    }
)


class UnsupportedOntologyError(KgError):
    """The ontology uses an OWL construct that the compiled rules do not implement."""


# --- the compiled schema --------------------------------------------------------------------


@dataclass(frozen=True)
class Schema:
    """The closed schema, as lookup tables over rdflib terms.

    Every table is already closed (owlrl computed the schema closure), so one lookup gives all:
    ``superclasses[C]`` holds every D with C ⊑ D (not C itself), ``domains[P]`` every class that
    the domain axioms of P and of its super-properties, and their super-classes, give.
    """

    derived: frozenset[Triple]  # what owlrl's closure of the schema adds to it
    superclasses: dict[Node, frozenset[Node]]
    superproperties: dict[Node, frozenset[Node]]
    domains: dict[Node, frozenset[Node]]
    ranges: dict[Node, frozenset[Node]]
    inverses: dict[Node, frozenset[Node]]
    symmetric: frozenset[Node]
    transitive: frozenset[Node]
    functional: frozenset[Node]
    inverse_functional: frozenset[Node]
    chains: tuple[tuple[Node, tuple[Node, ...]], ...]
    disjoint: tuple[tuple[Node, Node], ...]
    schema_terms: frozenset[Node]  # classes and properties the tables mention

    def describe(self) -> str:
        """A one-line summary, for progress output."""
        return (
            f"{len(self.superclasses)} classes with super-classes, "
            f"{len(self.superproperties)} properties with super-properties, "
            f"{len(self.inverses)} with inverses, {len(self.chains)} chains, "
            f"{len(self.transitive)} transitive, {len(self.functional)} functional"
        )


#: Terms of the metaclass namespaces that type individuals, not classes or properties.
_INDIVIDUAL_TYPES = frozenset({OWL.Thing, OWL.Nothing, OWL.NamedIndividual, RDFS.Resource})


def is_schema_triple(s: Node, p: Node, o: Node) -> bool:
    """Whether (s, p, o) is a schema axiom: the part of a graph owlrl closes on its own."""
    if p in SCHEMA_PREDICATES or (str(p).startswith(str(OWL)) and p != OWL.sameAs):
        return True
    return p == RDF.type and str(o).startswith(_META_NAMESPACES) and o not in _INDIVIDUAL_TYPES


def compile_schema(schema: Iterable[Triple]) -> Schema:
    """Close ``schema`` (the ontology's axioms) with owlrl and compile it into lookup tables.

    Raises :class:`UnsupportedOntologyError` if it uses a construct the rules do not implement.
    """
    import owlrl

    graph = Graph()
    for triple in schema:
        graph.add(triple)
    _refuse_unsupported(graph)
    given = set(graph)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(graph)
    _refuse_unsupported(graph)

    def pairs(predicate: Node) -> Iterator[tuple[Node, Node]]:
        yield from graph.subject_objects(predicate)

    def table(predicate: Node, *, strict: bool) -> dict[Node, frozenset[Node]]:
        out: dict[Node, set[Node]] = {}
        for s, o in pairs(predicate):
            if strict and s == o:
                continue
            out.setdefault(s, set()).add(o)
        return {k: frozenset(v) for k, v in out.items()}

    inverses: dict[Node, set[Node]] = {}
    for p1, p2 in pairs(OWL.inverseOf):
        inverses.setdefault(p1, set()).add(p2)
        inverses.setdefault(p2, set()).add(p1)

    def typed(cls: Node) -> frozenset[Node]:
        return frozenset(graph.subjects(RDF.type, cls))

    chains = []
    for prop, head in pairs(OWL.propertyChainAxiom):
        members = tuple(graph.items(head))
        if members:
            chains.append((prop, members))
    superclasses = table(RDFS.subClassOf, strict=True)
    superproperties = table(RDFS.subPropertyOf, strict=True)
    domains = table(RDFS.domain, strict=False)
    ranges = table(RDFS.range, strict=False)
    compiled = Schema(
        derived=frozenset(t for t in graph if t not in given),
        superclasses=superclasses,
        superproperties=superproperties,
        domains=domains,
        ranges=ranges,
        inverses={k: frozenset(v) for k, v in inverses.items()},
        symmetric=typed(OWL.SymmetricProperty),
        transitive=typed(OWL.TransitiveProperty),
        functional=typed(OWL.FunctionalProperty),
        inverse_functional=typed(OWL.InverseFunctionalProperty),
        chains=tuple(sorted(chains)),
        disjoint=tuple(sorted(pairs(OWL.disjointWith))),
        schema_terms=_terms_of(
            superclasses, superproperties, domains, ranges, inverses, chains, graph
        ),
    )
    _refuse_schema_conclusions(compiled)
    return compiled


def _terms_of(
    superclasses: dict[Node, frozenset[Node]],
    superproperties: dict[Node, frozenset[Node]],
    domains: dict[Node, frozenset[Node]],
    ranges: dict[Node, frozenset[Node]],
    inverses: dict[Node, set[Node]],
    chains: list[tuple[Node, tuple[Node, ...]]],
    graph: Graph,
) -> frozenset[Node]:
    """The classes and properties the compiled tables mention."""
    terms: set[Node] = set()
    for table in (superclasses, superproperties, domains, ranges, inverses):
        for key, values in table.items():
            terms.add(key)
            terms |= values
    for prop, members in chains:
        terms.add(prop)
        terms |= set(members)
    for metaclass in (OWL.SymmetricProperty, OWL.TransitiveProperty, OWL.FunctionalProperty):
        terms |= set(graph.subjects(RDF.type, metaclass))
    terms |= set(graph.subjects(RDF.type, OWL.InverseFunctionalProperty))
    for a, b in graph.subject_objects(OWL.disjointWith):
        terms |= {a, b}
    return frozenset(terms)


def _refuse_unsupported(graph: Graph) -> None:
    for s, p, o in graph:
        if p in UNSUPPORTED_PREDICATES or (p == RDF.type and o in UNSUPPORTED_TYPES):
            construct = o if p == RDF.type else p
            raise UnsupportedOntologyError(
                f"the ontology uses {construct} (on {s}), which the fast reasoner does not "
                "implement",
                hint="use 'kg reason' (owlrl), or add the rule to kg/fastreason.py with a test",
            )


def _refuse_schema_conclusions(schema: Schema) -> None:
    """Instance rules must not conclude schema axioms (owlrl would then close the schema again)."""
    produced: set[Node] = set()
    for table in (schema.superproperties, schema.inverses):
        for values in table.values():
            produced |= values
    produced |= {prop for prop, _members in schema.chains}
    classes: set[Node] = set()
    for table in (schema.superclasses, schema.domains, schema.ranges):
        for values in table.values():
            classes |= values
    for prop in produced:
        if prop in SCHEMA_PREDICATES or (str(prop).startswith(str(OWL)) and prop != OWL.sameAs):
            raise UnsupportedOntologyError(
                f"a property axiom derives {prop} triples, which are schema axioms",
                hint="the fast reasoner closes the schema once; use 'kg reason' (owlrl)",
            )
    for cls in classes:
        if str(cls).startswith(_META_NAMESPACES) and cls not in _TOP and cls != OWL.Nothing:
            if cls in (RDFS.Literal, RDFS.Datatype) or str(cls).startswith(str(RDF)):
                continue
            raise UnsupportedOntologyError(
                f"an axiom types instances as {cls}, a metaclass",
                hint="the fast reasoner closes the schema once; use 'kg reason' (owlrl)",
            )


# --- terms ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Family:
    """How the engine sees one family of terms (rdflib terms, or N-Triples strings)."""

    convert: Callable[[Node], Hashable]  # a schema term (rdflib) into this family
    is_literal: Callable[[Hashable], bool]
    datatype: Callable[[Hashable], str | None]  # a literal's datatype IRI (None: plain)
    kept_subject: Callable[[Hashable], bool]  # whether kg.reason keeps triples about it
    to_rdflib: Callable[[Hashable], Node]


def _rdflib_datatype(term: Hashable) -> str | None:
    assert isinstance(term, Literal)
    return str(term.datatype) if term.datatype is not None else None


RDFLIB_TERMS = _Family(
    convert=lambda node: node,
    is_literal=lambda term: isinstance(term, Literal),
    datatype=_rdflib_datatype,
    kept_subject=lambda term: isinstance(term, URIRef) and str(term).startswith(KEPT_NAMESPACES),
    to_rdflib=lambda term: term,  # type: ignore[arg-type,return-value]
)

_NT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_NT_KEPT = tuple(f"<{ns}" for ns in KEPT_NAMESPACES)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def nt(node: Node) -> str:
    """An rdflib term in the N-Triples form Oxigraph writes (``xsd:string`` left implicit)."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        quoted = '"' + "".join(_NT_ESCAPES.get(c, c) for c in str(node)) + '"'
        if node.language:
            return f"{quoted}@{node.language}"
        if node.datatype is not None and str(node.datatype) != _XSD_STRING:
            return f"{quoted}^^<{node.datatype}>"
        return quoted
    raise TypeError(f"not an RDF term: {node!r}")


def _nt_datatype(term: Hashable) -> str | None:
    assert isinstance(term, str)
    if term.endswith(">") and '"^^<' in term:
        return term[term.rindex('"^^<') + 4 : -1]
    return None


def _nt_to_rdflib(term: Hashable) -> Node:
    from rdflib.util import from_n3

    assert isinstance(term, str)
    node = from_n3(term)
    assert isinstance(node, Node)
    return node


NT_TERMS = _Family(
    convert=nt,
    is_literal=lambda term: isinstance(term, str) and term.startswith('"'),
    datatype=_nt_datatype,
    kept_subject=lambda term: isinstance(term, str) and term.startswith(_NT_KEPT),
    to_rdflib=_nt_to_rdflib,
)


# --- the engine -----------------------------------------------------------------------------


@dataclass
class _Result:
    """What the engine found."""

    kept: list[tuple[Hashable, Hashable, Hashable]]
    inconsistencies: tuple[str, ...]
    asserted: int
    closure: int
    seconds: dict[str, float] = field(default_factory=dict)


class _Engine:
    """Semi-naive forward chaining of the compiled rules over interned term ids.

    A triple is one int, ``s << 64 | p << 32 | o``. A new triple is pushed
    through the rules once, and only if its predicate has a rule (``plans``): a derived
    ``schema:author`` triple is stored, never processed. Types are closed on arrival
    (``cax-sco`` with the already-closed super-classes), so type triples are never queued.
    """

    def __init__(self, schema: Schema, family: _Family) -> None:
        self.schema = schema
        self.family = family
        self.ids: dict[Hashable, int] = {}
        self.terms: list[Hashable] = []
        self.bits = 32  # a triple is one int: s << 64 | p << 32 | o
        self.facts: set[int] = set()
        self.asserted: set[int] = set()
        self.queue: list[int] = []
        self.watched: list[int] = []  # functional, inverse-functional and owl:sameAs triples
        self.watched_types: list[int] = []  # types by a disjoint class or owl:Nothing
        self.fwd: dict[int, dict[int, set[int]]] = {}
        self.rev: dict[int, dict[int, set[int]]] = {}
        self._compile()

    def intern(self, term: Hashable) -> int:
        found = self.ids.get(term)
        if found is None:
            found = self.ids[term] = len(self.terms)
            self.terms.append(term)
        return found

    def _id(self, node: Node) -> int:
        return self.intern(self.family.convert(node))

    def _table(self, table: dict[Node, frozenset[Node]]) -> dict[int, tuple[int, ...]]:
        return {
            self._id(k): tuple(self._id(v) for v in sorted(vs, key=str)) for k, vs in table.items()
        }

    def _compile(self) -> None:
        schema = self.schema
        self.type = self._id(RDF.type)
        self.same_as = self._id(OWL.sameAs)
        self.nothing = self._id(OWL.Nothing)
        self.supc = self._table(schema.superclasses)
        supp = self._table(schema.superproperties)
        dom = self._table(schema.domains)
        rng = self._table(schema.ranges)
        inv = self._table(schema.inverses)
        sym = {self._id(p) for p in schema.symmetric}
        trans = {self._id(p) for p in schema.transitive}
        self.func = frozenset(self._id(p) for p in schema.functional)
        self.ifunc = frozenset(self._id(p) for p in schema.inverse_functional)
        self.chains = [
            (self._id(p), tuple(self._id(m) for m in members)) for p, members in schema.chains
        ]
        chain_at: dict[int, list[tuple[int, int]]] = {}
        for number, (_prop, members) in enumerate(self.chains):
            for position, member in enumerate(members):
                chain_at.setdefault(member, []).append((number, position))
        self.indexed = frozenset(trans | set(chain_at))
        for p in self.indexed:
            self.fwd[p] = {}
            self.rev[p] = {}
        # one plan per predicate that has a rule: (super-properties, inverses, symmetric,
        # domains, ranges, transitive, chain positions)
        self.plans: dict[int, tuple[Any, ...]] = {}
        for p in set(supp) | set(inv) | sym | set(dom) | set(rng) | trans | set(chain_at):
            self.plans[p] = (
                supp.get(p, ()),
                inv.get(p, ()),
                p in sym,
                dom.get(p, ()),
                rng.get(p, ()),
                p in trans,
                tuple(chain_at.get(p, ())),
            )
        self.disjoint = [(self._id(a), self._id(b)) for a, b in schema.disjoint]
        self.watched_classes = frozenset(
            {c for pair in self.disjoint for c in pair} | {self.nothing}
        )
        self.watched_predicates = self.func | self.ifunc | {self.same_as}
        # Types owl:Thing and rdfs:Resource are never kept, and feed no rule unless the
        # ontology says something about them: then they need not be derived at all.
        tops = {self._id(t) for t in _TOP}
        if not (tops & (self.watched_classes | set(self.supc))) and self.type not in self.plans:
            self.supc = {c: tuple(d for d in ds if d not in tops) for c, ds in self.supc.items()}
            self.plans = {
                p: (
                    supers,
                    inverses,
                    symmetric,
                    tuple(c for c in domains if c not in tops),
                    tuple(c for c in ranges if c not in tops),
                    transitive,
                    chains,
                )
                for p, (
                    supers,
                    inverses,
                    symmetric,
                    domains,
                    ranges,
                    transitive,
                    chains,
                ) in self.plans.items()
            }

    # facts

    def read(self, triples: Iterable[tuple[Hashable, Hashable, Hashable]]) -> int:
        """Intern the asserted triples and the owlrl-derived schema triples, and queue what the
        rules must see; return how many triples were read."""
        # a dict whose missing keys number themselves: one lookup per term, in C
        ids: defaultdict[Hashable, int] = defaultdict(itertools.count(len(self.ids)).__next__)
        ids.update(self.ids)
        b, b2 = self.bits, 2 * self.bits
        asserted = self.asserted
        add_asserted = asserted.add
        type_, plans, indexed = self.type, self.plans, self.indexed
        watched_predicates, watched, queue = self.watched_predicates, self.watched, self.queue
        types = []
        count = 0
        for s_term, p_term, o_term in triples:
            count += 1
            s, p, o = ids[s_term], ids[p_term], ids[o_term]
            key = (s << b2) | (p << b) | o
            if key in asserted:
                continue
            add_asserted(key)
            if p == type_:
                types.append((s, o, key))
                continue
            if p in watched_predicates:
                watched.append(key)
            if p in indexed:
                self.fwd[p].setdefault(s, set()).add(o)
                self.rev[p].setdefault(o, set()).add(s)
            if p in plans:
                queue.append(key)
        self.ids = dict(ids)
        self.terms = list(ids)
        if len(self.terms) >= 1 << self.bits:
            raise ValueError(f"more than {1 << self.bits} distinct terms")
        self.facts = set(asserted)
        for s, c, key in types:
            self._close_type(s, c, key)
        convert = self.family.convert
        for s_node, p_node, o_node in self.schema.derived:
            if isinstance(s_node, BNode) or isinstance(o_node, BNode):
                continue  # list cells and owlrl's messages: not facts about anything
            self.add(self._id(s_node), self._id(p_node), self._id(o_node))
        del convert
        self._explicit_datatype_types()
        return count

    def add(self, s: int, p: int, o: int) -> None:
        """Record the triple (s, p, o) and queue it if a rule uses its predicate."""
        key = (s << 2 * self.bits) | (p << self.bits) | o
        if key in self.facts:
            return
        self.facts.add(key)
        if p == self.type:
            self._close_type(s, o, key)
            return
        if p in self.watched_predicates:
            self.watched.append(key)
        if p in self.indexed:
            self.fwd[p].setdefault(s, set()).add(o)
            self.rev[p].setdefault(o, set()).add(s)
        if p in self.plans:
            self.queue.append(key)

    def _close_type(self, s: int, c: int, key: int) -> None:
        """cax-sco on arrival: the super-classes are already closed, so none is queued."""
        b2, b = 2 * self.bits, self.bits
        facts, type_shifted = self.facts, self.type << b
        watched = self.watched_classes
        if c in watched:
            self.watched_types.append(key)
        for d in self.supc.get(c, ()):
            k = (s << b2) | type_shifted | d
            if k not in facts:
                facts.add(k)
                if d in watched:
                    self.watched_types.append(k)
        if self.type in self.plans:  # an ontology with axioms on rdf:type itself
            self.queue.append(key)

    def _explicit_datatype_types(self) -> None:
        """owlrl's one-time datatype rule for resources typed with a datatype in the data: they
        get the datatype's super-types too (``x a xsd:integer`` gives ``x a xsd:decimal``)."""
        from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions

        subsumed = {
            self._id(dt): [self._id(d) for d in supers]
            for dt, supers in OWL_Datatype_Subsumptions.items()
            if self.family.convert(dt) in self.ids
        }
        b, mask = self.bits, (1 << self.bits) - 1
        for key in list(self.asserted):
            p, o = (key >> b) & mask, key & mask
            if p == self.type and o in subsumed:
                s = key >> 2 * b
                if not self.family.is_literal(self.terms[s]):
                    for d in subsumed[o]:
                        self.add(s, self.type, d)

    def run(self) -> None:
        """Apply the rules until nothing new follows (equality included)."""
        while True:
            self._drain()
            if not self._equality():
                return

    def _drain(self) -> None:
        b, b2, mask = self.bits, 2 * self.bits, (1 << self.bits) - 1
        facts, queue, add = self.facts, self.queue, self.add
        plans, type_, fwd, rev = self.plans, self.type, self.fwd, self.rev
        close_type, facts_add = self._close_type, facts.add
        special = set(plans) | self.indexed | self.watched_predicates | {type_}
        while queue:
            key = queue.pop()
            s, p, o = key >> b2, (key >> b) & mask, key & mask
            supers, inverses, symmetric, domains, ranges, transitive, chains = plans[p]
            for q in supers:  # prp-spo1, inlined: the commonest rule
                k = (s << b2) | (q << b) | o
                if k not in facts:
                    if q in special:
                        add(s, q, o)
                    else:  # a super-property no rule uses (schema:author): just store it
                        facts_add(k)
            for q in inverses:
                add(o, q, s)
            if symmetric:
                add(o, p, s)
            for c in domains:
                k = (s << b2) | (type_ << b) | c
                if k not in facts:
                    facts_add(k)
                    close_type(s, c, k)
            for c in ranges:
                k = (o << b2) | (type_ << b) | c
                if k not in facts:
                    facts_add(k)
                    close_type(o, c, k)
            if transitive:
                for z in tuple(fwd[p].get(o, ())):
                    add(s, p, z)
                for w in tuple(rev[p].get(s, ())):
                    add(w, p, o)
            for number, position in chains:
                self._chain(number, position, s, o, add)

    def _chain(
        self, number: int, position: int, s: int, o: int, add: Callable[[int, int, int], None]
    ) -> None:
        prop, members = self.chains[number]
        starts = {s}
        for member in reversed(members[:position]):
            rev = self.rev[member]
            starts = {w for x in starts for w in rev.get(x, ())}
            if not starts:
                return
        ends = {o}
        for member in members[position + 1 :]:
            fwd = self.fwd[member]
            ends = {z for y in ends for z in fwd.get(y, ())}
            if not ends:
                return
        for start in starts:
            for end in ends:
                add(start, prop, end)

    def _equality(self) -> bool:
        """prp-fp, prp-ifp and the eq-* rules: merge the nodes a functional property gives two
        values (or owl:sameAs links), then copy every triple onto every member. True if that
        added anything (the rules then run again)."""
        b, b2, mask = self.bits, 2 * self.bits, (1 << self.bits) - 1
        groups: dict[int, frozenset[int]] = {}

        def union(x: int, y: int) -> None:
            group = groups.get(x, frozenset({x})) | groups.get(y, frozenset({y}))
            for member in group:
                groups[member] = group

        by_subject: dict[tuple[int, int], int] = {}
        by_object: dict[tuple[int, int], int] = {}
        for key in self.watched:
            s, p, o = key >> b2, (key >> b) & mask, key & mask
            if p == self.same_as and s != o:
                union(s, o)
            if p in self.func:
                first = by_subject.setdefault((p, s), o)
                if first != o:
                    union(first, o)
            if p in self.ifunc:
                first = by_object.setdefault((p, o), s)
                if first != s:
                    union(first, s)
        if not groups:
            return False
        schema_ids = {self.ids.get(self.family.convert(t)) for t in self.schema.schema_terms}
        if any(member in schema_ids for member in groups):
            raise UnsupportedOntologyError(
                "the data makes a class or property owl:sameAs another one",
                hint="use 'kg reason' (owlrl), which closes the schema again",
            )
        before = len(self.facts)
        for group in set(groups.values()):
            for x in group:
                for y in group:
                    self.add(x, self.same_as, y)
        for key in list(self.facts):
            s, p, o = key >> b2, (key >> b) & mask, key & mask
            if s in groups or p in groups or o in groups:
                for s2 in groups.get(s, (s,)):
                    for p2 in groups.get(p, (p,)):
                        for o2 in groups.get(o, (o,)):
                            self.add(s2, p2, o2)
        return len(self.facts) > before

    # results

    def inconsistencies(self) -> tuple[str, ...]:
        """owlrl's messages for what this ontology can get wrong: an individual in two disjoint
        classes, an individual of type owl:Nothing, a literal that its datatype rejects."""
        from owlrl.DatatypeHandling import AltXSDToPYTHON
        from owlrl.XsdDatatypes import OWL_RL_Datatypes

        b, b2, mask = self.bits, 2 * self.bits, (1 << self.bits) - 1
        r, terms = self.family.to_rdflib, self.terms
        types: dict[int, set[int]] = {}
        for key in self.watched_types:
            types.setdefault(key & mask, set()).add(key >> b2)
        errors: set[str] = set()
        for c1, c2 in self.disjoint:
            for x in types.get(c1, set()) & types.get(c2, set()):
                errors.add(
                    f"Disjoint classes {r(terms[c1])} and {r(terms[c2])} "
                    f"have a common individual {r(terms[x])}"
                )
        for x in types.get(self.nothing, ()):
            errors.add(f"{r(terms[x])} is defined of type 'Nothing'")
        datatypes = frozenset(str(dt) for dt in OWL_RL_Datatypes)
        objects = {key & mask for key in self.asserted}
        for o in objects:
            term = terms[o]
            if not self.family.is_literal(term) or self.family.datatype(term) not in datatypes:
                continue
            literal = r(term)
            assert isinstance(literal, Literal)
            converter = AltXSDToPYTHON.get(literal.datatype, lambda v: v)
            try:
                converter(str(literal))
            except ValueError:
                errors.add(
                    f"Lexical value of the literal '{literal}' does not match its datatype "
                    f"({literal.datatype})"
                )
        del b
        return tuple(sorted(errors))

    def kept(self) -> list[tuple[Hashable, Hashable, Hashable]]:
        """The derived triples :mod:`kg.reason` keeps: subject an IRI of ours, no noise."""
        b, b2, mask = self.bits, 2 * self.bits, (1 << self.bits) - 1
        known = self.ids.get
        convert = self.family.convert
        reflexive = {known(convert(t)) for t in _REFLEXIVE_NOISE} - {None}
        top = {known(convert(t)) for t in _TOP} - {None}
        top_noise = {known(convert(t)) for t in _TOP_NOISE} - {None}
        kept_subject, terms = self.family.kept_subject, self.terms
        keep = {i for i, term in enumerate(terms) if kept_subject(term)}
        out = []
        for key in self.facts - self.asserted:
            s = key >> b2
            if s not in keep:
                continue
            p, o = (key >> b) & mask, key & mask
            if (s == o and p in reflexive) or (p in top_noise and o in top):
                continue
            out.append((terms[s], terms[p], terms[o]))
        return out


def _run(
    schema: Schema,
    family: _Family,
    triples: Iterable[tuple[Hashable, Hashable, Hashable]],
    progress: Progress | None,
) -> _Result:
    seconds: dict[str, float] = {}
    clock = time.perf_counter
    started = clock()
    engine = _Engine(schema, family)
    count = engine.read(triples)
    seconds["read"] = clock() - started
    if progress:
        progress(f"read {count:,} triples ({len(engine.terms):,} terms) in {seconds['read']:.1f}s")
    started = clock()
    engine.run()
    seconds["rules"] = clock() - started
    if progress:
        progress(f"closure: {len(engine.facts):,} triples in {seconds['rules']:.1f}s")
    started = clock()
    kept = engine.kept()
    inconsistencies = engine.inconsistencies()
    seconds["filter"] = clock() - started
    if progress:
        progress(
            f"kept {len(kept):,} inferred triples, {len(inconsistencies)} inconsistencies, "
            f"in {seconds['filter']:.1f}s"
        )
    return _Result(
        kept=kept,
        inconsistencies=inconsistencies,
        asserted=len(engine.asserted),
        closure=len(engine.facts),
        seconds=seconds,
    )


# --- rdflib ---------------------------------------------------------------------------------


def _schema_triples(graph: Graph, ontology: Graph | None) -> Iterator[Triple]:
    """The schema axioms of ``graph`` and ``ontology``."""
    for source in (ontology, graph):
        if source is None:
            continue
        for s, p, o in source:
            if is_schema_triple(s, p, o):
                yield s, p, o


def reason(
    graph: Graph, *, ontology: Graph | None = None, progress: Progress | None = None
) -> Inference:
    """Like :func:`kg.reason.reason`: the triples OWL RL infers from ``graph`` (plus
    ``ontology``), filtered the same way, and the inconsistencies. Neither input is modified."""
    schema = compile_schema(_schema_triples(graph, ontology))
    sources: list[Graph] = [graph] if ontology is None else [graph, ontology]
    result = _run(schema, RDFLIB_TERMS, (t for source in sources for t in source), progress)
    inferred = bind_prefixes(Graph())
    for triple in result.kept:
        inferred.add(triple)  # type: ignore[arg-type]
    return Inference(inferred=inferred, inconsistencies=result.inconsistencies)


def infer(graph: Graph, *, ontology: Graph | None = None) -> Graph:
    """A new graph holding only the triples OWL RL infers (the same as :func:`kg.reason.infer`)."""
    return reason(graph, ontology=ontology).inferred


# --- pyoxigraph -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreInference:
    """What :func:`reason_store` did: triples read, inferred triples written, inconsistencies,
    and where the time went (``schema``, ``read``, ``rules``, ``filter``, ``write``, seconds)."""

    asserted: int
    inferred: int
    inconsistencies: tuple[str, ...]
    seconds: dict[str, float]

    @property
    def consistent(self) -> bool:
        return not self.inconsistencies


#: How many inferred triples are formatted at a time when writing them out.
WRITE_BATCH = 200_000


def reason_store(
    store: pyoxigraph.Store,
    *,
    sources: Sequence[Path] | None = None,
    graph_name: str | None = None,
    progress: Progress | None = None,
) -> StoreInference:
    """Reason over the default graph of a pyoxigraph ``store`` (ontology and data) and write the
    kept inferred triples to the named graph ``graph_name`` (default
    :data:`kg.store.INFERRED_GRAPH`), replacing what it held. The default graph is not touched.

    ``sources``: the files the default graph was loaded from (Turtle or N-Triples), if the
    caller has them. They are read instead of the store: an on-disk store resolves every term of
    a dump through its dictionary (17 s at 1.6 million triples, against 4 s to parse the files),
    and the files keep literals as written, which the store does not.

    The triples travel as N-Triples text (Oxigraph writes and reads it in Rust), never as
    Python term objects: that is most of the speed.
    """
    import io
    import tempfile

    import pyoxigraph as ox

    from kg.store import INFERRED_GRAPH, to_rdflib

    target = ox.NamedNode(graph_name or INFERRED_GRAPH)
    started = time.perf_counter()
    schema = compile_schema(
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        for q in _schema_quads(store)
    )
    schema_seconds = time.perf_counter() - started
    if progress:
        progress(f"schema: {schema.describe()}, in {schema_seconds:.1f}s")
    with tempfile.TemporaryFile() as dump:
        if sources is None:
            store.dump(dump, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        else:
            for path in sources:
                fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
                ox.serialize(ox.parse(path=str(path), format=fmt), dump, ox.RdfFormat.N_TRIPLES)
        dump.seek(0)
        lines = io.TextIOWrapper(dump, encoding="utf-8", newline="\n")
        result = _run(schema, NT_TERMS, map(_split, lines), progress)
    result.seconds["schema"] = schema_seconds
    started = time.perf_counter()
    if store.contains_named_graph(target):
        store.clear_graph(target)
    # Through a file and the bulk loader: a transaction of millions of triples is slow on disk.
    kept = len(result.kept)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".nt") as out:
        for start in range(0, kept, WRITE_BATCH):
            out.write(
                "".join(f"{s} {p} {o} .\n" for s, p, o in result.kept[start : start + WRITE_BATCH])
            )
        out.flush()
        result.kept.clear()  # the terms go too: the bulk loader's buffers need the memory
        store.bulk_load(path=out.name, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
    result.seconds["write"] = time.perf_counter() - started
    if progress:
        progress(f"wrote {kept:,} triples to <{target.value}> in {result.seconds['write']:.1f}s")
    return StoreInference(
        asserted=result.asserted,
        inferred=kept,
        inconsistencies=result.inconsistencies,
        seconds=result.seconds,
    )


def _schema_quads(store: pyoxigraph.Store) -> Iterator[Any]:
    """The schema axioms of the default graph (:func:`is_schema_triple`), found through the
    store's indexes, one pattern per term of the OWL, RDFS and RDF vocabularies: owlrl reacts to
    no other term, and a scan of millions of triples is avoided."""
    import pyoxigraph as ox

    default = ox.DefaultGraph()
    rdf_type = ox.NamedNode(str(RDF.type))
    predicates = set(SCHEMA_PREDICATES) | {t for t in _vocabulary(OWL)} - {OWL.sameAs}
    for predicate in sorted(predicates, key=str):
        yield from store.quads_for_pattern(None, ox.NamedNode(str(predicate)), None, default)
    metaclasses = {t for ns in (OWL, RDFS, RDF) for t in _vocabulary(ns)} - _INDIVIDUAL_TYPES
    for metaclass in sorted(metaclasses, key=str):
        yield from store.quads_for_pattern(None, rdf_type, ox.NamedNode(str(metaclass)), default)


def _vocabulary(namespace: Any) -> set[URIRef]:
    """Every term rdflib knows in ``namespace`` (OWL, RDFS, RDF)."""
    names = [*namespace.__annotations__, *getattr(namespace, "_extras", [])]
    return {URIRef(str(namespace) + name) for name in names}


def _split(line: str) -> tuple[str, str, str]:
    """One N-Triples line as Oxigraph writes it (``S P O .``, single spaces) into its terms."""
    subject, _, rest = line.partition(" ")
    predicate, _, obj = rest.partition(" ")
    return subject, predicate, obj.rstrip("\n")[:-2]


# The schema axioms of the default graph: the SPARQL form of :func:`is_schema_triple`.
_SCHEMA_QUERY = f"""
SELECT ?s ?p ?o WHERE {{
  ?s ?p ?o .
  FILTER (
    ?p IN ({", ".join(f"<{p}>" for p in sorted(SCHEMA_PREDICATES))})
    || (STRSTARTS(STR(?p), "{OWL}") && ?p != <{OWL.sameAs}>)
    || (?p = <{RDF.type}> && ISIRI(?o) && ({
    " || ".join(f'STRSTARTS(STR(?o), "{ns}")' for ns in _META_NAMESPACES)
})
        && ?o NOT IN ({", ".join(f"<{t}>" for t in sorted(_INDIVIDUAL_TYPES))}))
  )
}}"""


__all__ = [
    "NT_TERMS",
    "RDFLIB_TERMS",
    "Schema",
    "StoreInference",
    "UnsupportedOntologyError",
    "compile_schema",
    "infer",
    "nt",
    "reason",
    "reason_store",
]
