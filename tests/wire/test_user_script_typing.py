"""What an editor user sees of the generated OpenAI client: a realistic script using it
(``openai_user_script.py``) type-checks with no error under pyright, basic and strict, and
under ``mypy --strict``; a wrong enum value in it is an error to both.

pyright comes from the project's npm lockfile (``npm ci``), as Prism does, so nothing is
fetched while the tests run.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from clientgen import pyright, require_pyright

SCRIPT = Path(__file__).with_name("openai_user_script.py")


def mypy(folder: Path, script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(folder / ".mypy"), script],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def scripts(openai: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the generated package, the script and a copy with one mistake."""
    folder = tmp_path_factory.mktemp("user-script")
    shutil.copytree(Path(openai.__file__).parent, folder / "openai_client")
    text = SCRIPT.read_text()
    (folder / "user_script.py").write_text(text)
    mistake = 'purpose="fine-tune")\n'
    assert text.count(mistake) == 1
    (folder / "mistaken.py").write_text(text.replace(mistake, 'purpose="finetune")\n'))
    return folder


@pytest.mark.parametrize("mode", ["basic", "strict"])
def test_pyright_finds_no_error_in_a_user_script(scripts: Path, mode: str) -> None:
    require_pyright()
    done = pyright(scripts, "user_script.py", mode)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 errors, 0 warnings" in done.stdout, done.stdout


def test_mypy_strict_finds_no_error_in_a_user_script(scripts: Path) -> None:
    done = mypy(scripts, "user_script.py")
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_wrong_enum_value_is_an_error_to_both(scripts: Path) -> None:
    require_pyright()
    seen = pyright(scripts, "mistaken.py", "basic")
    assert seen.returncode == 1 and "1 error" in seen.stdout, seen.stdout
    assert "\"Literal['finetune']\" is not assignable" in seen.stdout, seen.stdout
    checked = mypy(scripts, "mistaken.py")
    assert checked.returncode == 1, checked.stdout
    line = 1 + SCRIPT.read_text().split('purpose="fine-tune")\n')[0].count("\n")
    assert (
        f'mistaken.py:{line}: error: No overload variant of "create_file"'
        in checked.stdout
    ), checked.stdout
