"""The ecosystem check: tf-lint on pinned public TensorFlow/Keras repositories, as ruff runs one.

    python benchmarks/ecosystem/check.py checkout [--only OWNER/NAME,...] [--force]
    python benchmarks/ecosystem/check.py run --tf-lint PATH --out DIR
    python benchmarks/ecosystem/check.py diff OLD_OUT NEW_OUT
    python benchmarks/ecosystem/check.py compare --old PATH --new PATH --out DIR
    python benchmarks/ecosystem/check.py triage-check [--triage FILE] OUT [--write-missing FILE]

``repos.json`` (beside this file) pins each repository: its commit, the paths its users would
lint and why it is in the set (REPOS.md is the same table for people). ``checkout`` writes
each one, at its commit, from the bare mirror the ``fetch`` tool brings
(``/work/.mirror/<owner>+<name>/repo``; ``--mirrors`` or ``$TF_LINT_ECOSYSTEM_MIRRORS`` for
another folder, or any ``git clone --bare``) into ``.ecosystem/checkouts/<owner>__<name>/``,
which git ignores: fetched code is never committed. ``run`` lints every checkout with the
tf-lint named by ``--tf-lint`` (an executable, or a virtualenv that has one), as the
repository's users would (cwd = the checkout, the pinned command) plus
``--format json --no-cache --exit-zero -q``, and writes ``<out>/<owner>__<name>.json`` (the
findings) and ``<out>/summary.json`` (wall time, files, lines of code, exit status, crashes,
TFL999). ``diff`` prints the findings one run has and the other lacks; ``compare`` runs two
tf-lints and diffs them. ``triage-check`` joins a run's findings with the triage verdicts
(``triage.tsv``) and prints precision per code and findings per kLOC as Markdown.

Standard library only (Python 3.9+); nothing here runs in CI.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
DEFAULT_REPOS = HERE / "repos.json"
DEFAULT_TRIAGE = HERE / "triage.tsv"
DEFAULT_WORK = PROJECT / ".ecosystem"
DEFAULT_MIRRORS = Path(os.environ.get("TF_LINT_ECOSYSTEM_MIRRORS", "/work/.mirror"))
RUN_FLAGS = ("--format", "json", "--no-cache", "--exit-zero", "-q")
TRIAGE_HEADER = ("repository", "path", "cell", "line", "code", "verdict", "reason")
VERDICTS = ("TP", "FP")
# Directories tf-lint never walks into (tf_lint.files.DEFAULT_EXCLUDES), mirrored here only to
# count the files and lines a run covers; the findings always come from tf-lint itself.
WALK_EXCLUDES = (
    ".git", ".hg", ".svn", ".bzr", ".tox", ".nox", ".venv", "venv", ".eggs", "*.egg-info",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints",
    "build", "dist", "site-packages", "node_modules", "_build", "buck-out",
)
ML_MARKER = re.compile(r"tensorflow|keras")
# The checkouts live inside this project, and tf-lint looks for the nearest pyproject.toml
# with a [tool.tf-lint] table by walking up from the linted paths: without this stop it would
# reach tf-lint's own pyproject.toml (extend-select TFL001, exclude "examples") for every
# repository that has no table of its own.
CONFIG_STOP = """\
# Written by benchmarks/ecosystem/check.py. An empty [tool.tf-lint] table, so that tf-lint's
# configuration search from a checkout below stops here (defaults) instead of reaching the
# tf-lint project's own pyproject.toml. A repository's own table, if it has one, is nearer.
[tool.tf-lint]
"""


# ---------------------------------------------------------------------------- the pinned set


@dataclass(frozen=True)
class Repo:
    """One pinned repository: where it comes from, what of it is linted, and why it is here."""

    name: str  # owner/name
    commit: str
    paths: Tuple[str, ...]  # what its users would lint, relative to the repository root
    category: str
    why: str
    keras: str  # the Keras/TensorFlow its requirements target, for the triage

    @property
    def slug(self) -> str:
        """``owner__name``: the folder and file name used for this repository."""
        return self.name.replace("/", "__")

    @property
    def command(self) -> str:
        """The command a user would run from the repository root."""
        return "tf-lint " + " ".join(self.paths)


def load_repos(path: Path, only: Optional[str] = None) -> List[Repo]:
    """The repositories pinned in ``path`` (JSON), optionally only those named in ``only``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    repos = [
        Repo(
            name=entry["repo"],
            commit=entry["commit"],
            paths=tuple(entry.get("paths") or ["."]),
            category=entry["category"],
            why=entry.get("why", ""),
            keras=entry.get("keras", ""),
        )
        for entry in data["repos"]
    ]
    if only:
        wanted = {name.strip() for name in only.split(",") if name.strip()}
        unknown = wanted - {r.name for r in repos} - {r.slug for r in repos}
        if unknown:
            raise SystemExit(f"not in {path}: {', '.join(sorted(unknown))}")
        repos = [r for r in repos if r.name in wanted or r.slug in wanted]
    return repos


