"""The app layers are enforced: import-linter (run by `make lint`) passes on the code as it is,
and fails when a foundation app imports a feature app."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the venv's own lint-imports on a copy of our code
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def code_copy(tmp_path: Path) -> Path:
    shutil.copytree(
        REPO / "springboard",
        tmp_path / "springboard",
        ignore=shutil.ignore_patterns("locale", "static", "templates", "__pycache__", "*.json"),
    )
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_layers_hold(code_copy: Path) -> None:
    result = _lint(code_copy)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_upward_import_breaks_the_contract(code_copy: Path) -> None:
    (code_copy / "springboard" / "tenancy" / "upward.py").write_text(
        "from springboard.programmes import models  # noqa: F401\n"
    )
    result = _lint(code_copy)
    assert result.returncode != 0
    assert "springboard.tenancy.upward -> springboard.programmes" in result.stdout


def test_matching_may_not_import_django(code_copy: Path) -> None:
    (code_copy / "springboard" / "matching" / "framework.py").write_text("import django\n")
    result = _lint(code_copy)
    assert result.returncode != 0
    assert "The matching engine imports nothing from Django BROKEN" in result.stdout
