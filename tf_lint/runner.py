"""Lint files under a configuration: read, lint, then apply selection, per-file-ignores and noqa."""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, TextIO, Tuple, Union

from tf_lint.cache import ResultCache
from tf_lint.config import Config
from tf_lint.diagnostics import Diagnostic
from tf_lint.engine import lint_source, parse_error, tool_diagnostic
from tf_lint.files import ReadFailure, SourceText, decode_source, read_bytes
from tf_lint.noqa import filter_noqa
from tf_lint.notebooks import BrokenCell, Notebook, NotebookError, parse_notebook, to_cells
from tf_lint.project.index import ProjectIndex
from tf_lint.project.settings import FileSettings, file_settings, project_settings
from tf_lint.project.settings import forget as forget_projects

_MIN_FILES_PER_JOB = 4  # below this, starting processes costs more than it saves


@dataclass
class RunResult:
    diagnostics: List[Diagnostic] = field(default_factory=list)
    files_checked: int = 0


def _codes_for(config: Config, enabled: FrozenSet[str], path: Optional[Path]) -> FrozenSet[str]:
    """The enabled codes minus what per-file-ignores removes for ``path``."""
    ignored = tuple(config.ignored_for(path)) if path is not None else ()
    return frozenset(c for c in enabled if not c.startswith(ignored)) if ignored else enabled


def check_text(
    text: str, display: str, config: Config, enabled: FrozenSet[str], path: Optional[Path] = None, pins: str = ""
) -> List[Diagnostic]:
    """Diagnostics for one decoded source, filtered the way the user configured. With a
    ``path``, the file is checked against its project's target versions and its questions
    follow imports into the project's other modules. ``pins``: a notebook's magic and shell
    lines, which may install the versions it runs on."""
    codes = _codes_for(config, enabled, path)
    settings = settings_for(config, path, text, display, pins)
    view = project_index(config).start(path) if path is not None and config.follow_imports else None
    found = lint_source(
        text, display, codes, target_keras=settings.keras, target_tensorflow=settings.tensorflow, project=view,
        tf1_possible=settings.tf1_possible, **config.engine_options(),
    )
    return filter_noqa(text, [d for d in found if d.code in codes])


def settings_for(config: Config, path: Optional[Path], text: str, display: str = "", pins: str = "") -> FileSettings:
    """The versions one file is checked against: its project's, unless the file or the config says."""
    project = project_settings(path) if path is not None else None
    return file_settings(project, text, display or str(path), config.target_keras, config.target_tensorflow, pins)


_INDEXES: Dict[Tuple[Optional[str], Optional[str]], ProjectIndex] = {}


def project_index(config: Config, fresh: bool = False) -> ProjectIndex:
    """This process's index of project modules for the configured targets (made on first use;
    ``fresh`` starts a new one, as each run does, so files created or removed since are seen)."""
    key = (config.target_keras, config.target_tensorflow)
    if fresh or key not in _INDEXES:
        _INDEXES[key] = ProjectIndex(lambda path, text: settings_for(config, path, text))
    return _INDEXES[key]


def check_read(
    result: Union[SourceText, ReadFailure], display: str, config: Config, enabled: FrozenSet[str], path: Optional[Path]
) -> List[Diagnostic]:
    if isinstance(result, ReadFailure):
        return _selected(tool_diagnostic(display, result.code, 1, 0, **result.fields), config, enabled, path)
    if is_notebook(path or display):
        return check_notebook(result.text, display, config, enabled, path)
    return check_text(result.text, display, config, enabled, path)


def _selected(diagnostic: Diagnostic, config: Config, enabled: FrozenSet[str], path: Optional[Path]) -> List[Diagnostic]:
    """A diagnostic about the whole file, kept only when its code is enabled for the file."""
    return [diagnostic] if diagnostic.code in _codes_for(config, enabled, path) else []


def is_notebook(path: Union[str, Path]) -> bool:
    return str(path).endswith(".ipynb")


def check_notebook(text: str, display: str, config: Config, enabled: FrozenSet[str], path: Optional[Path] = None) -> List[Diagnostic]:
    """A notebook's code cells linted as one module; findings carry their cell and line. A
    cell that does not parse gets its own TFL901 and the other cells are linted without it."""
    try:
        notebook, broken = read_notebook(text)
    except NotebookError as error:
        return _selected(tool_diagnostic(display, "TFL905", 1, 0, detail=str(error)), config, enabled, path)
    found = check_text(notebook.source, display, config, enabled, path, notebook.magic_lines())
    return to_cells(sorted(found + broken_cells(notebook, broken, display, config, enabled, path)), notebook)


def broken_cells(
    notebook: Notebook, broken: List[BrokenCell], display: str, config: Config, enabled: FrozenSet[str], path: Optional[Path]
) -> List[Diagnostic]:
    """One TFL901 per cell that does not parse (none for a Python 2 kernel, which runs what
    Python 3 cannot parse, nor for an exercise cell left for the reader to complete)."""
    if notebook.python2:
        return []
    found: List[Diagnostic] = []
    for cell in broken:
        if cell.exercise:
            continue
        diagnostic = tool_diagnostic(display, "TFL901", cell.line, cell.col, what="cell", detail=f"{cell.error} (the other cells were linted)")
        found.extend(_selected(diagnostic, config, enabled, path))
    return found


