"""The package type-checks under mypy --strict and passes ruff (both pinned in the test extra)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "module, args",
    [("mypy", []), ("ruff", ["check", "tf_lint", "tests", "benchmarks"])],
)
def test_tool_passes(module: str, args: list) -> None:  # type: ignore[type-arg]
    probe = subprocess.run([sys.executable, "-m", module, "--version"], capture_output=True, check=False)
    if probe.returncode != 0 and shutil.which(module) is None:
        pytest.skip(f"{module} is not installed (pip install -e '.[test]')")
    proc = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _imports_of(path: Path, package: str) -> "set[str]":
    """Every tf_lint module ``path`` imports: at the top, in functions, under TYPE_CHECKING."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_the_package_has_no_import_cycles() -> None:
    """Each layer imports only below itself (the registry never imports the rules, the CLI's
    output helpers never import the CLI...), counting type-checking and function-level imports."""
    modules = {}
    for path in (ROOT / "tf_lint").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        graph[name] = {m for m in _imports_of(path, package) if m in modules and m != name and not name.startswith(m + ".")}
    cycles = []
    state: "dict[str, int]" = {}
    stack: "list[str]" = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
    assert cycles == []
