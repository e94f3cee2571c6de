"""Results of unchanged files, kept between runs in ``.tf_lint_cache/``.

A file's findings depend on its bytes and place, the codes enabled for it, the engine
settings (target versions, prefilter, size limit), tf-lint itself (its code and its generated
data), and the other modules of the project its questions read (``project.index``). The key
hashes the first four; the entry lists the modules read with the hash of their bytes (and the
imports that found no module), and is used only while those still hold. Any change is a miss. Entries are written atomically (temporary file +
rename), so concurrent runs never see half an entry, and an unreadable or corrupt entry is a
miss that gets rewritten. The folder carries its own ``.gitignore``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Tuple

from tf_lint.diagnostics import Diagnostic, Fix, Severity
from tf_lint.files import ReadFailure, read_bytes
from tf_lint.project.dependencies import Dependencies, digest, stamp
from tf_lint.project.modules import ModuleResolver
from tf_lint.project.root import find_root

CACHE_DIR_NAME = ".tf_lint_cache"
_FORMAT = "3"  # bump when the entry layout changes


def _tool_fingerprint() -> str:
    """tf-lint's own code and data: size and mtime of every file of the package."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(_FORMAT.encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json") and path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


class ResultCache:
    """Per-file findings keyed by content and everything else that shapes them. Picklable."""

    def __init__(self, root: Path) -> None:
        self.directory = root / CACHE_DIR_NAME
        self.salt = _tool_fingerprint()
        self.enabled = self._prepare()

    def _prepare(self) -> bool:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by tf-lint: cached results, safe to delete.\n*\n", encoding="utf-8")
            return True
        except OSError:
            return False  # read-only checkout: lint without a cache

    def key(self, data: bytes, codes: FrozenSet[str], settings: str) -> str:
        digest = hashlib.sha256(self.salt.encode())
        digest.update(",".join(sorted(codes)).encode())
        digest.update(b"\0" + settings.encode() + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _entry(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key[2:]}.json"

    def get(self, key: str, display: str) -> Optional[List[Diagnostic]]:
        if not self.enabled:
            return None
        try:
            raw = json.loads(self._entry(key).read_text(encoding="utf-8"))
            if not _still_holds(raw["deps"]):
                return None  # a module the findings read has changed: lint again
            return [_decode(item, display) for item in raw["found"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or corrupt: lint again and rewrite

    def put(self, key: str, diagnostics: List[Diagnostic], deps: Optional[Dependencies] = None) -> None:
        if not self.enabled:
            return
        entry = self._entry(key)
        try:
            entry.parent.mkdir(exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                deps = deps or Dependencies()
                record = {"deps": {"files": deps.files, "misses": deps.misses}, "found": [_encode(d) for d in diagnostics]}
                json.dump(record, stream)
            os.replace(temporary, entry)
        except OSError:
            pass


_HASHES: Dict[Tuple[str, int, int], str] = {}  # (path, mtime, size) -> sha256: each file read once per run


def file_hash(path: str) -> str:
    """The sha256 of the file's bytes ("" when it cannot be read); memoised by (mtime, size)
    unless the file changed too recently for those to tell."""
    stamped = stamp(path)
    key = (path, *stamped) if stamped is not None else None
    if key is None or key not in _HASHES:
        data = read_bytes(path)
        found = "" if isinstance(data, ReadFailure) else digest(data)
        if key is None:
            return found
        _HASHES[key] = found
    return _HASHES[key]


def _still_holds(deps: Dict[str, Any]) -> bool:
    """Every module the findings read has the same bytes, every import that found no module
    still finds none."""
    if any(file_hash(path) != sha for path, sha in deps["files"]):
        return False
    for importer, written in deps["misses"]:
        path = Path(importer)
        if ModuleResolver(find_root(path).path).find(path, written) is not None:
            return False
    return True


def _encode(diagnostic: Diagnostic) -> Dict[str, Any]:
    fix = diagnostic.fix
    return {
        "line": diagnostic.line,
        "col": diagnostic.col,
        "code": diagnostic.code,
        "message": diagnostic.message,
        "severity": diagnostic.severity.value,
        "end": [diagnostic.end_line, diagnostic.end_col],
        "fix": None if fix is None else [fix.replacement, fix.safe, fix.title],
        "cell": [diagnostic.cell, diagnostic.cell_line, diagnostic.cell_end_line],
    }


def _decode(item: Dict[str, Any], display: str) -> Diagnostic:
    fix = item["fix"]
    return Diagnostic(
        display,
        int(item["line"]),
        int(item["col"]),
        str(item["code"]),
        str(item["message"]),
        Severity(item["severity"]),
        int(item["end"][0]),
        int(item["end"][1]),
        None if fix is None else Fix(str(fix[0]), bool(fix[1]), str(fix[2])),
        int(item["cell"][0]),
        int(item["cell"][1]),
        int(item["cell"][2]),
    )
