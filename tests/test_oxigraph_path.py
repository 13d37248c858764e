"""The path for large graphs through the ``kg`` command: files bulk-loaded by Oxigraph's parser,
reasoning inside the store, ``kg validate --store oxigraph``, the remembered validation report,
and progress on standard error."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import KgRunner

from kg import cli
from kg.cache import CACHE_DIR, content_key
from kg.errors import RdfParseError
from kg.load import Repository, load_into_oxigraph
from kg.store import INFERRED_GRAPH, OxigraphStore

BROKEN = """@prefix tkd: <https://w3id.org/talent-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

tkd:person-x rdfs:label "X"@en .
tkd:person-y rdfs:label "Y@en .
"""

#: One employment whose end comes before its start: a violation the shapes name.
DEFECT = """@prefix tkd: <https://w3id.org/talent-kg/id/> .
@prefix tkg: <https://w3id.org/talent-kg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

tkd:employment-yann-lecun-meta tkg:endDate "2001-01-01"^^xsd:date .
"""


def test_a_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(RdfParseError) as raised:
        load_into_oxigraph(ox.Store(), [path])
    assert (raised.value.path, raised.value.line) == (path, 5)
    assert raised.value.message.startswith(f"{path}:5: syntax error: ")


def test_a_broken_file_leaves_no_half_loaded_store(
    kg: KgRunner, checkout: Repository, tmp_path: Path
) -> None:
    """A load that fails is an error naming file:line, exit 2; the store does not read as
    loaded, so the next run, with the file fixed, loads it again and answers."""
    broken = checkout.root / "data" / "zz-broken.ttl"
    broken.write_text(BROKEN, encoding="utf-8")
    store = tmp_path / "store"
    argv = ["--root", str(checkout.root), "query", "founders-among-authors"]
    code, out, err = kg(*argv, "--store", "oxigraph", "--store-path", str(store))
    assert (code, out) == (2, "")
    assert err.splitlines()[0].startswith(f"kg: error: {broken}:5: syntax error: ")
    assert "Traceback" not in err
    with OxigraphStore(store) as opened:
        assert opened.source_key is None
    broken.write_text(BROKEN.replace('"Y@en', '"Y"@en'), encoding="utf-8")
    code, fixed, _ = kg(*argv, "--store", "oxigraph", "--store-path", str(store))
    code_memory, memory, _ = kg(*argv)
    assert (code, code_memory) == (0, 0)
    assert fixed == memory and "Mistral AI" in fixed


def test_the_store_reasons_inside_itself_once(kg: KgRunner, checkout: Repository) -> None:
    """An inferred query on a store loaded without inferences reasons once, inside the store,
    and the answer is the in-memory (owlrl) one."""
    root, store = str(checkout.root), checkout.root / "ox"
    asserted = ["--root", root, "query", "founders-among-authors", "--store", "oxigraph"]
    assert kg(*asserted, "--store-path", str(store))[0] == 0
    with OxigraphStore(store) as opened:
        assert opened.inferred_key is None
        assert not opened.native.contains_named_graph(ox.NamedNode(INFERRED_GRAPH))
    inferred = ["--root", root, "query", "where-are-they-now", "--inferred"]
    code, answer, err = kg(*inferred, "--store", "oxigraph", "--store-path", str(store))
    assert code == 0, err
    with OxigraphStore(store) as opened:
        assert opened.inferred_key == opened.source_key == content_key(checkout)
        assert (
            len(
                list(
                    opened.native.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH))
                )
            )
            > 1000
        )
    assert answer == kg(*inferred)[1]


# --- kg validate ----------------------------------------------------------------------------


def test_both_engines_print_the_same_report(kg: KgRunner, checkout: Repository) -> None:
    (checkout.root / "data" / "zz-defect.ttl").write_text(DEFECT, encoding="utf-8")
    argv = ["--root", str(checkout.root), "validate", "--infos", "--no-cache"]
    pyshacl = kg(*argv)
    oxigraph = kg(*argv, "--store", "oxigraph")
    assert pyshacl[0] == oxigraph[0] == 1
    assert "tkd:employment-yann-lecun-meta: violation: " in pyshacl[1]
    assert pyshacl[1] == oxigraph[1]
    assert pyshacl[2].split(" (")[0] == oxigraph[2].split(" (")[0]  # the summary, less the time


def test_a_report_is_remembered_until_a_file_changes(kg: KgRunner, checkout: Repository) -> None:
    root = checkout.root
    argv = ["--root", str(root), "validate", "--progress"]
    code, first, err = kg(*argv)
    assert code == 0 and "validated before" not in err
    reports = list((root / CACHE_DIR).glob("validation-*.json"))
    assert [p.name for p in reports] == [f"validation-{content_key(checkout)}.json"]
    code, again, err = kg(*argv)
    assert (code, again) == (0, first)
    assert "validated before" in err
    # an edit (here: a new defect) is seen by the very next run
    (root / "data" / "zz-defect.ttl").write_text(DEFECT, encoding="utf-8")
    code, edited, err = kg(*argv)
    assert code == 1 and "validated before" not in err
    assert "tkd:employment-yann-lecun-meta: violation: " in edited
    (root / "data" / "zz-defect.ttl").unlink()
    assert kg(*argv)[1] == first
    # an edit of the shapes too: the key covers them
    shapes = checkout.shapes
    text = shapes.read_text(encoding="utf-8")
    assert text.count("employment start date unknown") == 1
    shapes.write_text(text.replace("employment start date unknown", "start unknown"), "utf-8")
    code, reworded, err = kg(*argv)
    assert code == 0 and "validated before" not in err
    assert reworded == first.replace("employment start date unknown", "start unknown") != first


def test_a_damaged_report_is_validated_again(kg: KgRunner, checkout: Repository) -> None:
    argv = ["--root", str(checkout.root), "validate", "--progress"]
    code, first, _ = kg(*argv)
    (report,) = (checkout.root / CACHE_DIR).glob("validation-*.json")
    report.write_text('[{"file": "data/x.ttl"', encoding="utf-8")  # cut short
    code, again, err = kg(*argv)
    assert (code, again) == (0, first)
    assert "validated before" not in err
    assert json.loads(report.read_text(encoding="utf-8"))  # rewritten whole


def test_no_cache_neither_reads_nor_writes_a_report(kg: KgRunner, checkout: Repository) -> None:
    argv = ["--root", str(checkout.root), "validate", "--no-cache", "--progress"]
    assert kg(*argv)[0] == 0
    assert not list((checkout.root / CACHE_DIR).glob("validation-*.json"))


def test_progress_is_on_standard_error_only_when_asked(kg: KgRunner, checkout: Repository) -> None:
    argv = ["--root", str(checkout.root), "validate", "--store", "oxigraph", "--no-cache"]
    code, out, err = kg(*argv, "--progress")
    steps = [line for line in err.splitlines() if line.startswith("kg: ")]
    assert code == 0
    assert any("loaded" in s and "triples" in s for s in steps), err
    assert any(s.endswith("s") and "checks" in s for s in steps), err
    assert not any(line.startswith("kg: ") for line in out.splitlines())
    code, quiet_out, quiet_err = kg(*argv, "--no-progress")
    assert (code, quiet_out) == (0, out)
    assert not any(line.startswith("kg: ") for line in quiet_err.splitlines())


def test_store_path_needs_the_oxigraph_store(kg: KgRunner, tmp_path: Path) -> None:
    code, out, err = kg("validate", "--store-path", str(tmp_path / "s"))
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == "kg: error: --store-path needs --store oxigraph"


def test_a_long_pyshacl_run_says_it_is_still_working(
    kg: KgRunner, checkout: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pySHACL reports nothing while it runs; a heartbeat on standard error does instead."""
    monkeypatch.setattr(cli, "HEARTBEAT_SECONDS", 0.05)
    argv = ["--root", str(checkout.root), "validate", "--no-cache"]
    code, out, err = kg(*argv, "--progress")
    assert code == 0
    beats = [line for line in err.splitlines() if line.endswith("still validating with pySHACL")]
    assert len(beats) >= 2, err
    code, quiet_out, quiet_err = kg(*argv, "--no-progress")
    assert (code, quiet_out) == (0, out)
    assert "still" not in quiet_err


def test_loading_the_memory_store_says_it_is_still_working(
    kg: KgRunner, checkout: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "HEARTBEAT_SECONDS", 0.05)
    argv = ["--root", str(checkout.root), "query", "founders-among-authors", "--no-cache"]
    code, out, err = kg(*argv, "--inferred", "--progress")
    assert code == 0 and "Mistral AI" in out
    assert "still loading the graph" in err
