"""A real ``oxigraph serve`` on 127.0.0.1: push the graph over the Graph Store Protocol, then
every named query gives the same answers on the memory, Oxigraph and remote stores. Also the
HTTP client's errors, against real sockets (a closed port, a server that never answers)."""

from __future__ import annotations

import http.server
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from answers import normalised
from rdflib import Graph, Literal, URIRef

from kg.cli import main
from kg.errors import InputError, QueryError, RemoteError
from kg.export import to_ntriples
from kg.queries import AskResult, QueryResult, SelectResult, discover, read_query
from kg.reason import infer
from kg.remote import (
    USER_AGENT,
    RemoteStore,
    Response,
    gsp_url_for,
    parse_answer,
    put_graph,
    sparql_query,
)
from kg.store import ASSERTED_GRAPH, INFERRED_GRAPH, MemoryStore, OxigraphStore, Store

ROOT = Path(__file__).resolve().parent.parent
QUERIES = discover(ROOT / "queries")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def oxigraph_binary() -> str | None:
    return shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
        "oxigraph"
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``oxigraph serve`` on a free port of 127.0.0.1, with its data in a temporary folder;
    yields the base URL (query at /query, graph store at /store)."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the Oxigraph server is not installed (pip install -e '.[test]' installs it)")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                message = process.stderr.read().decode() if process.stderr else ""
                pytest.fail(f"oxigraph serve exited with {process.returncode}: {message}")
            try:
                with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("oxigraph serve did not answer within 30 s")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


@pytest.fixture(scope="module")
def inferred(graph: Graph) -> Graph:
    return infer(graph)


@pytest.fixture(scope="module")
def pushed(server: str, graph: Graph, inferred: Graph) -> str:
    """The server holding the repository's graphs, as ``kg push`` leaves it; its query URL."""
    put_graph(f"{server}/store", to_ntriples(graph).encode("utf-8"), graph=ASSERTED_GRAPH)
    put_graph(f"{server}/store", to_ntriples(inferred).encode("utf-8"), graph=INFERRED_GRAPH)
    return f"{server}/query"


@pytest.fixture(scope="module")
def stores(
    graph: Graph, inferred: Graph, pushed: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, dict[bool, Store]]]:
    """For each kind of store, asserted-only (False) and with inferences (True)."""
    folder = tmp_path_factory.mktemp("oxigraph-store")
    with OxigraphStore(folder / "a") as loaded:
        loaded.load_ntriples(
            to_ntriples(graph).encode("utf-8"), to_ntriples(inferred).encode("utf-8"), key="t"
        )
    shutil.copytree(folder / "a", folder / "b")  # a process opens a store folder only once
    closure = Graph()
    for triple in graph:
        closure.add(triple)
    for triple in inferred:
        closure.add(triple)
    with (
        OxigraphStore(folder / "a") as asserted,
        OxigraphStore(folder / "b", inferred=True) as both,
    ):
        yield {
            "memory": {False: MemoryStore(graph), True: MemoryStore(closure)},
            "oxigraph": {False: asserted, True: both},
            "remote": {False: RemoteStore(pushed), True: RemoteStore(pushed, inferred=True)},
        }


# --- the same answers everywhere ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_named_query_gives_the_same_answers_on_every_store(
    stores: dict[str, dict[bool, Store]], name: str
) -> None:
    query = QUERIES[name]
    bindings = query.bindings()
    answers = {kind: by[False].query(query.text, bindings) for kind, by in stores.items()}
    expected = normalised(query, answers["memory"])
    for kind in ("oxigraph", "remote"):
        assert normalised(query, answers[kind]) == expected, f"{name} on {kind}"


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
        "SELECT ?person ?org WHERE { ?person tkg:employedBy ?org }",
        "ASK { tkd:meta-ai tkg:partOfOrganisation tkd:meta }",
    ],
    ids=["count-by-predicate", "employed-by", "ask-part-of"],
)
def test_inferred_triples_give_the_same_answers_on_every_store(
    stores: dict[str, dict[bool, Store]], text: str
) -> None:
    answers = {kind: by[True].query(text, {}) for kind, by in stores.items()}
    asserted = stores["memory"][False].query(text, {})
    expected = normalised(text, answers["memory"])
    assert expected != normalised(text, asserted)  # the inferences make a difference
    for kind in ("oxigraph", "remote"):
        assert normalised(text, answers[kind]) == expected, kind


def test_the_headline_through_the_command_line(
    capsys: pytest.CaptureFixture[str], server: str, tmp_path: Path
) -> None:
    """kg push, then kg query --endpoint, in-process: the same table as the default store."""
    endpoint = f"{server}/query"
    code, out, err = run_kg(capsys, "push", "--endpoint", endpoint)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(
        rf"pushed \d+ asserted triples to <{ASSERTED_GRAPH}> at {server}/store \(HTTP 20\d\)",
        lines[0],
    )
    assert lines[1].startswith("pushed ") and f"inferred triples to <{INFERRED_GRAPH}>" in lines[1]
    for argv in (["paper-author-attrition"], ["where-are-they-now", "-p", "as_of=2024-01-01"]):
        code, local, _ = run_kg(capsys, "query", *argv, "-f", "json")
        assert code == 0
        code, remote, err = run_kg(capsys, "query", *argv, "-f", "json", "--endpoint", endpoint)
        assert code == 0, err
        query = QUERIES[argv[0]]
        assert normalised(query, from_json(remote)) == normalised(query, from_json(local))
    code, out, _ = run_kg(capsys, "query", "paper-author-attrition", "--endpoint", endpoint)
    assert out.splitlines()[2].split()[-5:] == ["14", "11", "3", "0", "79"]
    code, local, local_err = run_kg(capsys, "check")
    code_remote, remote, remote_err = run_kg(capsys, "check", "--endpoint", endpoint)
    assert (code_remote, sorted(remote.splitlines()), remote_err) == (
        code,
        sorted(local.splitlines()),
        local_err,
    )