# ---------------------------------------------------------------------------- checkout


def mirror_path(mirrors: Path, repo: Repo) -> Path:
    """The bare git directory of ``repo`` under ``mirrors`` (the layout ``fetch`` writes)."""
    owner, name = repo.name.split("/", 1)
    for candidate in (mirrors / f"{owner}+{name}" / "repo", mirrors / f"{owner}+{name}",
                      mirrors / f"{owner}__{name}.git", mirrors / f"{owner}__{name}"):
        if (candidate / "HEAD").is_file() or (candidate / ".git").exists():
            return candidate
    return mirrors / f"{owner}+{name}" / "repo"


def git(git_dir: Path, *args: str, input_bytes: Optional[bytes] = None) -> bytes:
    """Run ``git --git-dir=git_dir args`` and return its standard output (raises on failure)."""
    result = subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], input=input_bytes,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args[:3])}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def has_commit(git_dir: Path, commit: str) -> bool:
    """Whether the mirror holds ``commit``."""
    try:
        git(git_dir, "cat-file", "-e", f"{commit}^{{commit}}")
        return True
    except RuntimeError:
        return False


def tree_entries(git_dir: Path, commit: str) -> List[Tuple[str, str, str, str]]:
    """Every entry (mode, type, object id, path) of the commit's tree, recursively."""
    raw = git(git_dir, "ls-tree", "-r", "-z", "--full-tree", commit)
    entries = []
    for record in raw.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        entries.append((mode, kind, oid, path.decode("utf-8", "surrogateescape")))
    return entries


def read_blobs(git_dir: Path, oids: Sequence[str]) -> Dict[str, Optional[bytes]]:
    """The content of each blob, or None for one the mirror lacks (snapshots leave out big files)."""
    out = git(git_dir, "cat-file", "--batch", input_bytes="".join(f"{o}\n" for o in oids).encode())
    blobs: Dict[str, Optional[bytes]] = {}
    position = 0
    while position < len(out):
        end = out.index(b"\n", position)
        header = out[position:end].decode().split()
        position = end + 1
        if header[-1] == "missing":
            blobs[header[0]] = None
            continue
        size = int(header[2])
        blobs[header[0]] = out[position:position + size]
        position += size + 1  # the content, then a newline
    return blobs


