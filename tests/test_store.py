"""The local stores and the warm cache: an Oxigraph store on disk that survives a restart, the
cache that is never stale and rebuilds when broken, and parameters that stay terms on every
engine. (Every named query on every store, the remote one included: tests/test_remote.py.)"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.cache import (
    CACHE_DIR,
    CachedStore,
    content_key,
    queries_key,
    query_catalogue,
    warm_graph,
)
from kg.cli import main
from kg.errors import InputError, QueryError
from kg.export import to_ntriples
from kg.load import Repository
from kg.queries import NamedQuery, SelectResult, discover, read_query
from kg.store import MemoryStore, OxigraphStore, open_store, prepare

ROOT = Path(__file__).resolve().parent.parent
TITLE = "LLaMA: Open and Efficient Foundation Language Models"


@pytest.fixture(scope="module")
def queries(repo: Repository) -> dict[str, NamedQuery]:
    return discover(repo.queries)


@pytest.fixture(scope="module")
def oxigraph(graph: Graph) -> OxigraphStore:
    """The repository's asserted graph in an in-memory Oxigraph store."""
    store = OxigraphStore()
    store.load_ntriples(to_ntriples(graph).encode("utf-8"), key="test")
    return store


def run_kg(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def rows(result: object) -> Counter[tuple[object, ...]]:
    assert isinstance(result, SelectResult)
    return Counter(result.rows)


# --- parameters -----------------------------------------------------------------------------


def test_prepare_substitutes_variables_only() -> None:
    text = (
        "PREFIX tkg: <https://w3id.org/talent-kg/ontology#>\n"
        'SELECT ?x WHERE { ?_p_iri tkg:title "?_p_iri" . # ?_p_iri\n'
        "  ?x <http://e/?_p_iri> $_p_iri2 . BIND($_p_iri AS ?y) }"
    )
    out = prepare(text, {"_p_iri": URIRef("https://e/p")})
    body = out.splitlines()
    assert out.count("PREFIX tkg:") == 1  # declared by the query: not added again
    assert "PREFIX tkd: <https://w3id.org/talent-kg/id/>" in body  # undeclared: added
    assert body[-2] == 'SELECT ?x WHERE { <https://e/p> tkg:title "?_p_iri" . # ?_p_iri'
    assert body[-1] == "  ?x <http://e/?_p_iri> $_p_iri2 . BIND(<https://e/p> AS ?y) }"


@pytest.mark.parametrize(
    ("term", "written"),
    [
        (Literal('say "hi"\n\\ } # ?_x'), '"say \\"hi\\"\\n\\\\ } # ?_x"'),
        (Literal("2025-05-26", datatype=XSD.date), '"2025-05-26"^^<' + str(XSD.date) + ">"),
        (Literal("chat", lang="fr"), '"chat"@fr'),
        (Literal(3), '"3"^^<' + str(XSD.integer) + ">"),
    ],
)
def test_terms_are_written_as_ntriples(term: Literal, written: str) -> None:
    assert prepare("SELECT * { BIND(?_x AS ?v) }", {"_x": term}).endswith(
        f"SELECT * {{ BIND({written} AS ?v) }}"
    )


def test_an_iri_that_would_break_out_is_refused() -> None:
    bad = URIRef("https://w3id.org/talent-kg/id/x> } ; DROP ALL ; <y")
    with pytest.raises(QueryError, match="not an IRI that can be bound"):
        prepare("SELECT * { ?_x_iri ?p ?o }", {"_x_iri": bad})


def test_an_injected_string_stays_one_literal_on_each_local_store(
    tmp_path: Path, graph: Graph, oxigraph: OxigraphStore
) -> None:
    path = tmp_path / "echo.rq"
    path.write_text(
        "#+ summary: What was asked?\nSELECT ?said WHERE { BIND(?_text AS ?said) }\n",
        encoding="utf-8",
    )
    query = read_query(path)
    evil = '" } ; DROP ALL ; SELECT * { ?s ?p "x'
    for store in (MemoryStore(graph), oxigraph):
        result = store.query(query.text, query.bindings({"text": evil}))
        assert isinstance(result, SelectResult)
        assert result.rows == ((Literal(evil),),)
    assert len(graph) > 0


def test_substitution_reaches_nested_subqueries(
    graph: Graph, oxigraph: OxigraphStore, queries: dict[str, NamedQuery]
) -> None:
    """paper-author-attrition uses its parameters two subqueries down: pyoxigraph's own
    substitutions would not reach them, the structural substitution does."""
    query = queries["paper-author-attrition"]
    for as_of in ("2025-05-26", "2024-01-01", "2023-03-01"):
        bindings = query.bindings({"as_of": as_of})
        expected = MemoryStore(graph).query(query.text, bindings)
        assert rows(oxigraph.query(query.text, bindings)) == rows(expected), as_of
    headline = oxigraph.query(query.text, query.bindings())
    assert isinstance(headline, SelectResult)
    ((left,),) = [(row["left"],) for row in headline.dicts()]
    assert left == Literal(11)


# --- the Oxigraph store ---------------------------------------------------------------------


def test_oxigraph_store_survives_a_restart(tmp_path: Path, repo: Repository) -> None:
    path = tmp_path / "store"
    query = read_query(repo.queries / "paper-author-attrition.rq")
    with OxigraphStore(path) as store:
        store.load(repo, with_inferred=False)
        first = store.query(query.text, query.bindings())
        assert store.source_key == content_key(repo)
        assert store.inferred_key is None
    with OxigraphStore(path) as reopened:  # a new process would see the same: nothing loaded
        assert reopened.source_key == content_key(repo)
        again = reopened.query(query.text, query.bindings())
    assert rows(again) == rows(first)
    assert isinstance(again, SelectResult) and len(again.rows) == 1


def test_open_store_loads_the_oxigraph_store_once(
    tmp_path: Path, checkout: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ox"
    query = read_query(checkout.queries / "founders-among-authors.rq")
    with open_store("oxigraph", repo=checkout, path=path) as store:
        first = store.query(query.text, query.bindings())

    def no_reload(*args: object, **kwargs: object) -> None:
        raise AssertionError("the store was loaded again although nothing changed")

    monkeypatch.setattr(OxigraphStore, "load_ntriples", no_reload)
    monkeypatch.setattr(OxigraphStore, "load", no_reload)
    monkeypatch.setattr(OxigraphStore, "reason", no_reload)
    with open_store("oxigraph", repo=checkout, path=path) as store:
        assert rows(store.query(query.text, query.bindings())) == rows(first)


def test_a_locked_store_is_a_clear_error(tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "s"), pytest.raises(InputError, match="cannot open"):
        OxigraphStore(tmp_path / "s")


# --- the warm cache -------------------------------------------------------------------------


def test_an_edit_is_seen_by_the_next_query(
    capsys: pytest.CaptureFixture[str], checkout: Repository
) -> None:
    """Never stale: the cache key is the content, so editing a data file (in a copy of the
    repository) changes the answer of the very next query, on the memory and Oxigraph stores."""
    root = str(checkout.root)
    argv = ["--root", root, "query", "paper-author-attrition", "-f", "csv"]
    oxigraph = [*argv, "--store", "oxigraph"]
    for command in (argv, oxigraph):
        code, out, _ = run_kg(capsys, *command)
        assert code == 0 and TITLE in out
        code, again, _ = run_kg(capsys, *command)  # warm: the same answer
        assert again == out
    papers = checkout.root / "data" / "papers.ttl"
    text = papers.read_text(encoding="utf-8")
    assert text.count(f'"{TITLE}"') == 1
    papers.write_text(text.replace(f'"{TITLE}"', '"LLaMA, edited"'), encoding="utf-8")
    for command in (argv, oxigraph):
        code, out, _ = run_kg(capsys, *command)
        assert code == 0
        assert "LLaMA, edited" in out and TITLE not in out


def test_a_query_edit_is_seen_too(capsys: pytest.CaptureFixture[str], checkout: Repository) -> None:
    argv = ["--root", str(checkout.root), "query", "founders-among-authors"]
    assert run_kg(capsys, *argv)[0] == 0
    before = queries_key(checkout)
    path = checkout.queries / "founders-among-authors.rq"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("#+ summary: ", "#+ summary: EDITED ", 1), encoding="utf-8")
    assert queries_key(checkout) != before
    assert run_kg(capsys, *argv)[0] == 0
    catalogues = (checkout.root / CACHE_DIR).glob("queries-*.json")
    newest = max(catalogues, key=lambda p: p.stat().st_mtime_ns)
    assert "EDITED" in newest.read_text(encoding="utf-8")


def test_the_cached_catalogue_is_what_discovery_finds(repo: Repository) -> None:
    assert query_catalogue(repo) == discover(repo.queries)
    assert query_catalogue(repo) == discover(repo.queries)  # the second from the cache
    assert (repo.root / CACHE_DIR / f"queries-{queries_key(repo)}.json").is_file()


def test_remembered_answers_are_exactly_the_fresh_ones(
    checkout: Repository, queries: dict[str, NamedQuery]
) -> None:
    entry = warm_graph(checkout)
    assert entry is not None
    fresh = MemoryStore(Graph().parse(entry.asserted, format="nt"))
    for name in ("founders-among-authors", "paper-author-attrition", "sources-for"):
        query = queries[name]
        bindings = query.bindings()
        expected = fresh.query(query.text, bindings)
        first = CachedStore(entry).query(query.text, bindings)  # computed and remembered
        second = CachedStore(entry).query(query.text, bindings)  # read back
        assert isinstance(expected, SelectResult)
        for got in (first, second):
            assert isinstance(got, SelectResult)
            assert got.variables == expected.variables
            assert Counter(got.rows) == Counter(expected.rows)
            # exact terms: datatype (xsd:positiveInteger, xsd:decimal) and lexical form
            assert sorted(repr(r) for r in got.rows) == sorted(repr(r) for r in expected.rows)
    assert len(list((entry.directory / "results").glob("*.json"))) == 3


@pytest.mark.parametrize("broken", ["asserted.nt", "manifest.json", "result", "catalogue"])
def test_a_broken_cache_is_rebuilt_not_served(
    capsys: pytest.CaptureFixture[str], checkout: Repository, broken: str
) -> None:
    argv = ["--root", str(checkout.root), "query", "paper-author-attrition", "-f", "csv"]
    code, expected, _ = run_kg(capsys, *argv)
    assert code == 0
    cache = checkout.root / CACHE_DIR
    entry = cache / content_key(checkout)
    if broken == "result":
        targets = list((entry / "results").glob("*.json"))
    elif broken == "catalogue":
        targets = list(cache.glob("queries-*.json"))
    else:
        targets = [entry / broken]
    assert targets
    for target in targets:
        content = target.read_bytes()
        target.write_bytes(content[: len(content) // 2] + b"\x00garbage")
    code, out, err = run_kg(capsys, *argv)
    assert (code, out) == (0, expected), err
    assert warm_graph(checkout) is not None
    assert not list(cache.glob(".tmp-*"))  # nothing half-written left behind


def test_the_cache_can_be_turned_off(
    capsys: pytest.CaptureFixture[str], checkout: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["--root", str(checkout.root), "query", "founders-among-authors"]
    code, with_flag, _ = run_kg(capsys, *argv, "--no-cache")
    assert code == 0
    monkeypatch.setenv("KG_NO_CACHE", "1")
    code, with_env, _ = run_kg(capsys, *argv)
    assert code == 0
    assert not (checkout.root / CACHE_DIR).exists()
    monkeypatch.delenv("KG_NO_CACHE")
    code, cached, _ = run_kg(capsys, *argv)
    assert (checkout.root / CACHE_DIR).is_dir()
    assert with_flag == with_env == cached


def test_the_manifest_counts_the_triples(checkout: Repository) -> None:
    entry = warm_graph(checkout)
    assert entry is not None
    manifest = json.loads((entry.directory / "manifest.json").read_text(encoding="utf-8"))
    graph = Graph().parse(entry.asserted, format="nt")
    assert manifest["triples"]["asserted.nt"] == len(graph) == entry.asserted_triples
    assert entry.inferred is None  # reasoning happens only when inferences are asked for


# --- the command line -----------------------------------------------------------------------


def test_check_on_the_oxigraph_store_matches_memory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run_kg(capsys, "check", "--no-cache")
    code_ox, out_ox, err_ox = run_kg(
        capsys, "check", "--store", "oxigraph", "--store-path", str(tmp_path / "ox")
    )
    assert (code_ox, sorted(out_ox.splitlines()), err_ox) == (code, sorted(out.splitlines()), err)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--store-path", "x"], "--store-path needs --store oxigraph"),
        (["--graph", "https://e/g"], "--graph needs --endpoint"),
        (["--endpoint", "ftp://e/q"], "is not an http(s) URL"),
        (["--endpoint", "http://127.0.0.1:9/query", "--store", "oxigraph"], "--endpoint asks"),
        (["--endpoint", "http://127.0.0.1:9/query", "--graph", "not an iri"], "is not an IRI"),
    ],
)
def test_store_options_are_checked(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run_kg(capsys, "query", "founders-among-authors", *argv)
    assert code == 2
    assert out == ""
    assert message in err.splitlines()[0]