def test_an_injected_string_stays_one_literal_on_the_endpoint(pushed: str, tmp_path: Path) -> None:
    path = tmp_path / "echo.rq"
    path.write_text(
        "#+ summary: What was asked?\nSELECT ?said WHERE { BIND(?_text AS ?said) }\n",
        encoding="utf-8",
    )
    query = read_query(path)
    evil = '" } ; DROP ALL ; INSERT DATA { <a:a> <a:b> "x'
    result = RemoteStore(pushed).query(query.text, query.bindings({"text": evil}))
    assert isinstance(result, SelectResult)
    assert result.rows == ((Literal(evil),),)
    still = RemoteStore(pushed).query("ASK { ?s ?p ?o }", {})
    assert still == AskResult(True)


def test_a_graph_comes_back_from_construct(pushed: str) -> None:
    text = "CONSTRUCT { tkd:meta ?p ?o } WHERE { tkd:meta ?p ?o }"
    got = RemoteStore(pushed).query(text, {})
    assert hasattr(got, "graph")
    assert (URIRef("https://w3id.org/talent-kg/id/meta"), None, None) in got.graph  # type: ignore[union-attr]


def from_json(text: str) -> QueryResult:
    """``kg query -f json`` output (W3C SPARQL 1.1 Query Results JSON) read back."""
    return parse_answer("kg", Response(200, "application/sparql-results+json", text.encode()))


# --- errors ---------------------------------------------------------------------------------


def run_kg(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_closed_port_is_exit_3_naming_the_url(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    code, out, err = run_kg(capsys, "query", "founders-among-authors", "--endpoint", url)
    assert (code, out) == (3, "")
    assert err.splitlines()[0] == f"kg: error: cannot reach {url}: connection refused"
    code, out, err = run_kg(capsys, "push", "--endpoint", url, "--no-inferred")
    assert code == 3
    store = url.removesuffix("/query") + "/store"
    assert err.splitlines()[0].startswith(f"kg: error: cannot reach {store}?graph=")


def test_a_bad_query_carries_the_server_message(server: str) -> None:
    with pytest.raises(RemoteError) as caught:
        sparql_query(f"{server}/query", "SELECT ?x WHERE { ?x ?y }")
    assert caught.value.exit_code == 3
    message = caught.value.message
    assert message.startswith(f"{server}/query answered HTTP 400 Bad Request: ")
    assert len(message) > len(f"{server}/query answered HTTP 400 Bad Request: ") + 5


def test_bad_data_carries_the_server_message(server: str) -> None:
    with pytest.raises(RemoteError, match=r"HTTP 400 .*IRI"):
        put_graph(f"{server}/store", b"<a> <b> <c> .\n", graph="https://e/g")


def test_a_silent_server_times_out() -> None:
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/query"
        started = time.monotonic()
        with pytest.raises(RemoteError, match=r"did not answer within 0\.5 s"):
            sparql_query(url, "ASK {}", timeout=0.5)
        assert time.monotonic() - started < 5


def test_requests_say_who_sends_them_and_what_they_want() -> None:
    seen: dict[str, str] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.update(self.headers.items())
            seen["body"] = self.rfile.read(int(self.headers["Content-Length"])).decode()
            body = b'{"head": {}, "boolean": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with http.server.HTTPServer(("127.0.0.1", 0), Handler) as httpd:
        thread = threading.Thread(target=httpd.handle_request)
        thread.start()
        url = f"http://127.0.0.1:{httpd.server_address[1]}/sparql"
        result = RemoteStore(url, inferred=True).query(
            "ASK { ?_x_iri ?p ?o }", {"_x_iri": URIRef("https://e/x")}
        )
        thread.join(5)
    assert result == AskResult(True)
    assert seen["User-Agent"] == USER_AGENT
    assert seen["Accept"].startswith("application/sparql-results+json")
    assert seen["Content-Type"].startswith("application/x-www-form-urlencoded")
    body = urllib.parse.parse_qs(seen["body"])
    assert body["default-graph-uri"] == [ASSERTED_GRAPH, INFERRED_GRAPH]
    assert body["query"][0].endswith("ASK { <https://e/x> ?p ?o }")


def test_push_has_help_and_needs_a_target(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["push", "--help"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("usage: kg push")
    code, out, err = run_kg(capsys, "push")
    assert (code, out) == (2, "")
    assert err.startswith("kg: error: kg push needs --endpoint URL")


def test_the_graph_store_url_is_derived_or_asked_for() -> None:
    assert gsp_url_for("http://127.0.0.1:7878/query") == "http://127.0.0.1:7878/store"
    assert gsp_url_for("https://e.org/kg/query/") == "https://e.org/kg/store"
    with pytest.raises(InputError, match="pass --gsp URL"):
        gsp_url_for("http://e.org/sparql")


def test_inferred_needs_a_named_asserted_graph() -> None:
    with pytest.raises(InputError, match="needs the asserted triples in a named graph"):
        RemoteStore("http://127.0.0.1:9/query", inferred=True, graph=None)


def test_a_result_term_it_cannot_use_is_a_clear_error() -> None:
    triple = b'{"t": {"type": "triple", "value": {}}}'
    body = b'{"head": {"vars": ["t"]}, "results": {"bindings": [' + triple + b"]}}"
    with pytest.raises(QueryError, match="RDF-star"):
        parse_answer("http://e/q", Response(200, "application/sparql-results+json", body))
    with pytest.raises(RemoteError, match="not SPARQL results"):
        parse_answer("http://e/q", Response(200, "text/html", b"<html></html>"))
