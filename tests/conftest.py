"""Shared fixtures: the repository, its loaded graph (parsed once per session)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph

from kg.cli import main
from kg.load import LoadedGraph, Repository, load_repository

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def repo() -> Repository:
    return Repository(ROOT)


@pytest.fixture(scope="session")
def loaded(repo: Repository) -> LoadedGraph:
    return load_repository(repo)


@pytest.fixture(scope="session")
def graph(loaded: LoadedGraph) -> Graph:
    return loaded.graph


@pytest.fixture
def checkout(tmp_path: Path) -> Repository:
    """A copy of the repository's ontology, data and queries, free to edit."""
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return Repository(tmp_path)


KgRunner = Callable[..., tuple[int, str, str]]


@pytest.fixture
def kg(capsys: pytest.CaptureFixture[str]) -> KgRunner:
    """Run the ``kg`` command in this process: ``kg("validate", "--infos")`` gives the exit
    code, standard output and standard error."""

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run
