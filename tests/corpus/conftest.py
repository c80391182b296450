"""Where the corpus is generated: one folder that every pytest-xdist worker of the run sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from worker_share import run_folder


@pytest.fixture(scope="session")
def corpus_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workers' temporary folders' parent (the run's own folder without xdist)."""
    folder = run_folder(tmp_path_factory) / "corpus"
    folder.mkdir(exist_ok=True)
    return folder
