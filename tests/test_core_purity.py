"""The engine stays NumPy + standard library: no UI package is imported, even indirectly."""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE_FILES = sorted((ROOT / "core").glob("*.py"))
UI_PACKAGES = ("streamlit", "altair", "pandas")
ALLOWED_THIRD_PARTY = {"numpy"}


def imported_top_level_names(path: Path) -> set[str]:
    """Top-level package of every absolute import in a file (relative imports stay in core)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_has_modules_to_check():
    names = {path.stem for path in CORE_FILES}
    assert {"tokenizer", "embedding", "positional", "attention", "pipeline"} <= names


def test_importing_every_core_module_loads_no_ui_package():
    modules = [f"core.{path.stem}" for path in CORE_FILES if path.stem != "__init__"]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted(m for m in {UI_PACKAGES!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.strip() == "[]"


def test_core_imports_only_numpy_and_the_standard_library():
    allowed = set(sys.stdlib_module_names) | ALLOWED_THIRD_PARTY | {"core"}
    outside = {path.name: sorted(imported_top_level_names(path) - allowed) for path in CORE_FILES}
    assert {name: bad for name, bad in outside.items() if bad} == {}


def test_core_does_not_import_ui_or_pages():
    for path in CORE_FILES:
        assert not imported_top_level_names(path) & {"ui", "pages", "app"}, path.name
