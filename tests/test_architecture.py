"""The direction of calls (pyproject's [tool.importlinter] contracts), checked by import-linter."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from importlinter import cli

import musicmaker_nb

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(musicmaker_nb.__file__).parent


def test_the_import_contracts_hold(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert code == 0, report
    assert "0 broken" in report


def test_a_broken_contract_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the linter must really read our imports: the engine does use the protocol
    config = tmp_path / "contracts.toml"
    config.write_text('[tool.importlinter]\nroot_package = "musicmaker_nb"\n\n'
                      '[[tool.importlinter.contracts]]\nname = "engine without protocol"\ntype = "forbidden"\n'
                      'source_modules = ["musicmaker_nb.engine"]\nforbidden_modules = ["musicmaker_nb.protocol"]\n')
    assert cli.lint_imports(config_filename=str(config), no_cache=True, no_logo=True) == 1
    assert "BROKEN" in capsys.readouterr().out


def _patches_after_import(path: Path) -> list[str]:
    """Assignments to another module's attributes at module level: patching after import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    patched = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id[0].isupper():
                patched.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {target.value.id}.{target.attr}")
    return patched


def test_no_class_is_patched_after_import() -> None:
    patched = [line for path in sorted(PACKAGE.rglob("*.py")) for line in _patches_after_import(path)]
    assert patched == []
