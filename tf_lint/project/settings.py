"""The Keras and TensorFlow versions a project targets, inferred from what it declares.

Precedence, for Keras: ``target-keras`` in the config (or ``--target-keras``) wins; then
``TF_USE_LEGACY_KERAS`` set to a true value in the project (tf.keras is then tf-keras 2); then
a ``keras`` requirement entirely below or above 3; then ``tf-keras`` among the dependencies;
then a TensorFlow requirement entirely below 2.16 (whose tf.keras is Keras 2). Nothing found:
Keras 3, the default. For TensorFlow: ``target-tensorflow``, else the newest minor release the
TensorFlow requirement allows (``tensorflow>=2.9,<2.16`` -> 2.15), else none (the newest).
Every inference carries the file and line it came from, for ``tf-lint --show-settings``.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Iterator, List, NamedTuple, Optional, Tuple

from tf_lint.project.metadata import all_requirements, read_text
from tf_lint.project.requirements import (
    KERAS_2_COMPANIONS,
    KERAS_PACKAGES,
    TENSORFLOW_PACKAGES,
    TF_KERAS_PACKAGES,
    Requirement,
    first_for,
    parse_requirement,
)
from tf_lint.project.root import ProjectRoot, find_root, forget_roots, marker_in

DEFAULT_KERAS = "3"
KERAS_3_TF = (2, 16)  # the first TensorFlow whose tf.keras is Keras 3
_LAST_TF1 = (1, 15)  # the last TensorFlow 1 release

# ``os.environ["TF_USE_LEGACY_KERAS"] = "1"``, ``setdefault("TF_USE_LEGACY_KERAS", "True")``,
# ``TF_USE_LEGACY_KERAS=1`` in tox.ini or pytest-env, ``%env TF_USE_LEGACY_KERAS=1``. TensorFlow
# reads the variable as true for "1", "true" and "True" (tensorflow/python/util/lazy_loader.py).
_LEGACY_SETTING = re.compile(r"""TF_USE_LEGACY_KERAS["']?\s*\]?\s*(?:=|:|,)\s*["']?(?:1|true|True)\b""")
# Files where a project sets environment variables for all its code.
_ENV_CONFIG_FILES = ("setup.py", "setup.cfg", "tox.ini", "pytest.ini", "pyproject.toml", ".env", "sitecustomize.py")
_ENV_CODE_NAMES = ("__init__.py", "conftest.py")
_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "__pycache__", "node_modules", "site-packages", "build", "dist", ".eggs"})
_MAX_ENV_FILES = 2000  # __init__/conftest files read at most per project


class Evidence(NamedTuple):
    """Where a setting was read: file relative to the project root, 1-based line, the text."""

    file: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.text}"


class Inferred(NamedTuple):
    value: Optional[str]  # "2"/"3" for Keras, "2.15" for TensorFlow; None: not known
    how: str  # "config", "inferred", "default"
    evidence: Optional[Evidence] = None
    reason: str = ""


class ProjectSettings(NamedTuple):
    """What one project declares, before the user's configuration is applied."""

    root: ProjectRoot
    keras: Inferred
    tensorflow: Inferred
    tf2_required: bool = False  # its TensorFlow requirement excludes every 1.x release


def legacy_setting(text: str) -> Optional[Tuple[int, str]]:
    """The line and text where ``text`` turns ``TF_USE_LEGACY_KERAS`` on, if it does."""
    if "TF_USE_LEGACY_KERAS" not in text:
        return None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith(("#", "//")) or _LEGACY_SETTING.search(line) is None:
            continue
        return number, stripped
    return None


def _env_files(root: Path) -> Iterator[Path]:
    for name in _ENV_CONFIG_FILES:
        path = root / name
        if path.is_file():
            yield path
    count = 0
    for directory, subdirs, files in os.walk(root):
        here = Path(directory)
        # Not into virtualenvs, tool folders or nested projects (their own metadata rules there).
        subdirs[:] = sorted(
            d for d in subdirs
            if d not in _SKIPPED_DIRS and not d.startswith(".") and not (here / d / "pyvenv.cfg").exists() and marker_in(here / d) is None
        )
        for name in sorted(files):
            if name in _ENV_CODE_NAMES:
                count += 1
                if count > _MAX_ENV_FILES:
                    return
                yield Path(directory) / name


