"""Shared fixtures: the repository, its loaded graph (parsed once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

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
