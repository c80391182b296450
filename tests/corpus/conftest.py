"""Where the corpus is generated: one folder that every pytest-xdist worker of the run sees."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def corpus_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workers' temporary folders' parent (the run's own folder without xdist)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "corpus"
    folder.mkdir(exist_ok=True)
    return folder