def materialise(git_dir: Path, commit: str, dest: Path) -> Dict[str, Any]:
    """Write the commit's files into ``dest`` (replaced); returns a manifest with what was missing."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    entries = tree_entries(git_dir, commit)
    blobs = read_blobs(git_dir, sorted({oid for _, kind, oid, _ in entries if kind == "blob"}))
    missing, written, submodules = [], 0, []
    for mode, kind, oid, path in entries:
        target = dest / path
        if kind != "blob":
            submodules.append(path)
            continue
        content = blobs.get(oid)
        if content is None:
            missing.append(path)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            os.symlink(content.decode("utf-8", "surrogateescape"), target)
        else:
            target.write_bytes(content)
            if mode == "100755":
                target.chmod(0o755)
        written += 1
    return {"commit": commit, "files": written, "missing_blobs": missing, "submodules": submodules}


def checkout_one(repo: Repo, mirrors: Path, checkouts: Path, force: bool) -> Tuple[bool, str]:
    """Materialise one repository at its pinned commit; (ok, a one-line report)."""
    git_dir = mirror_path(mirrors, repo)
    if not git_dir.exists():
        return False, (f"{repo.name}: no mirror at {git_dir}. Fetch it with the fetch tool "
                       f"(`fetch github:{repo.name}`), or `git clone --bare "
                       f"https://github.com/{repo.name} {git_dir}`, then run checkout again")
    if not has_commit(git_dir, repo.commit):
        return False, (f"{repo.name}: the mirror {git_dir} lacks commit {repo.commit}; fetch a "
                       f"snapshot that has it (`git --git-dir={git_dir} fetch origin {repo.commit}`)")
    dest = checkouts / repo.slug
    manifest_path = checkouts / f"{repo.slug}.manifest.json"
    if not force and dest.is_dir() and manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("commit") == repo.commit:
            return True, f"{repo.name}: already at {repo.commit[:12]} ({manifest['files']} files)"
    manifest = materialise(git_dir, repo.commit, dest)
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    note = f", {len(manifest['missing_blobs'])} files absent from the snapshot" if manifest["missing_blobs"] else ""
    return True, f"{repo.name}: {repo.commit[:12]} -> {dest} ({manifest['files']} files{note})"


def ensure_config_stop(checkouts: Path) -> None:
    """Write the empty [tool.tf-lint] table that keeps tf-lint's config search inside checkouts/."""
    checkouts.mkdir(parents=True, exist_ok=True)
    stop = checkouts / "pyproject.toml"
    if not stop.is_file() or stop.read_text() != CONFIG_STOP:
        stop.write_text(CONFIG_STOP)


def cmd_checkout(args: argparse.Namespace) -> int:
    """``checkout``: every pinned repository into the checkouts folder."""
    checkouts = args.work / "checkouts"
    ensure_config_stop(checkouts)
    failures = 0
    for repo in load_repos(args.repos, args.only):
        ok, report = checkout_one(repo, args.mirrors, checkouts, args.force)
        print(report if ok else f"MISSING {report}", file=sys.stdout if ok else sys.stderr)
        failures += not ok
    return 1 if failures else 0


# ---------------------------------------------------------------------------- files and lines


def _excluded(name: str) -> bool:
    """Whether tf-lint's directory walk skips an entry of this name by default."""
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in WALK_EXCLUDES)


def walk_linted(root: Path, paths: Sequence[str]) -> Iterator[Path]:
    """The .py and .ipynb files tf-lint's default walk visits under ``paths`` (relative to root)."""
    for start in paths:
        top = root / start
        if top.is_file():
            yield top
            continue
        for directory, subdirs, files in os.walk(top):
            here = Path(directory)
            subdirs[:] = sorted(d for d in subdirs
                                if not _excluded(d) and not (here / d / "pyvenv.cfg").is_file())
            for name in sorted(files):
                if name.endswith((".py", ".ipynb")) and not _excluded(name):
                    yield here / name


