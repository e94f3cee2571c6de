"""Validate a run's findings: slice each one, run the probes apart, judge, cache.

Only findings whose rule registered a validator are touched. The slices are plain data; the
jobs of a run go to one child process (or a few, if one dies), results are cached on disk by
(job, backend, versions, device, limits), so a second run with nothing changed runs nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO, Tuple, Union

import libcst as cst

from tf_lint.diagnostics import Diagnostic
from tf_lint.validate.checks import Check, Site
from tf_lint.validate.sandbox import CHILD, Options, choose_backend, gpu_present, run_jobs
from tf_lint.validate.slicer import SourceIndex
from tf_lint.validate.validators import validator_for
from tf_lint.validate.verdicts import Runtime, Verdict, inconclusive

SourceReader = Callable[[str], Optional[str]]  # display path -> the text the findings refer to
_CACHE_FORMAT = "1"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


class OutcomeCache:
    """Child outcomes on disk, keyed by the job and everything about the runtime that could
    change it. Crashes and timeouts are never kept: they may not happen next time."""

    def __init__(self, directory: Optional[Path], backend: str, options: Options) -> None:
        self.directory = directory
        settings = {
            "format": _CACHE_FORMAT,
            "backend": backend,
            "keras": _version("keras"),
            "backend_version": _version(backend),
            "device": options.device,
            "gpu": gpu_present(),
            "python": options.python,
            "memory": options.memory_mb,
            "child": hashlib.sha256(CHILD.read_bytes()).hexdigest(),
        }
        self.salt = json.dumps(settings, sort_keys=True)

    def key(self, job: Dict[str, Any]) -> str:
        return hashlib.sha256((self.salt + json.dumps(job, sort_keys=True)).encode()).hexdigest()

    def get(self, key: str) -> Optional[Tuple[Optional[Runtime], Dict[str, Any]]]:
        if self.directory is None:
            return None
        try:
            entry = json.loads((self.directory / f"{key}.json").read_text(encoding="utf-8"))
            runtime = Runtime(**entry["runtime"]) if entry["runtime"] else None
            return runtime, dict(entry["outcome"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, runtime: Optional[Runtime], outcome: Dict[str, Any]) -> None:
        if self.directory is None or outcome.get("status") in ("crashed", "probe-error"):
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump({"runtime": None if runtime is None else runtime._asdict(), "outcome": outcome}, stream)
            os.replace(temporary, self.directory / f"{key}.json")
        except OSError:
            pass


class _Progress:
    """``validating 2/5 checks`` on a terminal, rewritten in place and cleared at the end."""

    def __init__(self, stream: Optional[TextIO], total: int) -> None:
        self.stream, self.total, self.done = stream, total, 0

    def show(self) -> None:
        if self.stream is not None and self.total:
            first = " (the first one starts Keras)" if self.done == 0 else ""
            self.stream.write(f"\r\033[Ktf-lint: validating {self.done}/{self.total} checks{first}")
            self.stream.flush()

    def advance(self, _job_id: str) -> None:
        self.done += 1
        self.show()

    def clear(self) -> None:
        if self.stream is not None and self.total:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _indexes(reader: SourceReader) -> Callable[[str], Union[SourceIndex, str]]:
    parsed: Dict[str, Union[SourceIndex, str]] = {}

    def index_of(path: str) -> Union[SourceIndex, str]:
        if path not in parsed:
            text = reader(path)
            if text is None:
                parsed[path] = f"cannot re-read {path}"
            else:
                try:
                    parsed[path] = SourceIndex(text)
                except cst.ParserSyntaxError:
                    parsed[path] = f"{path} does not parse"
        return parsed[path]

    return index_of


def plan(
    diagnostics: Sequence[Diagnostic], reader: SourceReader, threshold: float, keras_of: Callable[[str], str] = lambda path: "3"
) -> Tuple[List[Optional[Verdict]], Dict[int, Check]]:
    """The verdicts known without running anything, and the checks to run, by position.
    A validator that fails is a bug in tf-lint: its finding gets an inconclusive verdict
    saying so, and the run goes on."""
    verdicts: List[Optional[Verdict]] = [None] * len(diagnostics)
    checks: Dict[int, Check] = {}
    index_of = _indexes(reader)
    for position, diagnostic in enumerate(diagnostics):
        validate = validator_for(diagnostic.code)
        if validate is None:
            continue
        index = index_of(diagnostic.path)
        if isinstance(index, str):
            verdicts[position] = inconclusive(index)
            continue
        node = index.node_at(diagnostic.line, diagnostic.col, diagnostic.end_line, diagnostic.end_col)
        if node is None:
            verdicts[position] = inconclusive("the flagged code was not found again in the file")
            continue
        if keras_of(diagnostic.path) == "2" or (index.imports.legacy_keras and not index.imports.modern_keras):
            verdicts[position] = inconclusive("the file targets Keras 2 (tf_keras); the validator runs Keras 3")
            continue
        try:
            result = validate(Site(diagnostic, index, node, threshold))
            if isinstance(result, Check):
                json.dumps(result.job)  # the job must travel as JSON
        except Exception as error:  # noqa: BLE001 - one broken check must not end the run
            verdicts[position] = inconclusive(f"the validator failed ({type(error).__name__}: {str(error)[:200]}); please report it")
            continue
        if isinstance(result, Verdict):
            verdicts[position] = result
        else:
            checks[position] = result
    return verdicts, checks


def validate(
    diagnostics: Sequence[Diagnostic],
    reader: SourceReader,
    options: Options,
    cache_dir: Optional[Path] = None,
    progress: Optional[TextIO] = None,
    keras_of: Callable[[str], str] = lambda path: "3",
) -> List[Optional[Verdict]]:
    """One verdict per diagnostic, None where its rule has no validator. ``keras_of`` says
    which Keras a file targets (a project on Keras 2 cannot be checked on Keras 3)."""
    verdicts, checks = plan(diagnostics, reader, options.threshold, keras_of)
    if not checks:
        return verdicts
    backend, why_not = choose_backend(options.backend)
    if backend is None:
        for position in checks:
            verdicts[position] = inconclusive(why_not)
        return verdicts
    cache = OutcomeCache(cache_dir, backend, options)
    keys = {position: cache.key(check.job) for position, check in checks.items()}
    known: Dict[str, Tuple[Optional[Runtime], Dict[str, Any]]] = {}
    jobs: Dict[str, Dict[str, Any]] = {}
    for position, key in keys.items():
        cached = cache.get(key)
        if cached is not None:
            known[key] = cached
        elif key not in jobs:
            jobs[key] = {**checks[position].job, "id": key}
    if jobs:
        bar = _Progress(progress, len(jobs))
        bar.show()
        try:
            result = run_jobs(jobs.values(), backend, options, bar.advance)
        finally:
            bar.clear()
        for key, outcome in result.outcomes.items():
            known[key] = (result.runtime, outcome)
            cache.put(key, result.runtime, outcome)
    for position, check in checks.items():
        runtime, outcome = known[keys[position]]
        verdict = check.judge(outcome)
        evidence = f"{verdict.evidence} ({check.note})" if check.note else verdict.evidence
        verdicts[position] = verdict._replace(evidence=evidence, runtime=runtime)
    return verdicts
