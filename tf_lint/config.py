"""``[tool.tf-lint]`` in pyproject.toml: found, validated, merged with the command line.

Every key and value is checked; a mistake is a :class:`ConfigError` naming the file and the
key (the CLI turns it into exit code 2), never a silently ignored setting.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Tuple

from tf_lint.files import DEFAULT_MAX_FILE_SIZE
from tf_lint.knowledge.suggest import closest
from tf_lint.rules import all_rules

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

SECTION = "tf-lint"
_LIST_KEYS = ("select", "extend-select", "ignore", "extend-ignore", "exclude", "extend-exclude")
KNOWN_KEYS = (
    *_LIST_KEYS, "per-file-ignores", "target-keras", "target-tensorflow", "follow-imports", "prefilter", "max-file-size",
    "output-format", "notebooks",
)
OUTPUT_FORMATS = ("text", "json", "sarif", "github")
TARGET_KERAS_VALUES = ("3", "2")


class ConfigError(Exception):
    """A configuration problem the user must fix; the message says where."""


@dataclass(frozen=True)
class Config:
    select: Optional[Tuple[str, ...]] = None  # None: the rules that are on by default
    extend_select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    exclude: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    root: Optional[Path] = None  # directory of the config file; patterns are relative to it
    source: Optional[Path] = None  # the file the settings came from
    # "3": Keras 3 (tf.keras in TF >= 2.16); "2": tf-keras 2 / TF <= 2.15; None: inferred from
    # the project's dependencies (project.settings), Keras 3 when they do not say.
    target_keras: Optional[str] = None
    target_tensorflow: Optional[str] = None  # "2.15": the TensorFlow release the API rules check against
    prefilter: bool = True  # skip, unparsed, files that never spell "tensorflow" or "keras"
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # KiB; a bigger file gets TFL904; 0 means no limit
    output_format: str = "text"  # --format wins
    notebooks: bool = True  # walk into .ipynb files too (a notebook named on the command line always is)
    follow_imports: bool = True  # questions follow imports into the project's other modules

    @property
    def suffixes(self) -> Tuple[str, ...]:
        return (".py", ".ipynb") if self.notebooks else (".py",)

    def engine_options(self) -> Dict[str, Any]:
        """The settings besides the codes and the target versions (which each file's project
        decides, see ``project.settings``) that change a file's findings: keyword arguments
        of ``engine.lint_source``."""
        return {"prefilter": self.prefilter, "max_file_size": self.max_file_size}

    def engine_settings(self) -> str:
        """The engine options and configured targets as text, for the cache key."""
        options = {
            **self.engine_options(), "target_keras": self.target_keras, "target_tensorflow": self.target_tensorflow,
            "follow_imports": self.follow_imports,
        }
        return ";".join(f"{key}={value}" for key, value in sorted(options.items()))

    def enabled_codes(self) -> FrozenSet[str]:
        """Codes that run, ruff-style: the most specific matching selector wins; on a tie, ignore."""
        chosen = set()
        selectors = [*(self.select if self.select is not None else ()), *self.extend_select]
        for rule in all_rules():
            selected = _longest_match(rule.code, selectors)
            ignored = _longest_match(rule.code, self.ignore)
            if selected == 0 and self.select is None:
                on = rule.default_enabled and ignored == 0
            else:
                on = selected > ignored
            if on:
                chosen.add(rule.code)
        return frozenset(chosen)

    def ignored_for(self, path: Path) -> Tuple[str, ...]:
        """Codes per-file-ignores removes for ``path``."""
        if not self.per_file_ignores:
            return ()
        relative = _relative_posix(path, self.root)
        codes: List[str] = []
        for pattern, pattern_codes in self.per_file_ignores:
            if fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(path.name, pattern):
                codes.extend(pattern_codes)
        return tuple(codes)

    def with_overrides(
        self,
        select: Optional[Sequence[str]] = None,
        extend_select: Sequence[str] = (),
        ignore: Optional[Sequence[str]] = None,
        extend_ignore: Sequence[str] = (),
    ) -> "Config":
        """Command-line flags win over the file: ``--select``/``--ignore`` replace, ``--extend-*`` add."""
        for flag, values in (("--select", select or ()), ("--extend-select", extend_select),
                             ("--ignore", ignore or ()), ("--extend-ignore", extend_ignore)):
            _check_codes(values, f"command-line option {flag}")
        return dataclasses.replace(
            self,
            select=tuple(select) if select is not None else self.select,
            extend_select=(*self.extend_select, *extend_select),
            ignore=(*(tuple(ignore) if ignore is not None else self.ignore), *extend_ignore),
        )

    def with_target_keras(self, target: Optional[str], where: str = "command-line option --target-keras") -> "Config":
        if target is None:
            return self
        return dataclasses.replace(self, target_keras=_check_target(target, where))

    def with_target_tensorflow(self, target: Optional[str], where: str = "command-line option --target-tensorflow") -> "Config":
        if target is None:
            return self
        return dataclasses.replace(self, target_tensorflow=_check_tensorflow(target, where))

    def with_limits(self, max_file_size: Optional[int] = None, prefilter: Optional[bool] = None, follow_imports: Optional[bool] = None) -> "Config":
        """``--max-file-size``, ``--no-prefilter`` and ``--no-follow-imports`` win over the file."""
        changes: Dict[str, Any] = {}
        if follow_imports is not None:
            changes["follow_imports"] = follow_imports
        if max_file_size is not None:
            changes["max_file_size"] = _check_size(max_file_size, "command-line option --max-file-size")
        if prefilter is not None:
            changes["prefilter"] = prefilter
        return dataclasses.replace(self, **changes) if changes else self


def _longest_match(code: str, selectors: Iterable[str]) -> int:
    return max((len(s) for s in selectors if code.startswith(s)), default=0)


def _relative_posix(path: Path, root: Optional[Path]) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _check_codes(values: Iterable[str], where: str) -> None:
    codes = [rule.code for rule in all_rules()]
    for value in values:
        if not any(code.startswith(value) for code in codes) or not value.startswith("TFL"):
            hint = closest(value, codes)
            suggestion = f"; did you mean {hint!r}?" if hint else ""
            raise ConfigError(f"{where}: {value!r} matches no tf-lint rule code (codes look like TFL101){suggestion}")


def _check_target(value: object, where: str) -> str:
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if text not in TARGET_KERAS_VALUES:
        raise ConfigError(f"{where}: target-keras must be \"3\" (Keras 3) or \"2\" (tf-keras 2), got {value!r}")
    return text


def _check_tensorflow(value: object, where: str) -> str:
    text = value if isinstance(value, str) else ""  # a TOML float would read 2.10 as 2.1
    if not re.fullmatch(r"[12]\.[0-9]{1,2}", text):
        raise ConfigError(f"{where}: target-tensorflow must be a release as \"major.minor\", such as \"2.15\", got {value!r}")
    return text


def _check_size(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{where}: max-file-size must be a whole number of KiB, 0 for no limit, got {value!r}")
    return value


def _check_format(value: object, where: str) -> str:
    if value not in OUTPUT_FORMATS:
        raise ConfigError(f"{where}: output-format must be one of {', '.join(OUTPUT_FORMATS)}, got {value!r}")
    return str(value)


def _check_bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: must be true or false, got {value!r}")
    return value


def _string_list(table: Mapping[str, Any], key: str, where: str) -> Tuple[str, ...]:
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: '{key}' must be a list of strings, got {value!r}")
    return tuple(value)


def parse_table(table: Mapping[str, Any], source: Optional[Path] = None) -> Config:
    """Validate a ``[tool.tf-lint]`` table (already decoded from TOML)."""
    where = f"{source} [tool.{SECTION}]" if source else f"[tool.{SECTION}]"
    for key in table:
        if key not in KNOWN_KEYS:
            hint = closest(key, KNOWN_KEYS, cutoff=0.6)
            suggestion = f"; did you mean '{hint}'?" if hint else ""
            raise ConfigError(f"{where}: unknown key '{key}'{suggestion} (known keys: {', '.join(KNOWN_KEYS)})")
    lists = {key: _string_list(table, key, where) for key in _LIST_KEYS if key in table}
    for key in ("select", "extend-select", "ignore", "extend-ignore"):
        _check_codes(lists.get(key, ()), f"{where} '{key}'")
    per_file: List[Tuple[str, Tuple[str, ...]]] = []
    raw = table.get("per-file-ignores", {})
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: 'per-file-ignores' must be a table of pattern = [codes], got {raw!r}")
    for pattern, codes in raw.items():
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ConfigError(f"{where}: per-file-ignores '{pattern}' must be a list of codes, got {codes!r}")
        _check_codes(codes, f"{where} per-file-ignores '{pattern}'")
        per_file.append((pattern, tuple(codes)))
    return Config(
        select=lists.get("select"),
        extend_select=lists.get("extend-select", ()),
        ignore=(*lists.get("ignore", ()), *lists.get("extend-ignore", ())),
        exclude=(*lists.get("exclude", ()), *lists.get("extend-exclude", ())),
        per_file_ignores=tuple(per_file),
        root=source.parent if source else None,
        source=source,
        target_keras=_check_target(table["target-keras"], f"{where} 'target-keras'") if "target-keras" in table else None,
        target_tensorflow=_check_tensorflow(table["target-tensorflow"], f"{where} 'target-tensorflow'") if "target-tensorflow" in table else None,
        prefilter=_check_bool(table["prefilter"], f"{where} 'prefilter'") if "prefilter" in table else True,
        max_file_size=_check_size(table["max-file-size"], f"{where} 'max-file-size'")
        if "max-file-size" in table
        else DEFAULT_MAX_FILE_SIZE,
        notebooks=_check_bool(table["notebooks"], f"{where} 'notebooks'") if "notebooks" in table else True,
        follow_imports=_check_bool(table["follow-imports"], f"{where} 'follow-imports'") if "follow-imports" in table else True,
        output_format=_check_format(table["output-format"], f"{where} 'output-format'") if "output-format" in table else "text",
    )


def _read_toml(path: Path) -> Dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the config file: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


def _section(data: Mapping[str, Any]) -> Optional[Mapping[str, Any]]:
    tool = data.get("tool")
    return tool.get(SECTION) if isinstance(tool, dict) else None


def load_file(path: Path) -> Config:
    """Settings from an explicit ``--config`` file (a pyproject.toml or a bare tf-lint TOML)."""
    data = _read_toml(path)
    section = _section(data)
    if section is None:
        if path.name == "pyproject.toml":
            raise ConfigError(f"{path}: has no [tool.{SECTION}] table")
        section = data  # a dedicated file holds the keys at top level
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [tool.{SECTION}] must be a table")
    return parse_table(section, path.resolve())


def discover(start: Path) -> Config:
    """The nearest pyproject.toml with a [tool.tf-lint] table, walking up from ``start``."""
    directory = start.resolve()
    if not directory.is_dir():
        directory = directory.parent
    for candidate_dir in (directory, *directory.parents):
        candidate = candidate_dir / "pyproject.toml"
        if candidate.is_file():
            section = _section(_read_toml(candidate))
            if section is not None:
                if not isinstance(section, dict):
                    raise ConfigError(f"{candidate}: [tool.{SECTION}] must be a table")
                return parse_table(section, candidate)
    return Config()
