"""A deterministic generator of realistic synthetic talent graphs, for the benchmark.

The output uses the ontology's terms the way ``data/*.ttl`` does and conforms to the shapes (and
passes ``queries/checks/``): people with careers of dated, sourced employments (dates at year,
month or day precision, or only bounds), organisations with parents (company → lab → team),
papers with ordered author lists whose printed affiliations match the authors' employers, news
articles and web pages with URL, date and publisher, foundings, leadership posts with succession,
AI models, and conflicting claims (two sources giving different start or end dates for the same
employment).

Same ``people`` and ``seed``, same bytes. Sizes: about 16 triples per person (a 100,000-person
graph holds about 1.6 million triples).

    python -m bench.generate --people 10000 -o .kg-cache/bench/people-10000.ttl

:func:`parameters` gives, for each named query, parameter values that exist in the generated graph
(the biggest organisation, its paper with the most authors, the person with the longest career…),
so that the benchmark asks the questions a user would ask of that graph.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

#: Prefixes of the output, sorted; the only ones used.
PREFIXES: dict[str, str] = {
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "tkd": "https://w3id.org/talent-kg/id/",
    "tkg": "https://w3id.org/talent-kg/ontology#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

FORMATS = ("turtle", "ntriples")

#: The last year a generated date can fall in (the story is told in May 2025).
LAST_YEAR = 2025

FIRST_NAMES = [
    "Hugo",
    "Thibaut",
    "Gautier",
    "Xavier",
    "Marie-Anne",
    "Timothée",
    "Baptiste",
    "Naman",
    "Eric",
    "Faisal",
    "Aurélien",
    "Armand",
    "Edouard",
    "Guillaume",
    "Joelle",
    "Rob",
    "Yann",
    "Arthur",
    "Mira",
    "Barret",
    "John",
    "Ilya",
    "Dario",
    "Daniela",
    "Jan",
    "Noam",
    "Aidan",
    "Ashish",
    "Niki",
    "Llion",
    "Lukasz",
    "Illia",
    "Alec",
    "Tom",
    "Sam",
    "Greg",
    "Wojciech",
    "Andrej",
    "Oriol",
    "Koray",
    "Demis",
    "Shane",
    "Mustafa",
    "Karen",
    "Fei-Fei",
    "Chelsea",
    "Sergey",
    "Pieter",
    "Percy",
    "Tatsu",
    "Diyi",
    "Yejin",
    "Luke",
    "Mike",
    "Jason",
    "Quoc",
    "Jeff",
    "Sanjay",
    "Geoffrey",
    "Ruslan",
    "Kyunghyun",
    "Hanna",
    "Emily",
    "Timnit",
    "Margaret",
    "Samy",
    "Raia",
    "Joëlle",
    "Zoubin",
]

LAST_NAMES = [
    "Touvron",
    "Lavril",
    "Izacard",
    "Martinet",
    "Lachaux",
    "Lacroix",
    "Rozière",
    "Goyal",
    "Hambro",
    "Azhar",
    "Rodriguez",
    "Joulin",
    "Grave",
    "Lample",
    "Pineau",
    "Fergus",
    "LeCun",
    "Mensch",
    "Murati",
    "Zoph",
    "Schulman",
    "Sutskever",
    "Amodei",
    "Leike",
    "Shazeer",
    "Gomez",
    "Vaswani",
    "Parmar",
    "Jones",
    "Kaiser",
    "Polosukhin",
    "Radford",
    "Brown",
    "Altman",
    "Brockman",
    "Zaremba",
    "Karpathy",
    "Vinyals",
    "Kavukcuoglu",
    "Hassabis",
    "Legg",
    "Suleyman",
    "Simonyan",
    "Li",
    "Finn",
    "Levine",
    "Abbeel",
    "Liang",
    "Hashimoto",
    "Yang",
    "Choi",
    "Zettlemoyer",
    "Lewis",
    "Wei",
    "Le",
    "Dean",
    "Ghemawat",
    "Hinton",
    "Salakhutdinov",
    "Cho",
    "Wallach",
    "Bender",
    "Gebru",
    "Mitchell",
    "Bengio",
    "Hadsell",
    "Ghahramani",
    "Schmidhuber",
    "Hochreiter",
    "Graves",
    "Silver",
    "Sifre",
    "Hubert",
]

_SYLLABLES = [
    "no",
    "va",
    "rix",
    "el",
    "ta",
    "mi",
    "ra",
    "qu",
    "on",
    "ze",
    "ph",
    "ly",
    "ka",
    "to",
    "ri",
    "sa",
    "an",
    "th",
    "er",
    "ix",
    "or",
    "um",
    "ae",
    "lo",
    "de",
    "ne",
    "vi",
    "sy",
    "ce",
]
_COMPANY_SUFFIXES = ("AI", "Labs", "Systems", "Intelligence", "Robotics", "Research", "Compute")
_DIVISION_NAMES = ("AI Research", "Applied ML", "Brain", "Foundation Models", "Alignment", "Vision")
_TEAM_NAMES = ("Language Team", "Reasoning Team", "Speech Team", "Agents Team", "Safety Team")
_NONPROFIT_NAMES = ("Institute for {} Studies", "{} Foundation", "{} Research Institute")
_ROLES = (
    "research scientist",
    "research engineer",
    "senior research scientist",
    "staff research engineer",
    "principal scientist",
    "research director",
    "technical program manager",
    "chief technology officer",
    "chief executive officer",
    "chief scientist",
    "member of technical staff",
    "postdoctoral researcher",
)
_TOPICS = (
    "Efficient Transformers",
    "Sparse Mixtures of Experts",
    "Scaling Laws",
    "Instruction Tuning",
    "Retrieval-Augmented Generation",
    "Reinforcement Learning from Feedback",
    "Multimodal Pretraining",
    "Speculative Decoding",
    "Long-Context Attention",
    "Program Synthesis",
    "Self-Supervised Vision",
    "Neural Machine Translation",
)
_HEADLINES = (
    "{org} hires {n} researchers from rivals",
    "Inside {org}'s research lab",
    "{org} reorganises its AI teams",
    "The talent war reaches {org}",
    "{org} names new research leadership",
)


# --- terms ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Iri:
    curie: str


@dataclass(frozen=True)
class Lit:
    lexical: str
    datatype: str | None = None  # a CURIE, or None for a plain string


Term = Iri | Lit


@dataclass
class Entity:
    """One subject and its predicate-object pairs, in writing order (``a`` first, then label)."""

    subject: str
    pairs: list[tuple[str, Term]] = field(default_factory=list)

    def add(self, predicate: str, obj: Term) -> Entity:
        self.pairs.append((predicate, obj))
        return self


def date_literal(year: int, precision: str, rng: random.Random) -> Lit:
    """A date in ``year`` at ``precision`` (year, month or day); its datatype carries the
    precision, the way the ontology says."""
    if precision == "year":
        return Lit(f"{year:04d}", "xsd:gYear")
    month = rng.randint(1, 12)
    if precision == "month":
        return Lit(f"{year:04d}-{month:02d}", "xsd:gYearMonth")
    return Lit(f"{year:04d}-{month:02d}-{rng.randint(1, 28):02d}", "xsd:date")


def _precision(rng: random.Random) -> str:
    return rng.choices(("year", "month", "day"), weights=(20, 50, 30))[0]


# --- the model of the world ---------------------------------------------------------------


@dataclass
class Org:
    index: int
    iri: str
    name: str
    kind: str  # tkg class CURIE
    parent: Org | None
    top: Org | None = None  # the top of the tree (itself for a top-level organisation)
    weight: float = 1.0
    children: list[Org] = field(default_factory=list)

    @property
    def root(self) -> Org:
        return self.top or self


@dataclass
class Stint:
    person: int
    org: Org
    start: int  # year
    end: int | None  # year of the (known or bounded) end; None while ongoing
    iri: str = ""


@dataclass
class Summary:
    """What was generated: how many of each kind, and the triples written."""

    people: int
    seed: int
    counts: dict[str, int]
    triples: int
    parameters: dict[str, dict[str, str]]

    def as_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True)


class _World:
    """Builds the entities for ``people`` people, deterministically from ``seed``."""

    def __init__(self, people: int, seed: int) -> None:
        if people < 1:
            raise ValueError("people must be at least 1")
        self.people = people
        self.seed = seed
        self.rng = random.Random(f"talent-kg-bench:{people}:{seed}")
        self.entities: list[Entity] = []
        self.counts: dict[str, int] = {}
        self.orgs: list[Org] = []
        self.tops: list[Org] = []
        self.publishers: list[str] = []
        self.sources: list[str] = []
        self.papers: list[tuple[str, int, Org]] = []  # iri, authors, organisation
        self.person_names: list[str] = []
        self.stints: list[Stint] = []
        self.stints_by_top: dict[int, list[Stint]] = {}
        self.stints_by_person: dict[int, list[Stint]] = {}
        self.posts: list[Org] = []
        self.roles: list[str] = []
        self._qid = 4_000_000 + self.rng.randrange(1_000_000)

    # helpers

    def _emit(self, kind: str, entity: Entity) -> Entity:
        self.entities.append(entity)
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return entity

    def _next_qid(self) -> Lit:
        self._qid += self.rng.randint(1, 97)
        return Lit(f"Q{self._qid}")

    def _name(self, parts: int) -> str:
        return "".join(self.rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()

    def _pick_source(self) -> str:
        return self.rng.choice(self.sources)

    def _sources(self, entity: Entity, weights: tuple[int, int] = (80, 20)) -> None:
        first = self._pick_source()
        entity.add("tkg:source", Iri(first))
        if self.rng.choices((1, 2), weights=weights)[0] == 2:
            second = self._pick_source()
            if second != first:
                entity.add("tkg:source", Iri(second))

    # building

    def build(self) -> None:
        self._roles()
        self._organisations()
        self._publishers_and_sources()
        self._people_and_careers()
        self._papers()
        self._foundings()
        self._posts()
        self._models()

    def _roles(self) -> None:
        for index, name in enumerate(_ROLES):
            iri = f"tkd:role-{index:02d}"
            self.roles.append(iri)
            entity = Entity(iri).add("a", Iri("tkg:Role")).add("rdfs:label", Lit(name))
            self._emit("role", entity)

    def _organisations(self) -> None:
        rng = self.rng
        companies = max(8, self.people // 60)
        nonprofits = max(2, self.people // 400)
        names: set[str] = set()

        def unique(name: str) -> str:
            candidate, n = name, 2
            while candidate in names:
                candidate, n = f"{name} {n}", n + 1
            names.add(candidate)
            return candidate

        def new(name: str, kind: str, parent: Org | None) -> Org:
            org = Org(len(self.orgs), f"tkd:org-{len(self.orgs):05d}", unique(name), kind, parent)
            org.top = parent.root if parent is not None else None
            if parent is not None:
                parent.children.append(org)
            self.orgs.append(org)
            if parent is None:
                self.tops.append(org)
            return org

        for rank in range(companies):
            base = f"{self._name(rng.randint(2, 3))} {rng.choice(_COMPANY_SUFFIXES)}"
            company = new(base, "tkg:Company", None)
            # a few giants, many start-ups: the employer of a career is drawn by these weights
            company.weight = 1.0 / (rank + 1) ** 0.8
            if rng.random() < 0.35:
                lab = new(
                    f"{company.name} {rng.choice(_DIVISION_NAMES)}", "tkg:ResearchLab", company
                )
                if rng.random() < 0.3:
                    new(f"{lab.name} {rng.choice(_TEAM_NAMES)}", "tkg:ResearchLab", lab)
        for _ in range(nonprofits):
            pattern = rng.choice(_NONPROFIT_NAMES)
            org = new(pattern.format(self._name(2)), "tkg:NonProfit", None)
            org.weight = 0.2
        for org in self.orgs:
            entity = Entity(org.iri).add("a", Iri(org.kind)).add("rdfs:label", Lit(org.name))
            if org.parent is not None:
                entity.add("tkg:parentOrganisation", Iri(org.parent.iri))
            if org.parent is None and rng.random() < 0.5:
                entity.add("tkg:wikidataId", self._next_qid())
            self._emit("organisation", entity)

    def _publishers_and_sources(self) -> None:
        rng = self.rng
        publishers = max(5, self.people // 1500)
        for index in range(publishers):
            iri = f"tkd:publisher-{index:04d}"
            name = (
                f"The {self._name(2)} {rng.choice(('Times', 'Post', 'Journal', 'Wire', 'Daily'))}"
            )
            self.publishers.append(iri)
            entity = Entity(iri).add("a", Iri("tkg:Publisher")).add("rdfs:label", Lit(name))
            self._emit("publisher", entity)
        arxiv = Entity("tkd:publisher-arxiv").add("a", Iri("tkg:Publisher"))
        self._emit("publisher", arxiv.add("rdfs:label", Lit("arXiv")))
        for index in range(max(20, self.people // 20)):
            iri = f"tkd:source-news-{index:06d}"
            org = rng.choice(self.tops)
            publisher = rng.choice(self.publishers)
            year = rng.randint(2005, LAST_YEAR)
            published = date_literal(year, rng.choices(("month", "day"), (10, 90))[0], rng)
            headline = rng.choice(_HEADLINES).format(org=org.name, n=rng.randint(2, 30))
            entity = (
                Entity(iri)
                .add("a", Iri("tkg:NewsArticle"))
                .add("rdfs:label", Lit(f"{headline} ({published.lexical})"))
                .add("tkg:title", Lit(headline))
                .add("tkg:url", Lit(f"https://news.example.org/{year}/{index:06d}", "xsd:anyURI"))
                .add("tkg:publicationDate", published)
                .add("tkg:publisher", Iri(publisher))
            )
            self.sources.append(iri)
            self._emit("news article", entity)
        for index in range(max(5, self.people // 60)):
            iri = f"tkd:source-web-{index:06d}"
            org = rng.choice(self.orgs)
            entity = (
                Entity(iri)
                .add("a", Iri("tkg:WebPage"))
                .add("rdfs:label", Lit(f"{org.name}: about us"))
                .add("tkg:url", Lit(f"https://www.example.com/org/{org.index}/about", "xsd:anyURI"))
                .add("tkg:publicationDate", date_literal(rng.randint(2010, LAST_YEAR), "year", rng))
                .add("tkg:publisher", Iri(org.iri))
            )
            self.sources.append(iri)
            self._emit("web page", entity)

    def _pick_employer(self, tops: list[Org], cumulative: list[float]) -> Org:
        top = self.rng.choices(tops, cum_weights=cumulative)[0]
        if top.children and self.rng.random() < 0.5:
            inside = [top]
            stack = list(top.children)
            while stack:
                org = stack.pop()
                inside.append(org)
                stack.extend(org.children)
            return self.rng.choice(inside)
        return top

    def _people_and_careers(self) -> None:
        rng = self.rng
        tops = self.tops
        cumulative: list[float] = []
        total = 0.0
        for org in tops:
            total += org.weight
            cumulative.append(total)
        for person in range(self.people):
            iri = f"tkd:person-{person:06d}"
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            self.person_names.append(name)
            entity = Entity(iri).add("a", Iri("tkg:Person")).add("rdfs:label", Lit(name))
            if rng.random() < 0.08:
                entity.add("skos:altLabel", Lit(name.replace("é", "e").replace("è", "e") + "s"))
            if rng.random() < 0.2:
                entity.add("tkg:wikidataId", self._next_qid())
            self._emit("person", entity)
            self._career(person, iri, cumulative)

    def _career(self, person: int, person_iri: str, cumulative: list[float]) -> None:
        rng = self.rng
        count = rng.choices((1, 2, 3, 4), weights=(60, 27, 10, 3))[0]
        year = rng.randint(1995, 2022)
        stints: list[Stint] = []
        for number in range(count):
            org = self._pick_employer(self.tops, cumulative)
            if stints and stints[-1].org is org:
                if year >= LAST_YEAR:
                    break
                year += 1  # a return to the same organisation starts after the end: no overlap
            last = number == count - 1 or year >= LAST_YEAR - 1
            length = rng.randint(1, 8)
            end: int | None = min(year + length, LAST_YEAR)
            if (last and rng.random() < 0.7) or year >= LAST_YEAR:
                end = None  # ongoing
            stint = Stint(person, org, year, end, f"tkd:employment-{person:06d}-{number + 1}")
            stints.append(stint)
            self._employment(stint, person_iri, last)
            if last or end is None:
                break
            year = end
        self.stints.extend(stints)
        self.stints_by_person[person] = stints
        for stint in stints:
            self.stints_by_top.setdefault(stint.org.root.index, []).append(stint)

    def _employment(self, stint: Stint, person_iri: str, last: bool) -> None:
        rng = self.rng
        entity = (
            Entity(stint.iri)
            .add("a", Iri("tkg:Employment"))
            .add("tkg:employee", Iri(person_iri))
            .add("tkg:employer", Iri(stint.org.iri))
        )
        if rng.random() < 0.85:
            entity.add("tkg:role", Iri(rng.choice(self.roles)))
        start_kind = rng.choices(("date", "latest", "both", "none"), weights=(85, 9, 4, 2))[0]
        start_value: Lit | None = None
        if start_kind == "date":
            start_value = date_literal(stint.start, _precision(rng), rng)
            entity.add("tkg:startDate", start_value)
        elif start_kind == "latest":
            entity.add("tkg:startLatest", date_literal(stint.start, "day", rng))
        elif start_kind == "both":
            entity.add("tkg:startEarliest", date_literal(stint.start - 1, "year", rng))
            entity.add("tkg:startLatest", date_literal(stint.start, "month", rng))
        end_value: Lit | None = None
        if stint.end is not None:
            end_kind = rng.choices(("date", "latest", "bounds"), weights=(75, 15, 10))[0]
            if end_kind == "bounds" and stint.end >= LAST_YEAR:
                end_kind = "date"
            if end_kind == "date":
                end_value = date_literal(stint.end, _precision(rng), rng)
                entity.add("tkg:endDate", end_value)
            elif end_kind == "latest":
                entity.add("tkg:endLatest", date_literal(stint.end, "day", rng))
            else:
                # "was still there on" one year, "had left by" the next
                entity.add("tkg:endEarliest", date_literal(stint.end, "month", rng))
                entity.add("tkg:endLatest", date_literal(stint.end + 1, "day", rng))
                stint.end += 1
        elif last and stint.start < LAST_YEAR - 1 and rng.random() < 0.25:
            entity.add("tkg:endEarliest", date_literal(LAST_YEAR - 1, "day", rng))
        if rng.random() < 0.2:
            entity.add("tkg:confidence", Iri(rng.choice(("tkg:Verified", "tkg:Likely"))))
        self._sources(entity)
        self._emit("employment", entity)
        if start_value is not None and rng.random() < 0.015:
            self._conflict(stint, person_iri, "tkg:startDate", start_value, stint.start)
        elif end_value is not None and stint.end is not None and rng.random() < 0.01:
            self._conflict(stint, person_iri, "tkg:endDate", end_value, stint.end)

    def _conflict(self, stint: Stint, person_iri: str, prop: str, value: Lit, year: int) -> None:
        """Two claims giving different values for the same date of an employment: the value the
        graph keeps, and another source's (a year off, or a different month)."""
        rng = self.rng
        other = date_literal(year + rng.choice((-1, 1)), "month", rng)
        if other.lexical[:4] > str(LAST_YEAR):
            other = date_literal(year - 1, "month", rng)
        person = person_iri.removeprefix("tkd:")
        name = self.person_names[stint.person]
        what = "joined" if prop == "tkg:startDate" else "left"
        kept = f"tkd:claim-{stint.iri.removeprefix('tkd:employment-')}-{what}-a"
        disputed = f"tkd:claim-{stint.iri.removeprefix('tkd:employment-')}-{what}-b"
        for iri, claimed, against, supports in (
            (kept, value, disputed, True),
            (disputed, other, kept, False),
        ):
            entity = (
                Entity(iri)
                .add("a", Iri("tkg:Claim"))
                .add("rdfs:label", Lit(f"{name} {what} {stint.org.name} in {claimed.lexical}"))
                .add("tkg:claimText", Lit(f"{name} ({person}) {what} {stint.org.name}."))
                .add("tkg:claimSubject", Iri(stint.iri))
                .add("tkg:claimProperty", Iri(prop))
                .add("tkg:claimValue", claimed)
                .add("tkg:contradicts", Iri(against))
            )
            if supports:
                entity.add("tkg:supports", Iri(stint.iri))
            self._sources(entity, weights=(60, 40))
            self._emit("claim", entity)

    def _papers(self) -> None:
        rng = self.rng
        tops = [org for org in self.tops if self.stints_by_top.get(org.index)]
        weights = [len(self.stints_by_top[org.index]) for org in tops]
        for index in range(max(5, self.people // 14)):
            top = rng.choices(tops, weights=weights)[0]
            pool = self.stints_by_top[top.index]
            anchor = rng.choice(pool)
            year = rng.randint(anchor.start, min(anchor.end or LAST_YEAR, LAST_YEAR))
            wanted = min(15, max(1, int(rng.lognormvariate(1.3, 0.6))))
            authors = [anchor]
            seen = {anchor.person}
            for candidate in rng.sample(pool, min(len(pool), 40)):
                if len(authors) >= wanted:
                    break
                if candidate.person in seen or not candidate.start <= year <= (
                    candidate.end or LAST_YEAR
                ):
                    continue
                authors.append(candidate)
                seen.add(candidate.person)
            if rng.random() < 0.15:  # a collaboration with another organisation
                other = rng.choice(self.stints)
                if other.person not in seen and other.start <= year <= (other.end or LAST_YEAR):
                    authors.append(other)
            rng.shuffle(authors)
            self._paper(index, year, top, authors)

    def _paper(self, index: int, year: int, top: Org, authors: list[Stint]) -> None:
        rng = self.rng
        iri = f"tkd:paper-{index:06d}"
        published = date_literal(year, "day", rng)
        arxiv = f"{year % 100:02d}{published.lexical[5:7]}.{index % 100000:05d}"
        title = f"{rng.choice(_TOPICS)} at {rng.choice(('Scale', 'Low Cost', 'Depth', 'Speed'))}"
        paper = (
            Entity(iri)
            .add("a", Iri("tkg:Paper"))
            .add("rdfs:label", Lit(f"{title} (arXiv {arxiv})"))
            .add("tkg:title", Lit(title))
            .add("tkg:arxivId", Lit(arxiv))
            .add("tkg:url", Lit(f"https://arxiv.org/abs/{arxiv}", "xsd:anyURI"))
            .add("tkg:publicationDate", published)
            .add("tkg:publisher", Iri("tkd:publisher-arxiv"))
        )
        if rng.random() < 0.03:
            paper.add("tkg:authorOrder", Iri("tkg:RandomOrder"))
        entries: list[Entity] = []
        for position, stint in enumerate(authors, start=1):
            entry_iri = f"{iri}-author-{position:02d}"
            paper.add("tkg:hasAuthorship", Iri(entry_iri))
            name = self.person_names[stint.person]
            if rng.random() < 0.1:  # printed with an initial
                first, _, last = name.partition(" ")
                name = f"{first[0]}. {last}"
            entries.append(
                Entity(entry_iri)
                .add("a", Iri("tkg:Authorship"))
                .add("tkg:authorshipOf", Iri(iri))
                .add("tkg:authorPerson", Iri(f"tkd:person-{stint.person:06d}"))
                .add("tkg:authorPosition", Lit(str(position), "xsd:positiveInteger"))
                .add("tkg:authorNameString", Lit(name))
                .add("tkg:affiliation", Iri(stint.org.iri))
            )
        self._emit("paper", paper)
        self.sources.append(iri)
        self.papers.append((iri, len(authors), top))
        for entry in entries:
            self._emit("authorship", entry)

    def _foundings(self) -> None:
        rng = self.rng
        for org in self.tops:
            stints = self.stints_by_top.get(org.index)
            if not stints or rng.random() < 0.6:
                continue
            first = sorted(stints, key=lambda s: (s.start, s.person))
            founders: list[int] = []
            wanted = rng.randint(1, 3)
            for stint in first:
                if stint.person not in founders:
                    founders.append(stint.person)
                if len(founders) >= wanted:
                    break
            entity = (
                Entity(f"tkd:founding-{org.iri.removeprefix('tkd:')}")
                .add("a", Iri("tkg:Founding"))
                .add("rdfs:label", Lit(f"Founding of {org.name}"))
                .add("tkg:foundedOrganisation", Iri(org.iri))
            )
            for founder in founders:
                entity.add("tkg:founder", Iri(f"tkd:person-{founder:06d}"))
            precision = rng.choice(("year", "month"))
            entity.add("tkg:date", date_literal(first[0].start, precision, rng))
            self._sources(entity, weights=(50, 50))
            self._emit("founding", entity)

    def _posts(self) -> None:
        rng = self.rng
        for org in self.orgs:
            stints = self.stints_by_top.get(org.root.index, [])
            local = [s for s in stints if s.org is org]
            if len(local) < 3 or rng.random() < 0.6:
                continue
            holders: list[Stint] = []
            wanted = rng.randint(1, 4)
            for stint in sorted(local, key=lambda s: (s.start, s.person)):
                if not holders or stint.start > holders[-1].start:
                    holders.append(stint)
                if len(holders) >= wanted:
                    break
            post = f"tkd:post-head-of-{org.iri.removeprefix('tkd:')}"
            entity = (
                Entity(post)
                .add("a", Iri("tkg:Post"))
                .add("rdfs:label", Lit(f"head of {org.name}"))
                .add("tkg:postIn", Iri(org.iri))
            )
            self._emit("post", entity)
            self.posts.append(org)
            iris = [f"tkd:holding-{s.iri.removeprefix('tkd:employment-')}" for s in holders]
            for number, stint in enumerate(holders):
                holding = (
                    Entity(iris[number])
                    .add("a", Iri("tkg:PostHolding"))
                    .add(
                        "rdfs:label", Lit(f"{self.person_names[stint.person]}, head of {org.name}")
                    )
                    .add("tkg:holder", Iri(f"tkd:person-{stint.person:06d}"))
                    .add("tkg:post", Iri(post))
                    .add("tkg:startDate", date_literal(stint.start, _precision(rng), rng))
                )
                if number + 1 < len(holders):
                    holding.add("tkg:endDate", date_literal(holders[number + 1].start, "year", rng))
                    holding.add("tkg:replacedBy", Iri(iris[number + 1]))
                if number > 0:
                    holding.add("tkg:replaces", Iri(iris[number - 1]))
                self._sources(holding)
                self._emit("post holding", holding)

    def _models(self) -> None:
        rng = self.rng
        for org in self.tops[: max(2, len(self.tops) // 20)]:
            family = f"tkd:model-family-{org.iri.removeprefix('tkd:')}"
            name = self._name(2)
            entity = (
                Entity(family)
                .add("a", Iri("tkg:ModelFamily"))
                .add("rdfs:label", Lit(name))
                .add("tkg:developer", Iri(org.iri))
                .add("tkg:publicationDate", date_literal(rng.randint(2019, 2023), "year", rng))
            )
            self._sources(entity)
            self._emit("AI model", entity)
            for version in range(1, rng.randint(2, 4)):
                model = (
                    Entity(f"{family}-{version}")
                    .add("a", Iri("tkg:AIModel"))
                    .add("rdfs:label", Lit(f"{name} {version}"))
                    .add("tkg:modelFamily", Iri(family))
                    .add("tkg:developer", Iri(org.iri))
                    .add("tkg:publicationDate", date_literal(2023 + version, "day", rng))
                    .add(
                        "tkg:totalParameters",
                        Lit(str(rng.choice((7, 13, 70, 405)) * 10**9), "xsd:integer"),
                    )
                    .add("tkg:status", Iri(rng.choice(("tkg:Released", "tkg:Delayed"))))
                )
                self._sources(model)
                self._emit("AI model", model)

    # the questions worth asking of this graph

    def parameters(self) -> dict[str, dict[str, str]]:
        """Per named query, parameter values that exist here, chosen as a user would: the
        biggest organisation, its paper with the most authors, the longest career."""
        biggest = max(self.tops, key=lambda o: (len(self.stints_by_top.get(o.index, [])), -o.index))
        papers = [p for p in self.papers if p[2] is biggest] or self.papers
        paper = max(papers, key=lambda p: (p[1], p[0]))[0]
        person = max(self.stints_by_person, key=lambda p: (len(self.stints_by_person[p]), -p))
        person_iri = f"tkd:person-{person:06d}"
        posts = [o for o in self.posts if o.root is biggest] or self.posts or [biggest]
        as_of = {"as_of": "2025-05-26"}
        return {
            "destinations": {"paper": paper},
            "founders-among-authors": {"paper": paper},
            "leadership-succession": {"organisation": posts[0].iri},
            "paper-author-attrition": {"paper": paper, **as_of},
            "person-timeline": {"person": person_iri},
            "sources-for": {"entity": person_iri},
            "tenure-before-departure": {"organisation": biggest.iri},
            "where-are-they-now": {"paper": paper, **as_of},
        }


# --- writing --------------------------------------------------------------------------------


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )


def _turtle_term(term: Term) -> str:
    if isinstance(term, Iri):
        return term.curie
    quoted = f'"{_escape(term.lexical)}"'
    return f"{quoted}^^{term.datatype}" if term.datatype else quoted


def _full(curie: str) -> str:
    if curie == "a":
        return RDF_TYPE
    prefix, _, local = curie.partition(":")
    return f"<{PREFIXES[prefix]}{local}>"


def _ntriples_term(term: Term) -> str:
    if isinstance(term, Iri):
        return _full(term.curie)
    quoted = f'"{_escape(term.lexical)}"'
    return f"{quoted}^^{_full(term.datatype)}" if term.datatype else quoted


def _turtle(entities: list[Entity], out: TextIO) -> int:
    for prefix, namespace in PREFIXES.items():
        out.write(f"@prefix {prefix}: <{namespace}> .\n")
    triples = 0
    for entity in entities:
        out.write(f"\n{entity.subject}\n")
        grouped: dict[str, list[Term]] = {}
        for predicate, obj in entity.pairs:
            grouped.setdefault(predicate, []).append(obj)
        lines = []
        for predicate, objects in grouped.items():
            triples += len(objects)
            lines.append(f"    {predicate} {' , '.join(_turtle_term(o) for o in objects)}")
        out.write(" ;\n".join(lines))
        out.write(" .\n")
    return triples


def _ntriples(entities: list[Entity], out: TextIO) -> int:
    triples = 0
    for entity in entities:
        subject = _full(entity.subject)
        for predicate, obj in entity.pairs:
            out.write(f"{subject} {_full(predicate)} {_ntriples_term(obj)} .\n")
            triples += 1
    return triples


def generate(people: int, out: TextIO, *, seed: int = 1, fmt: str = "turtle") -> Summary:
    """Write a graph of ``people`` people to ``out`` as Turtle or N-Triples; return what was
    written. The same arguments always write the same text."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    world = _World(people, seed)
    world.build()
    triples = (_turtle if fmt == "turtle" else _ntriples)(world.entities, out)
    return Summary(people, seed, dict(sorted(world.counts.items())), triples, world.parameters())


def write(path: Path, people: int, *, seed: int = 1, fmt: str | None = None) -> Summary:
    """Generate into ``path`` (format from the suffix unless given: .nt is N-Triples), writing
    a ``<path>.json`` summary beside it."""
    chosen = fmt or ("ntriples" if path.suffix == ".nt" else "turtle")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with partial.open("w", encoding="utf-8", newline="\n") as out:
        summary = generate(people, out, seed=seed, fmt=chosen)
    partial.replace(path)
    path.with_name(path.name + ".json").write_text(summary.as_json() + "\n", encoding="utf-8")
    return summary


def cached(directory: Path, people: int, *, seed: int = 1, fmt: str = "turtle") -> Path:
    """The generated graph for (people, seed, format) under ``directory``, generated once."""
    suffix = "nt" if fmt == "ntriples" else "ttl"
    path = directory / f"people-{people}-seed-{seed}.{suffix}"
    if not (path.is_file() and path.with_name(path.name + ".json").is_file()):
        write(path, people, seed=seed, fmt=fmt)
    return path


def summary_of(path: Path) -> Summary:
    """The summary written beside a generated graph."""
    data = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
    return Summary(**data)


def iter_sizes(text: str) -> Iterator[int]:
    """Parse "1000,10k,0.1M" into people counts."""
    for part in text.split(","):
        item = part.strip().lower()
        if not item:
            continue
        factor = 1
        if item.endswith("k"):
            factor, item = 1000, item[:-1]
        elif item.endswith("m"):
            factor, item = 1_000_000, item[:-1]
        yield int(float(item) * factor)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description="Write a synthetic talent graph that conforms to the shapes.",
    )
    parser.add_argument("--people", type=int, default=1000, help="people in the graph (1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument("--format", choices=FORMATS, default=None, help="default: from -o suffix")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    if args.output is None:
        summary = generate(args.people, sys.stdout, seed=args.seed, fmt=args.format or "turtle")
    else:
        summary = write(args.output, args.people, seed=args.seed, fmt=args.format)
    print(
        f"{summary.triples} triples for {summary.people} people (seed {summary.seed})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