def code_lines(source: str) -> int:
    """Lines that are neither blank nor only a comment (docstrings count)."""
    return sum(1 for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def notebook_source(path: Path) -> Optional[str]:
    """The code cells of a notebook joined, or None when it is not a readable notebook."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        cells = data.get("cells") if isinstance(data, dict) else None
        if cells is None and isinstance(data, dict):  # nbformat 3
            cells = [c for ws in data.get("worksheets", []) for c in ws.get("cells", [])]
        parts = []
        for cell in cells or []:
            if cell.get("cell_type") == "code":
                src = cell.get("source", cell.get("input", ""))
                parts.append("".join(src) if isinstance(src, list) else str(src))
        return "\n".join(parts)
    except (OSError, ValueError, AttributeError):
        return None


@dataclass
class Size:
    """How much a run covered in one repository."""

    files: int = 0
    notebooks: int = 0
    loc: int = 0  # code lines of the .py files and of the notebooks' code cells
    ml_loc: int = 0  # the same, in files that mention tensorflow or keras (the ones tf-lint parses)


def measure(root: Path, paths: Sequence[str]) -> Size:
    """Files and lines of code tf-lint's default walk covers."""
    size = Size()
    for path in walk_linted(root, paths):
        size.files += 1
        if path.suffix == ".ipynb":
            size.notebooks += 1
            text = notebook_source(path) or ""
        else:
            try:
                text = path.read_bytes().decode("utf-8", "replace")
            except OSError:
                continue
        lines = code_lines(text)
        size.loc += lines
        if ML_MARKER.search(text):
            size.ml_loc += lines
    return size


# ---------------------------------------------------------------------------- run


def resolve_tf_lint(spec: str) -> Path:
    """The tf-lint executable: the path given, or ``bin/tf-lint`` of a virtualenv given."""
    path = Path(spec).expanduser()
    if path.is_dir():
        for candidate in (path / "bin" / "tf-lint", path / "Scripts" / "tf-lint.exe", path / ".venv" / "bin" / "tf-lint"):
            if candidate.is_file():
                return candidate.absolute()
        raise SystemExit(f"{spec}: no bin/tf-lint in this directory")
    if path.is_file():
        return path.absolute()
    found = shutil.which(spec)
    if found:
        return Path(found)
    raise SystemExit(f"{spec}: no such tf-lint executable")


def tf_lint_version(exe: Path) -> str:
    """``tf-lint --version`` of the executable."""
    result = subprocess.run([str(exe), "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    return result.stdout.strip()


def normalise_path(path: str) -> str:
    """A reported path in one spelling: posix, without a leading ``./``."""
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def run_one(repo: Repo, exe: Path, checkouts: Path, out: Path, jobs: Optional[int], timeout: int) -> Dict[str, Any]:
    """Lint one checkout as its users would; writes its findings and returns its summary entry."""
    root = checkouts / repo.slug
    entry: Dict[str, Any] = {"repo": repo.name, "commit": repo.commit, "paths": list(repo.paths), "command": repo.command}
    if not root.is_dir():
        entry.update(status="no-checkout", error=f"no checkout at {root}: run `check.py checkout` first")
        return entry
    argv = [str(exe), *repo.paths, *RUN_FLAGS] + (["-j", str(jobs)] if jobs else [])
    entry["argv"] = [Path(argv[0]).name, *argv[1:]]
    started = time.perf_counter()
    try:
        result = subprocess.run(argv, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        entry.update(status="timeout", wall_s=round(time.perf_counter() - started, 2), findings=0)
        return entry
    entry["wall_s"] = round(time.perf_counter() - started, 2)
    entry["exit_status"] = result.returncode
    entry["stderr"] = result.stderr.decode(errors="replace")[-4000:]
    try:
        findings = json.loads(result.stdout.decode("utf-8") or "[]")
    except ValueError as error:
        entry.update(status="bad-output", error=f"output is not JSON: {error}", findings=0)
        (out / f"{repo.slug}.stdout.txt").write_bytes(result.stdout)
        return entry
    for finding in findings:
        finding["path"] = normalise_path(finding["path"])
    (out / f"{repo.slug}.json").write_text(json.dumps(findings, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    size = measure(root, repo.paths)
    codes = Counter(f["code"] for f in findings)
    entry.update(
        status="crash" if result.returncode == 2 or codes.get("TFL999") else "ok",
        findings=len(findings), by_code=dict(sorted(codes.items())),
        tfl999=[f"{f['path']}:{f['line']}: {f['message']}" for f in findings if f["code"] == "TFL999"],
        files=size.files, notebooks=size.notebooks, loc=size.loc, ml_loc=size.ml_loc,
        files_with_findings=len({f["path"] for f in findings}),
    )
    return entry


def cmd_run(args: argparse.Namespace) -> int:
    """``run``: lint every checkout with one tf-lint; write findings per repository and a summary."""
    exe = resolve_tf_lint(args.tf_lint)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    checkouts = args.work / "checkouts"
    ensure_config_stop(checkouts)
    summary: Dict[str, Any] = {"tf_lint": str(exe), "version": tf_lint_version(exe), "flags": list(RUN_FLAGS),
                               "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "repos": []}
    for repo in load_repos(args.repos, args.only):
        entry = run_one(repo, exe, checkouts, out, args.jobs, args.timeout)
        summary["repos"].append(entry)
        print(f"{repo.name:50} {entry.get('status'):11} {entry.get('findings', 0):5} findings "
              f"{entry.get('files', 0):5} files {entry.get('loc', 0):7} loc {entry.get('wall_s', 0):7.1f} s"
              + (f"  exit {entry['exit_status']}" if entry.get("exit_status") not in (0, None) else ""), flush=True)
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    bad = [e for e in summary["repos"] if e.get("status") != "ok"]
    for entry in bad:
        print(f"!! {entry['repo']}: {entry.get('status')} {entry.get('error', '')} {entry.get('tfl999', '')}".rstrip(), file=sys.stderr)
    total = sum(e.get("findings", 0) for e in summary["repos"])
    print(f"{total} findings in {len(summary['repos'])} repositories -> {out}", file=sys.stderr)
    return 1 if bad else 0


# ---------------------------------------------------------------------------- findings of a run


Key = Tuple[str, str, str, int, str]  # repository, path, cell ("" for .py), line, code


@dataclass(frozen=True)
class Finding:
    """One finding of one run, with the repository it came from."""

    repo: str
    path: str
    cell: str
    line: int
    column: int
    code: str
    message: str

    @property
    def key(self) -> Key:
        """What a triage row and the diff match on."""
        return (self.repo, self.path, self.cell, self.line, self.code)

    def where(self) -> str:
        """``path:line`` or ``path:cell N:line``, as tf-lint prints it."""
        return f"{self.path}:cell {self.cell}:{self.line}" if self.cell else f"{self.path}:{self.line}"


def load_run(out: Path) -> Tuple[Dict[str, Any], List[Finding]]:
    """The summary and every finding of a run folder."""
    summary = json.loads((out / "summary.json").read_text())
    findings: List[Finding] = []
    for entry in summary["repos"]:
        path = out / f"{entry['repo'].replace('/', '__')}.json"
        if not path.is_file():
            continue
        for item in json.loads(path.read_text(encoding="utf-8")):
            findings.append(Finding(
                repo=entry["repo"], path=normalise_path(item["path"]),
                cell=str(item["cell"]) if item.get("cell") else "",
                line=int(item["line"]), column=int(item.get("column", 0)),
                code=item["code"], message=item.get("message", ""),
            ))
    findings.sort(key=lambda f: (f.repo, f.path, int(f.cell or 0), f.line, f.column, f.code))
    return summary, findings


# ---------------------------------------------------------------------------- diff


def multiset_difference(a: Sequence[Finding], b: Sequence[Finding]) -> List[Finding]:
    """The findings of ``a`` whose key ``b`` has fewer times (a key may repeat: two columns)."""
    remaining = Counter(f.key for f in b)
    left = []
    for finding in a:
        if remaining[finding.key]:
            remaining[finding.key] -= 1
        else:
            left.append(finding)
    return left


def print_findings(title: str, findings: Sequence[Finding]) -> None:
    """A titled list of findings, grouped by repository, then their count per code."""
    print(f"## {title}: {len(findings)}")
    current = None
    for f in findings:
        if f.repo != current:
            current = f.repo
            print(f"\n### {f.repo}")
        print(f"{f.where()}:{f.column}: {f.code} {f.message}")
    if findings:
        counts = Counter(f.code for f in findings)
        print("\n| code | count |\n|---|---|")
        for code, count in sorted(counts.items()):
            print(f"| {code} | {count} |")
    print()


def diff_runs(old: Path, new: Path) -> int:
    """Print the findings gained and lost between two run folders; 1 when they differ."""
    old_summary, old_findings = load_run(old)
    new_summary, new_findings = load_run(new)
    print(f"old: {old_summary.get('version')} ({old_summary.get('tf_lint')}), {len(old_findings)} findings")
    print(f"new: {new_summary.get('version')} ({new_summary.get('tf_lint')}), {len(new_findings)} findings\n")
    gained = multiset_difference(new_findings, old_findings)
    lost = multiset_difference(old_findings, new_findings)
    print_findings("New findings", gained)
    print_findings("Lost findings", lost)
    codes = sorted({f.code for f in old_findings} | {f.code for f in new_findings})
    old_counts, new_counts = Counter(f.code for f in old_findings), Counter(f.code for f in new_findings)
    print("| code | old | new | gained | lost |\n|---|---|---|---|---|")
    gained_counts, lost_counts = Counter(f.code for f in gained), Counter(f.code for f in lost)
    for code in codes:
        print(f"| {code} | {old_counts[code]} | {new_counts[code]} | {gained_counts[code]} | {lost_counts[code]} |")
    status_changes = _status_changes(old_summary, new_summary)
    for line in status_changes:
        print(line)
    return 1 if gained or lost or status_changes else 0


def _status_changes(old: Dict[str, Any], new: Dict[str, Any]) -> List[str]:
    """Repositories whose run status (ok, crash, timeout...) differs between two summaries."""
    before = {e["repo"]: e.get("status") for e in old["repos"]}
    return [f"status of {e['repo']}: {before.get(e['repo'])} -> {e.get('status')}"
            for e in new["repos"] if before.get(e["repo"]) != e.get("status")]


def cmd_diff(args: argparse.Namespace) -> int:
    """``diff OLD NEW``."""
    return diff_runs(args.old, args.new)


def cmd_compare(args: argparse.Namespace) -> int:
    """``compare``: run two tf-lints into ``<out>/old`` and ``<out>/new``, then diff them."""
    for label, spec in (("old", args.old), ("new", args.new)):
        print(f"== {label}: {spec}", file=sys.stderr)
        run_args = argparse.Namespace(tf_lint=spec, out=args.out / label, work=args.work, repos=args.repos,
                                      only=args.only, jobs=args.jobs, timeout=args.timeout)
        cmd_run(run_args)
    return diff_runs(args.out / "old", args.out / "new")


# ---------------------------------------------------------------------------- triage


@dataclass
class Verdict:
    """One triage row."""

    verdict: str
    reason: str
    row: int  # line number in the triage file


def load_triage(path: Path) -> Dict[Key, Verdict]:
    """The triage file's verdicts by key; malformed rows stop with the row's number."""
    verdicts: Dict[Key, Verdict] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if tuple(header or ()) != TRIAGE_HEADER:
            raise SystemExit(f"{path}: the header must be {' '.join(TRIAGE_HEADER)!r} (tab-separated)")
        for number, row in enumerate(reader, start=2):
            if not row or not any(row):
                continue
            if len(row) != len(TRIAGE_HEADER):
                raise SystemExit(f"{path}:{number}: {len(row)} fields, expected {len(TRIAGE_HEADER)}")
            repo, rel, cell, line, code, verdict, reason = row
            if not verdict:  # a row of a --write-missing worksheet not yet judged
                continue
            if verdict not in VERDICTS:
                raise SystemExit(f"{path}:{number}: verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
            key = (repo, normalise_path(rel), cell, int(line), code)
            if key in verdicts:
                raise SystemExit(f"{path}:{number}: the same finding as row {verdicts[key].row}")
            verdicts[key] = Verdict(verdict, reason, number)
    return verdicts


def precision(tp: int, fp: int) -> str:
    """TP/(TP+FP) as a percentage, or a dash when nothing was triaged."""
    return f"{100 * tp / (tp + fp):.1f}%" if tp + fp else "-"


def code_table(findings: Sequence[Finding], verdicts: Dict[Key, Verdict]) -> List[str]:
    """Markdown: per code, findings, triaged, TP, FP and precision; then the overall row."""
    per_code: Dict[str, Counter[str]] = defaultdict(Counter)
    for f in findings:
        counts = per_code[f.code]
        counts["findings"] += 1
        v = verdicts.get(f.key)
        if v:
            counts[v.verdict] += 1
    lines = ["| code | findings | triaged | TP | FP | precision |", "|---|---:|---:|---:|---:|---:|"]
    total: Counter[str] = Counter()
    weighted_tp = 0.0
    for code in sorted(per_code):
        c = per_code[code]
        total.update(c)
        triaged = c["TP"] + c["FP"]
        if triaged:
            weighted_tp += c["findings"] * c["TP"] / triaged
        lines.append(f"| {code} | {c['findings']} | {triaged} | {c['TP']} | {c['FP']} | {precision(c['TP'], c['FP'])} |")
    lines.append(f"| **all** | {total['findings']} | {total['TP'] + total['FP']} | {total['TP']} | {total['FP']} | "
                 f"**{precision(total['TP'], total['FP'])}** |")
    covered = sum(per_code[c]["findings"] for c in per_code if per_code[c]["TP"] + per_code[c]["FP"])
    if covered and total["TP"] + total["FP"] < total["findings"]:
        lines.append("")
        lines.append(f"Estimated precision of all findings, each code's sample precision weighted by its "
                     f"number of findings (codes with a triaged sample: {covered} findings): "
                     f"{100 * weighted_tp / covered:.1f}%")
    return lines


def repo_table(summary: Dict[str, Any], findings: Sequence[Finding], verdicts: Dict[Key, Verdict]) -> List[str]:
    """Markdown: per repository, files, kLOC, findings, findings per kLOC, triaged precision."""
    by_repo: Dict[str, Counter[str]] = defaultdict(Counter)
    for f in findings:
        by_repo[f.repo]["findings"] += 1
        v = verdicts.get(f.key)
        if v:
            by_repo[f.repo][v.verdict] += 1
    lines = ["| repository | command | files | kLOC | findings | per kLOC | triaged | TP | FP | precision |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    totals: Counter[str] = Counter()
    for entry in summary["repos"]:
        c = by_repo[entry["repo"]]
        kloc = entry.get("loc", 0) / 1000
        totals.update(files=entry.get("files", 0), loc=entry.get("loc", 0), findings=c["findings"], TP=c["TP"], FP=c["FP"])
        rate = f"{c['findings'] / kloc:.2f}" if kloc else "-"
        lines.append(f"| {entry['repo']} | `{entry.get('command', '')}` | {entry.get('files', 0)} | {kloc:.1f} | "
                     f"{c['findings']} | {rate} | {c['TP'] + c['FP']} | {c['TP']} | {c['FP']} | {precision(c['TP'], c['FP'])} |")
    kloc = totals["loc"] / 1000
    lines.append(f"| **all** | | {totals['files']} | {kloc:.1f} | {totals['findings']} | "
                 f"{totals['findings'] / kloc if kloc else 0:.2f} | {totals['TP'] + totals['FP']} | {totals['TP']} | "
                 f"{totals['FP']} | {precision(totals['TP'], totals['FP'])} |")
    return lines


def reason_tag(reason: str) -> str:
    """The class a triage reason names in brackets (``FP [version] ...`` -> ``version``), or ``-``."""
    match = re.match(r"\s*(?:TP|FP)?:?\s*\[([^\]]+)\]", reason)
    return match.group(1).strip() if match else "-"


def class_table(findings: Sequence[Finding], verdicts: Dict[Key, Verdict]) -> List[str]:
    """Markdown: triaged findings per verdict and bracketed reason class, with the codes involved."""
    groups: Dict[Tuple[str, str], Counter[str]] = defaultdict(Counter)
    for f in findings:
        v = verdicts.get(f.key)
        if v:
            groups[(v.verdict, reason_tag(v.reason))][f.code] += 1
    lines = ["| verdict | class | findings | codes |", "|---|---|---:|---|"]
    for (verdict, tag), codes in sorted(groups.items(), key=lambda item: (item[0][0], -sum(item[1].values()))):
        spelled = ", ".join(f"{code} {count}" for code, count in sorted(codes.items()))
        lines.append(f"| {verdict} | {tag} | {sum(codes.values())} | {spelled} |")
    return lines


def write_missing(path: Path, findings: Iterable[Finding]) -> None:
    """Write findings without a verdict as triage rows to fill in: the verdict is left empty
    (such rows are skipped when the file is read) and the reason holds the finding's message."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\t".join(TRIAGE_HEADER) + "\n")
        seen = set()
        for f in findings:
            if f.key in seen:
                continue
            seen.add(f.key)
            message = " ".join(f.message.split())
            handle.write("\t".join([f.repo, f.path, f.cell, str(f.line), f.code, "", f"? {message}"]) + "\n")


def cmd_triage_check(args: argparse.Namespace) -> int:
    """``triage-check``: precision per code and findings per kLOC, as Markdown; what lacks a verdict."""
    summary, findings = load_run(args.out)
    verdicts = load_triage(args.triage)
    keys = {f.key for f in findings}
    untriaged = [f for f in findings if f.key not in verdicts]
    linted = {entry["repo"] for entry in summary["repos"] if entry.get("status") == "ok"}
    stale = sorted((v.row, k) for k, v in verdicts.items() if k not in keys and k[0] in linted)
    print(f"Run: {summary.get('version')}, {len(findings)} findings; triage: {args.triage.name}, {len(verdicts)} rows\n")
    print("### Precision per code\n")
    print("\n".join(code_table(findings, verdicts)))
    print("\n### Verdicts by reason class (the bracketed tag of each reason)\n")
    print("\n".join(class_table(findings, verdicts)))
    print("\n### Findings per kLOC per repository\n")
    print("\n".join(repo_table(summary, findings, verdicts)))
    crashes = [e for e in summary["repos"] if e.get("status") != "ok"]
    print(f"\nCrashes (exit status 2, TFL999, timeouts): {len(crashes) or 'none'}")
    for entry in crashes:
        print(f"- {entry['repo']}: {entry.get('status')} {entry.get('tfl999') or entry.get('error', '')}")
    print(f"\nFindings without a verdict: {len(untriaged)}")
    for f in untriaged[: args.show]:
        print(f"- {f.repo} {f.where()} {f.code}: {f.message[:160]}")
    if len(untriaged) > args.show:
        print(f"- ... and {len(untriaged) - args.show} more (--show N, or --write-missing FILE)")
    if stale:
        print(f"\nTriage rows that match no finding of this run (fixed, or moved): {len(stale)}")
        for row, key in stale[: args.show]:
            print(f"- row {row}: {' '.join(map(str, key))}")
    if args.write_missing:
        write_missing(args.write_missing, untriaged)
        print(f"\nwrote {len(untriaged)} findings without a verdict to {args.write_missing}")
    return 0


# ---------------------------------------------------------------------------- command line


def parser() -> argparse.ArgumentParser:
    """The command line."""
    top = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    top.add_argument("--repos", type=Path, default=DEFAULT_REPOS, help="the pinned set (default: repos.json beside this script)")
    top.add_argument("--work", type=Path, default=DEFAULT_WORK, help="git-ignored work folder (default: .ecosystem/ in the project)")
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("checkout", help="materialise each pinned repository at its commit from its bare mirror")
    p.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS, help=f"bare mirrors (default {DEFAULT_MIRRORS})")
    p.add_argument("--only", help="comma-separated owner/name (or owner__name) to do")
    p.add_argument("--force", action="store_true", help="write it again even when already at the commit")
    p.set_defaults(func=cmd_checkout)

    def run_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--only", help="comma-separated owner/name (or owner__name) to run")
        p.add_argument("--jobs", "-j", type=int, help="tf-lint -j (default: tf-lint's own, one per core)")
        p.add_argument("--timeout", type=int, default=3600, help="seconds per repository (default 3600)")

    p = sub.add_parser("run", help="lint every checkout with one tf-lint")
    p.add_argument("--tf-lint", required=True, help="a tf-lint executable, or a virtualenv that has bin/tf-lint")
    p.add_argument("--out", type=Path, required=True, help="folder for the findings and summary.json")
    run_options(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("diff", help="new and lost findings between two run folders")
    p.add_argument("old", type=Path)
    p.add_argument("new", type=Path)
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("compare", help="run two tf-lints (into OUT/old and OUT/new) and diff them")
    p.add_argument("--old", required=True, help="the baseline tf-lint (executable or virtualenv)")
    p.add_argument("--new", required=True, help="the tf-lint to check (executable or virtualenv)")
    p.add_argument("--out", type=Path, required=True)
    run_options(p)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("triage-check", help="precision per code and findings per kLOC from a run and the triage")
    p.add_argument("out", type=Path, help="a run folder")
    p.add_argument("--triage", type=Path, default=DEFAULT_TRIAGE, help="the triage TSV (default: triage.tsv beside this script)")
    p.add_argument("--show", type=int, default=50, help="how many untriaged findings to list (default 50)")
    p.add_argument("--write-missing", type=Path,
                   help="write the findings without a verdict as triage rows (empty verdict) to fill in and append")
    p.set_defaults(func=cmd_triage_check)
    return top


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point."""
    args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