def read_notebook(text: str) -> Tuple[Notebook, List[BrokenCell]]:
    """The notebook's code cells, the cells that do not parse blanked out (NotebookError if the
    file is not a notebook). The joined cells are parsed first; cells one by one only when that
    fails."""
    notebook = parse_notebook(text)
    if parse_error(notebook.source) is None:
        return notebook, []
    return notebook, notebook.isolate_broken_cells(parse_error)


def _cached(path: Path, data: bytes, config: Config, enabled: FrozenSet[str], cache: ResultCache) -> Tuple[str, Optional[List[Diagnostic]]]:
    project = project_settings(path)
    # The file's place counts too: the same bytes elsewhere import other modules.
    settings = f"{config.engine_settings()};keras={project.keras.value};tensorflow={project.tensorflow.value};at={path.resolve()}"
    key = cache.key(data, _codes_for(config, enabled, path), settings)
    return key, cache.get(key, str(path))


def _check_file(path: Path, config: Config, enabled: FrozenSet[str], cache: Optional[ResultCache]) -> List[Diagnostic]:
    display = str(path)
    data = read_bytes(path)
    if isinstance(data, ReadFailure):
        return check_read(data, display, config, enabled, path)
    if cache is None:
        return check_read(decode_source(data), display, config, enabled, path)
    key, found = _cached(path, data, config, enabled, cache)
    if found is None:
        found = check_read(decode_source(data), display, config, enabled, path)
        if not any(d.code == "TFL999" for d in found):  # never keep a crash: it may be fixed next run
            cache.put(key, found, project_index(config).dependencies())
    return found


def _split_by_cache(
    paths: List[Path], config: Config, enabled: FrozenSet[str], cache: ResultCache
) -> Tuple[List[Diagnostic], List[Path]]:
    """Findings of the files the cache knows, and the files still to lint. Done here, before
    any worker starts: a warm run with nothing changed must not pay for starting processes."""
    known: List[Diagnostic] = []
    pending: List[Path] = []
    for path in paths:
        data = read_bytes(path)
        found = None if isinstance(data, ReadFailure) else _cached(path, data, config, enabled, cache)[1]
        if found is None:
            pending.append(path)
        else:
            known.extend(found)
    return known, pending


def _check_chunk(paths: List[Path], config: Config, cache: Optional[ResultCache]) -> List[Diagnostic]:
    """Worker entry point: lint a batch of files in a child process."""
    enabled = config.enabled_codes()
    found: List[Diagnostic] = []
    for path in paths:
        found.extend(_check_file(path, config, enabled, cache))
    return found


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def check_paths(
    files: Iterable[Path], config: Config, jobs: int = 1, cache: Optional[ResultCache] = None, progress: Optional[TextIO] = None
) -> RunResult:
    """Lint ``files``; with ``jobs`` > 1 in that many processes, with ``cache`` skipping files
    whose results are known. The output is sorted, so it is identical either way. With
    ``progress`` (a terminal), a progress bar goes there when many files need linting."""
    paths = list(files)
    run = RunResult(files_checked=len(paths))
    enabled = config.enabled_codes()
    forget_projects()  # a run reads projects afresh (a long-lived caller may have seen them change)
    project_index(config, fresh=True)
    if cache is not None:
        run.diagnostics, paths = _split_by_cache(paths, config, enabled, cache)
    with _progress_bar(len(paths), progress) as bar:
        _lint_pending(paths, config, enabled, jobs, cache, run, bar)
    run.diagnostics.sort()
    return run


PROGRESS_THRESHOLD = 200  # files; below this a run is over before a bar would help


@contextlib.contextmanager
def _progress_bar(total: int, stream: Optional[TextIO]) -> Iterator[Callable[[int], object]]:
    if stream is None or total <= PROGRESS_THRESHOLD:
        yield lambda count: None
        return
    from tqdm import tqdm

    with tqdm(total=total, file=stream, unit="file", leave=False, dynamic_ncols=True) as bar:
        yield bar.update


def _lint_pending(
    paths: List[Path], config: Config, enabled: FrozenSet[str], jobs: int, cache: Optional[ResultCache], run: RunResult,
    advance: Callable[[int], object],
) -> None:
    workers = min(jobs, len(paths) // _MIN_FILES_PER_JOB)
    if workers <= 1:
        for path in paths:
            run.diagnostics.extend(_check_file(path, config, enabled, cache))
            advance(1)
    else:
        # Interleaved chunks spread big and small files; a few chunks per worker balance the load.
        chunks = [paths[i :: workers * 4] for i in range(workers * 4)]
        # "spawn", not fork: forking a process that has threads (a caller that imported JAX or
        # TensorFlow) can deadlock the children.
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for chunk, found in zip(chunks, pool.map(_check_chunk, chunks, [config] * len(chunks), [cache] * len(chunks))):
                run.diagnostics.extend(found)
                advance(len(chunk))


def check_stdin(data: bytes, display: str, config: Config) -> RunResult:
    enabled = config.enabled_codes()
    path = Path(display) if display != "-" else None
    diagnostics = check_read(decode_source(data), display, config, enabled, path)
    return RunResult(sorted(diagnostics), 1)
