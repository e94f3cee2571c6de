"""A project's declared dependencies, read from its packaging files without running anything.

``setup.py`` is parsed (``ast``), never executed: only literal ``install_requires`` /
``extras_require`` lists count, directly or through a module-level name bound to one.
Requirements files follow their ``-r``/``-c`` includes (once each, inside the project).
"""

from __future__ import annotations

import ast
import configparser
import re
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Set, Tuple

from tf_lint.project.requirements import Requirement, parse_conda, parse_requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

_MAX_METADATA_BYTES = 2 * 1024 * 1024  # a "requirements" file bigger than this is not one


def read_text(path: Path) -> Optional[str]:
    try:
        if path.stat().st_size > _MAX_METADATA_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def line_of(text: str, needle: str, start: int = 1) -> int:
    """The first line (1-based, from ``start``) that contains ``needle``; ``start`` if none."""
    for number, line in enumerate(text.splitlines()[start - 1 :], start):
        if needle in line:
            return number
    return start


def requirement_files(root: Path) -> List[Path]:
    """``requirements*.txt`` at the root and ``requirements/*.txt``, the plain one first."""
    found = sorted(root.glob("requirements*.txt")) + sorted((root / "requirements").glob("*.txt"))
    found.sort(key=lambda p: (p.name != "requirements.txt", p.parent != root, str(p)))
    return [p for p in found if p.is_file()]


def all_requirements(root: Path) -> List[Requirement]:
    """Every dependency the project declares, in order of authority: ``pyproject.toml``,
    ``setup.py``, ``setup.cfg``, ``Pipfile``, ``environment.yml``, then requirements files."""
    found: List[Requirement] = []
    found.extend(from_pyproject(root))
    found.extend(from_setup_py(root))
    found.extend(from_setup_cfg(root))
    found.extend(from_pipfile(root))
    found.extend(from_environment(root))
    seen: Set[Path] = set()
    for path in requirement_files(root):
        group = "main" if path.name == "requirements.txt" and path.parent == root else path.stem
        found.extend(from_requirements_file(root, path, group, seen))
    return found


# --- pyproject.toml ------------------------------------------------------------------------


def from_pyproject(root: Path) -> List[Requirement]:
    path = root / "pyproject.toml"
    text = read_text(path)
    if text is None:
        return []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    found: List[Requirement] = []
    project = _table(data, "project")
    for item in _strings(project.get("dependencies")):
        found.extend(_located(item, text, "pyproject.toml", "main"))
    for group, items in _table(project, "optional-dependencies").items():
        for item in _strings(items):
            found.extend(_located(item, text, "pyproject.toml", str(group)))
    for group, items in _table(data, "dependency-groups").items():  # PEP 735
        for item in _strings(items):
            found.extend(_located(item, text, "pyproject.toml", str(group)))
    poetry = _table(_table(data, "tool"), "poetry")
    found.extend(_poetry(_table(poetry, "dependencies"), text, "main"))
    found.extend(_poetry(_table(poetry, "dev-dependencies"), text, "dev"))
    for group, table in _table(poetry, "group").items():
        found.extend(_poetry(_table(table if isinstance(table, dict) else {}, "dependencies"), text, str(group)))
    pdm = _table(_table(data, "tool"), "pdm")
    for group, items in _table(pdm, "dev-dependencies").items():
        for item in _strings(items):
            found.extend(_located(item, text, "pyproject.toml", str(group)))
    return found