def _legacy_evidence(root: Path) -> Optional[Evidence]:
    for path in _env_files(root):
        text = read_text(path)
        found = legacy_setting(text) if text else None
        if found is not None:
            return Evidence(path.relative_to(root).as_posix(), found[0], found[1])
    return None


def _keras_from(requirements: List[Requirement], legacy: Optional[Evidence]) -> Inferred:
    if legacy is not None:
        return Inferred("2", "inferred", legacy, "TF_USE_LEGACY_KERAS makes tf.keras tf-keras 2")
    keras = first_for(requirements, KERAS_PACKAGES)
    if keras is not None and keras.range.below((3,)):
        return Inferred("2", "inferred", _evidence(keras), "a keras release below 3 is required")
    if keras is not None and keras.range.at_least((3,)):
        return Inferred("3", "inferred", _evidence(keras), "a keras release of 3 or newer is required")
    tf_keras = first_for(requirements, TF_KERAS_PACKAGES)
    if tf_keras is not None:
        return Inferred("2", "inferred", _evidence(tf_keras), "the project depends on tf-keras (Keras 2)")
    companion = first_for(requirements, KERAS_2_COMPANIONS)
    if companion is not None:
        return Inferred("2", "inferred", _evidence(companion), "the project depends on a Keras 2 companion package")
    tensorflow = first_for(requirements, TENSORFLOW_PACKAGES)
    if tensorflow is not None and tensorflow.range.below(KERAS_3_TF):
        return Inferred("2", "inferred", _evidence(tensorflow), "TensorFlow below 2.16 ships Keras 2 as tf.keras")
    if tensorflow is not None and tensorflow.range.at_least(KERAS_3_TF):
        return Inferred("3", "inferred", _evidence(tensorflow), "TensorFlow 2.16 and newer ship Keras 3 as tf.keras")
    return Inferred(None, "default", None, "nothing in the project says")


def _tensorflow_from(requirements: List[Requirement]) -> Inferred:
    tensorflow = first_for(requirements, TENSORFLOW_PACKAGES)
    newest = tensorflow.range.newest_minor() if tensorflow is not None else None
    if tensorflow is not None and newest is None and tensorflow.range.below((2, 0)):
        newest = _LAST_TF1  # `tensorflow<2`: any TF 1, whose last release is 1.15
    if tensorflow is None or newest is None:
        return Inferred(None, "default", _evidence(tensorflow) if tensorflow else None, "no upper bound on TensorFlow" if tensorflow else "nothing in the project says")
    return Inferred(f"{newest[0]}.{newest[1]}", "inferred", _evidence(tensorflow), "the newest TensorFlow release the requirement allows")


def _evidence(requirement: Requirement) -> Evidence:
    return Evidence(requirement.file, requirement.line, requirement.text)


@functools.lru_cache(maxsize=256)
def _settings_of_root(root: ProjectRoot) -> ProjectSettings:
    requirements = all_requirements(root.path) if root.marker else []
    legacy = _legacy_evidence(root.path) if root.marker else None
    return ProjectSettings(root, _keras_from(requirements, legacy), _tensorflow_from(requirements), _requires_tf2(requirements))


def _requires_tf2(requirements: List[Requirement]) -> bool:
    tensorflow = first_for(requirements, TENSORFLOW_PACKAGES)
    return tensorflow is not None and tensorflow.range.at_least((2, 0))


def project_settings(path: Path) -> ProjectSettings:
    """The settings of the project ``path`` belongs to (memoised per project root)."""
    return _settings_of_root(find_root(path))


class FileSettings(NamedTuple):
    """The versions one file is checked against, after the config and the file itself."""

    keras: str
    tensorflow: Optional[str]
    keras_how: Inferred
    tensorflow_how: Inferred
    tf1_possible: bool = True  # nothing says TensorFlow 2: code written for TF 1 may be meant so


