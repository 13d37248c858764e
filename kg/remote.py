"""A SPARQL 1.1 endpoint as a store: queries over the SPARQL 1.1 Protocol, loads over the Graph
Store Protocol. Standard library only (urllib); no network at import time.

Any standard server works: Oxigraph (``oxigraph serve``: query at ``<base>/query``, graph store
at ``<base>/store``), Fuseki, Virtuoso, QLever, GraphDB, Neptune.

- Queries are sent as an HTML form POST (``query=…``), the one form every server accepts, with
  ``Accept: application/sparql-results+json`` for SELECT and ASK and N-Triples for CONSTRUCT.
  The dataset is named with ``default-graph-uri``: the asserted graph alone, or with the
  inferred graph (see :mod:`kg.store` for the layout).
- Every failure is a :class:`~kg.errors.RemoteError` (exit code 3) naming the URL: a server that
  cannot be reached, no answer within the timeout, or an HTTP error with the server's own
  message (a 400 carries the SPARQL parser's complaint).
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg import __version__
from kg.errors import InputError, QueryError, RemoteError
from kg.store import ASSERTED_GRAPH, INFERRED_GRAPH, prepare

if TYPE_CHECKING:
    from rdflib.term import Identifier, Node

    from kg.queries import QueryResult

USER_AGENT = f"talent-kg/{__version__} (kg; +https://w3id.org/talent-kg)"
#: seconds to wait for a connection and for each read
TIMEOUT = 60.0
SPARQL_RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
_ACCEPT = f"{SPARQL_RESULTS_JSON}, {N_TRIPLES};q=0.9, text/turtle;q=0.8"
_MESSAGE_LIMIT = 600


@dataclass(frozen=True)
class Response:
    """What a server answered: status, media type (without parameters) and body."""

    status: int
    media_type: str
    body: bytes


def check_url(url: str, *, what: str = "--endpoint") -> str:
    """``url`` if it is an absolute http(s) URL, else an InputError (exit 2)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(
            f"{what} {url!r} is not an http(s) URL",
            hint="for example http://127.0.0.1:7878/query",
        )
    return url


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> Response:
    """One HTTP exchange; every failure becomes a RemoteError naming ``url``."""
    check_url(url, what="URL")
    sent = {"User-Agent": USER_AGENT, **(headers or {})}
    req = urllib.request.Request(url, data=body, headers=sent, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:
            media_type = answer.headers.get_content_type()
            return Response(answer.status, media_type, answer.read())
    except urllib.error.HTTPError as err:
        message = _server_message(err)
        raise RemoteError(
            f"{url} answered HTTP {err.code} {err.reason}" + (f": {message}" if message else ""),
            hint=_hint_for(err.code),
        ) from err
    except urllib.error.URLError as err:
        raise RemoteError(
            f"cannot reach {url}: {_reason(err.reason)}",
            hint="is the server running, and is the URL right?",
        ) from err
    except TimeoutError as err:
        raise RemoteError(
            f"{url} did not answer within {timeout:g} s",
            hint="the server may be overloaded, or the query too costly",
        ) from err
    except (ConnectionError, OSError) as err:
        raise RemoteError(f"cannot talk to {url}: {_reason(err)}") from err


# --- queries --------------------------------------------------------------------------------


class RemoteStore:
    """A SPARQL 1.1 endpoint as a :class:`~kg.store.Store`.

    ``graph`` is the named graph holding the asserted triples (``kg push`` writes
    :data:`~kg.store.ASSERTED_GRAPH` by default); None queries the endpoint's default graph
    as it is. With ``inferred``, the inferred graph is added to the query's default graph.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        inferred: bool = False,
        graph: str | None = ASSERTED_GRAPH,
        inferred_graph: str = INFERRED_GRAPH,
        timeout: float = TIMEOUT,
    ) -> None:
        self.endpoint = check_url(endpoint)
        self.timeout = timeout
        self.default_graphs: tuple[str, ...] = () if graph is None else (graph,)
        if inferred:
            if graph is None:
                raise InputError(
                    "an --inferred query on an endpoint needs the asserted triples in a named "
                    "graph",
                    hint="'kg push' puts them in one by default; leave --graph at its default "
                    "or name that graph",
                )
            self.default_graphs = (graph, inferred_graph)

    def query(self, text: str, bindings: Mapping[str, Identifier] | None = None) -> QueryResult:
        return sparql_query(
            self.endpoint,
            prepare(text, bindings),
            default_graphs=self.default_graphs,
            timeout=self.timeout,
        )

    def close(self) -> None:
        """Nothing is held open between requests."""


def sparql_query(
    endpoint: str,
    text: str,
    *,
    default_graphs: Sequence[str] = (),
    timeout: float = TIMEOUT,
) -> QueryResult:
    """Run the SPARQL ``text`` (no parameters left in it) on ``endpoint``."""
    fields: list[tuple[str, str]] = [("query", text)]
    fields.extend(("default-graph-uri", iri) for iri in default_graphs)
    answer = request(
        "POST",
        endpoint,
        body=urllib.parse.urlencode(fields).encode("utf-8"),
        headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Accept": _ACCEPT,
        },
        timeout=timeout,
    )
    return parse_answer(endpoint, answer)


def parse_answer(endpoint: str, answer: Response) -> QueryResult:
    """A server's answer as a typed result: SPARQL JSON results, or a graph (N-Triples or
    Turtle) for CONSTRUCT and DESCRIBE."""
    from kg.queries import AskResult, GraphResult, SelectResult

    if answer.media_type in ("application/sparql-results+json", "application/json"):
        try:
            doc = json.loads(answer.body.decode("utf-8"))
            if "boolean" in doc:
                return AskResult(bool(doc["boolean"]))
            variables = tuple(str(v) for v in doc["head"].get("vars", []))
            rows = tuple(
                tuple(_term(binding.get(v)) for v in variables)
                for binding in doc["results"]["bindings"]
            )
        except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as err:
            raise RemoteError(
                f"{endpoint} sent SPARQL JSON results that cannot be read ({err})"
            ) from err
        return SelectResult(variables, rows)
    if answer.media_type in (N_TRIPLES, "text/turtle", "text/plain"):
        from rdflib import Graph

        graph = Graph()
        fmt = "turtle" if answer.media_type == "text/turtle" else "nt"
        try:
            graph.parse(data=answer.body.decode("utf-8"), format=fmt)
        except Exception as err:  # rdflib's parsers raise assorted types
            raise RemoteError(f"{endpoint} sent a graph that cannot be read ({err})") from err
        return GraphResult(graph)
    raise RemoteError(
        f"{endpoint} answered with {answer.media_type or 'no media type'}, not SPARQL results",
        hint="is this the SPARQL query URL of the endpoint?",
    )


def _term(value: Any) -> Node | None:
    """A term of SPARQL 1.1 Query Results JSON as an rdflib term (``xsd:string`` as plain)."""
    from rdflib import BNode, Literal, URIRef

    if value is None:
        return None
    kind = value["type"]
    text = value["value"]
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if kind in ("literal", "typed-literal"):  # typed-literal: the pre-standard (Virtuoso) form
        if value.get("xml:lang"):
            return Literal(text, lang=value["xml:lang"])
        datatype = value.get("datatype")
        if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
            return Literal(text, datatype=URIRef(datatype))
        return Literal(text)
    raise QueryError(f"cannot use the result term {value!r} (RDF-star triples are not supported)")


# --- the Graph Store Protocol ---------------------------------------------------------------


@dataclass(frozen=True)
class Pushed:
    """One graph sent: where to, how many triples, and what the server said."""

    target: str
    graph: str | None
    triples: int
    status: int


def gsp_url_for(endpoint: str) -> str:
    """The Graph Store Protocol URL that goes with a query ``endpoint``: Oxigraph's ``/store``
    next to its ``/query``. Anything else needs ``--gsp``."""
    check_url(endpoint)
    parts = urllib.parse.urlsplit(endpoint)
    path = parts.path.rstrip("/")
    if not path.endswith("/query"):
        raise InputError(
            f"cannot tell the Graph Store Protocol URL of {endpoint}",
            hint="pass --gsp URL (Oxigraph: <base>/store; Fuseki: <base>/<dataset>/data)",
        )
    store_path = path[: -len("/query")] + "/store"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, store_path, "", ""))


def put_graph(gsp: str, data: bytes, *, graph: str | None, timeout: float = TIMEOUT) -> Pushed:
    """Replace ``graph`` (None: the default graph) at the graph store ``gsp`` with the
    N-Triples ``data`` (HTTP PUT, SPARQL 1.1 Graph Store Protocol)."""
    check_url(gsp, what="--gsp")
    query = urllib.parse.urlencode({"graph": graph}) if graph is not None else "default"
    separator = "&" if urllib.parse.urlsplit(gsp).query else "?"
    url = f"{gsp}{separator}{query}"
    answer = request("PUT", url, body=data, headers={"Content-Type": N_TRIPLES}, timeout=timeout)
    triples = data.count(b"\n") if not data or data.endswith(b"\n") else data.count(b"\n") + 1
    return Pushed(target=url, graph=graph, triples=triples, status=answer.status)


# --- errors ---------------------------------------------------------------------------------


def _server_message(err: urllib.error.HTTPError) -> str:
    try:
        raw = err.read()
    except OSError:
        return ""
    text = raw.decode("utf-8", errors="replace").strip()
    if err.headers.get_content_type() == "text/html":
        return ""  # an error page is noise on a terminal
    text = " ".join(text.split())
    return text if len(text) <= _MESSAGE_LIMIT else text[:_MESSAGE_LIMIT] + " …"


def _hint_for(status: int) -> str | None:
    if status == 400:
        return "the server could not use the query or data; its message says why"
    if status in (401, 403):
        return "the server wants credentials or does not allow this operation"
    if status == 404:
        return "check the URL: query at <base>/query, graph store at <base>/store on Oxigraph"
    if status in (405, 415):
        return "this URL does not take this request: is it the right one (--endpoint, --gsp)?"
    if status >= 500:
        return "the server failed; try again later, or look at its log"
    return None


def _reason(reason: object) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason.strerror})"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason)


__all__ = [
    "TIMEOUT",
    "USER_AGENT",
    "Pushed",
    "RemoteStore",
    "check_url",
    "gsp_url_for",
    "parse_answer",
    "put_graph",
    "request",
    "sparql_query",
]