def _table(data: Any, key: str) -> Dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> List[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _located(item: str, text: str, file: str, group: str) -> Iterator[Requirement]:
    found = parse_requirement(item, file, line_of(text, item), group)
    if found is not None:
        yield found


def _poetry(table: Dict[str, Any], text: str, group: str) -> Iterator[Requirement]:
    """Poetry's ``name = "^2.10"`` / ``name = {version = "..."}`` entries."""
    for name, spec in table.items():
        if name == "python":
            continue
        version = spec.get("version", "") if isinstance(spec, dict) else spec
        if not isinstance(version, str):
            continue
        written = f"{name} {version}".strip()
        found = parse_requirement(f"{name} {version}" if version and version != "*" else name, "pyproject.toml", 1, group)
        if found is not None:
            yield found._replace(text=written, line=_key_line(text, name))


def _key_line(text: str, key: str) -> int:
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return 1


# --- setup.py / setup.cfg -------------------------------------------------------------------


def from_setup_py(root: Path) -> List[Requirement]:
    text = read_text(root / "setup.py")
    if text is None:
        return []
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    constants = _module_lists(tree)
    found: List[Requirement] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _call_name(node.func) not in ("setup", "setuptools.setup"):
            continue
        for keyword in node.keywords:
            if keyword.arg == "install_requires":
                found.extend(_literal_requirements(keyword.value, constants, "main"))
            elif keyword.arg == "extras_require":
                found.extend(_extras(keyword.value, constants))
    return found


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{func.attr}"
    return ""


def _module_lists(tree: ast.Module) -> Dict[str, ast.expr]:
    """Module-level ``NAME = [...]`` (or ``NAME = {...}``) bindings, the last one winning."""
    bound: Dict[str, ast.expr] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
            bound[statement.targets[0].id] = statement.value
    return bound


def _literal_requirements(expr: ast.expr, constants: Dict[str, ast.expr], group: str, depth: int = 0) -> Iterator[Requirement]:
    if depth > 4:
        return
    if isinstance(expr, ast.Name) and expr.id in constants:
        yield from _literal_requirements(constants[expr.id], constants, group, depth + 1)
    elif isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        yield from _literal_requirements(expr.left, constants, group, depth + 1)
        yield from _literal_requirements(expr.right, constants, group, depth + 1)
    elif isinstance(expr, (ast.List, ast.Tuple)):
        for element in expr.elts:
            if isinstance(element, ast.Constant) and isinstance(element.value, str):
                found = parse_requirement(element.value, "setup.py", element.lineno, group)
                if found is not None:
                    yield found


def _extras(expr: ast.expr, constants: Dict[str, ast.expr]) -> Iterator[Requirement]:
    if isinstance(expr, ast.Name) and expr.id in constants:
        expr = constants[expr.id]
    if isinstance(expr, ast.Dict):
        for key, value in zip(expr.keys, expr.values):
            group = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else "extra"
            yield from _literal_requirements(value, constants, group)


def from_setup_cfg(root: Path) -> List[Requirement]:
    text = read_text(root / "setup.cfg")
    if text is None:
        return []
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    found: List[Requirement] = []
    if parser.has_option("options", "install_requires"):
        found.extend(_cfg_lines(parser.get("options", "install_requires"), text, "main"))
    if parser.has_section("options.extras_require"):
        for group, value in parser.items("options.extras_require"):
            found.extend(_cfg_lines(value, text, group))
    return found


def _cfg_lines(value: str, text: str, group: str) -> Iterator[Requirement]:
    for item in value.splitlines():
        item = item.split("#", 1)[0].strip()
        if item:
            found = parse_requirement(item, "setup.cfg", line_of(text, item), group)
            if found is not None:
                yield found


# --- Pipfile / environment.yml / requirements files -----------------------------------------


def from_pipfile(root: Path) -> List[Requirement]:
    text = read_text(root / "Pipfile")
    if text is None:
        return []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    found: List[Requirement] = []
    for section, group in (("packages", "main"), ("dev-packages", "dev")):
        for name, spec in _table(data, section).items():
            version = spec.get("version", "") if isinstance(spec, dict) else spec
            version = version if isinstance(version, str) and version != "*" else ""
            requirement = parse_requirement(f"{name}{version}", "Pipfile", _key_line(text, name), group)
            if requirement is not None:
                found.append(requirement)
    return found


def from_environment(root: Path) -> List[Requirement]:
    """conda's ``dependencies:`` list and its nested ``- pip:`` list (a line reader: only the
    shape conda documents, no YAML library needed)."""
    for name in ("environment.yml", "environment.yaml"):
        text = read_text(root / name)
        if text is not None:
            return list(_environment_entries(text, name))
    return []


def _environment_entries(text: str, file: str) -> Iterator[Requirement]:
    in_dependencies = False
    pip_indent: Optional[int] = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            in_dependencies = line.strip() == "dependencies:"
            pip_indent = None
            continue
        if not in_dependencies or not line.lstrip().startswith("- "):
            continue
        item = line.lstrip()[2:].strip().strip("\"'")
        if pip_indent is not None and indent > pip_indent:
            found = parse_requirement(item, file, number)
        else:
            pip_indent = indent if item.rstrip(":") == "pip" and item.endswith(":") else None
            found = None if pip_indent is not None else parse_conda(item, file, number)
        if found is not None:
            yield found


def from_requirements_file(root: Path, path: Path, group: str, seen: Set[Path]) -> Iterator[Requirement]:
    """Lines of a requirements file, following ``-r``/``-c`` includes inside the project."""
    resolved = path.resolve()
    if resolved in seen:
        return
    seen.add(resolved)
    text = read_text(path)
    if text is None:
        return
    display = _relative(path, root)
    for number, line in _logical_lines(text):
        include = re.match(r"^(?:-r|-c|--requirement|--constraint)(?:\s+|=)(\S+)", line)
        if include is not None:
            target = (path.parent / include.group(1)).resolve()
            if _inside(target, root) and target.is_file():
                yield from from_requirements_file(root, target, group, seen)
            continue
        found = parse_requirement(line, display, number, group)
        if found is not None:
            yield found


def _logical_lines(text: str) -> Iterable[Tuple[int, str]]:
    """Lines with comments removed and ``\\`` continuations joined, with their first line number."""
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.split(r"(^|\s)#", raw, maxsplit=1)[0].rstrip()
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        joined = (pending + line).strip()
        pending = ""
        if joined:
            yield start, joined


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root.resolve())
        return True
    except ValueError:
        return False