# A notebook's own pins: `%tensorflow_version 1.x` (Colab), `!pip install tensorflow==2.9.*`.
_TF_VERSION_MAGIC = re.compile(r"^\s*%tensorflow_version\s+([12])(?:\.x)?\b")
_PIP_INSTALL = re.compile(r"\bpip3?\s+install\s+(.*)$")


def notebook_pins(magics: str, display: str) -> List[Requirement]:
    """The TensorFlow/Keras requirements a notebook's magics and shell lines install."""
    found: List[Requirement] = []
    for number, line in enumerate(magics.splitlines(), 1):
        version = _TF_VERSION_MAGIC.match(line)
        if version is not None:
            major = int(version.group(1))
            pinned = parse_requirement(f"tensorflow>={major},<{major + 1}", display, number)
            if pinned is not None:
                found.append(pinned._replace(text=line.strip()))
            continue
        install = _PIP_INSTALL.search(line)
        if install is None:
            continue
        for token in install.group(1).split():
            token = token.strip("\"'")
            if token.startswith("-") or not token:
                continue
            requirement = parse_requirement(token, display, number)
            if requirement is not None and requirement.name in TENSORFLOW_PACKAGES | KERAS_PACKAGES | TF_KERAS_PACKAGES:
                found.append(requirement._replace(text=line.strip()))
    return found


def file_settings(
    project: Optional[ProjectSettings],
    source: str,
    display: str,
    target_keras: Optional[str],
    target_tensorflow: Optional[str],
    pins: str = "",
) -> FileSettings:
    """Apply the file's own pins (a notebook's ``%tensorflow_version``/``pip install``) and
    ``TF_USE_LEGACY_KERAS``, then the user's configuration, which wins."""
    keras = project.keras if project is not None else Inferred(None, "default", None, "no project")
    tensorflow = project.tensorflow if project is not None else Inferred(None, "default", None, "no project")
    # Without a project (standard input with no file name) nothing says TF 1 was meant.
    tf2_required = project.tf2_required if project is not None else True
    own = notebook_pins(pins, display) if pins else []
    if own:
        own_keras, own_tensorflow = _keras_from(own, None), _tensorflow_from(own)
        keras = own_keras if own_keras.value is not None else keras
        tensorflow = own_tensorflow if own_tensorflow.value is not None else tensorflow
        tf2_required = _requires_tf2(own) or (tf2_required and not any(r.range.below((2,)) for r in own))
    if target_tensorflow is not None:
        tensorflow = Inferred(target_tensorflow, "config", None, "target-tensorflow")
        tf2_required = not target_tensorflow.startswith("1.")
    if target_keras is not None:
        keras = Inferred(target_keras, "config", None, "target-keras")
    else:
        legacy = legacy_setting(source)
        if legacy is not None:
            keras = Inferred("2", "inferred", Evidence(display, legacy[0], legacy[1]), "this file sets TF_USE_LEGACY_KERAS")
        elif keras.how == "default" and tensorflow.how == "config" and _older_than_keras_3(tensorflow.value):
            keras = Inferred("2", "inferred", None, f"target-tensorflow {tensorflow.value} ships Keras 2 as tf.keras")
    # target-keras 3 says TensorFlow 2 too; a TF 1 pin makes the question moot (target 1.x).
    tf1_possible = not tf2_required and target_keras != "3" and (tensorflow.value is None or tensorflow.value.startswith("1."))
    return FileSettings(keras.value or DEFAULT_KERAS, tensorflow.value, keras, tensorflow, tf1_possible)


def _older_than_keras_3(version: Optional[str]) -> bool:
    if version is None:
        return False
    parts = tuple(int(p) for p in version.split(".")[:2])
    return parts < KERAS_3_TF


def forget() -> None:
    """Drop what was read of projects (their roots and metadata): a new run reads them again."""
    _settings_of_root.cache_clear()
    forget_roots()
