"""tf-lint against the libcst parse floor and peer linters, on the same files, in one run.

    python benchmarks/bench.py [PATH ...] [--limit N] [--jobs N] [--repeat N] [--peers-bin DIR] [--project DIR] [--write]

Corpus: the ``.py`` files under PATH, or by default the sources of ``keras`` (and
``tensorflow``, when installed) in this environment, read, never imported. Every tool gets
the same explicit file list and runs as its own process, so each wall time includes the
interpreter start, as a user sees it. Peak RSS is the child's (``wait4``), workers included.

Rows: the bare ``libcst.parse_module`` of every file (the floor); ``tf-lint -j 1`` with
every file parsed (``--no-prefilter``, the like-for-like row) and as shipped (prefilter on);
``-j N``; a cold and a warm run of the result cache; ``torchfix`` and ``fixit lint`` when
found on PATH or in ``--peers-bin``. The parse floor and the tf-lint rows run in ``--repeat``
rounds (default 3) and the fastest run of each counts; peers run once. Then peak RSS for 100 files against the same files four
times over, and the flake8 plugin's cost per call on one ~500-line file. ``--write`` puts the
tables in ``docs/performance.md`` between its markers. Timings are wall-clock and vary
between runs and days; the ratios within one run are what to compare. Nothing here is
asserted by the tests.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- benchmark:start -->", "<!-- benchmark:end -->"
HERE = Path(__file__).resolve().parent


# Children may write bytecode: a user's installed tf-lint has its .pyc files, and timing the
# compilation of our own modules on every call would measure the wrong thing.
CHILD_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Timing:
    label: str
    seconds: float
    rss_mib: float
    output: str
    returncode: int


def package_dirs(names: Sequence[str]) -> List[Path]:
    found = []
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            found.append(Path(next(iter(spec.submodule_search_locations))))
    return found


def collect(paths: Sequence[Path], limit: Optional[int]) -> List[Path]:
    files: List[Path] = []
    for root in paths:
        files.extend([root] if root.is_file() else sorted(p for p in root.rglob("*.py") if p.is_file()))
    return files[:limit] if limit else files


def run_timed(label: str, command: Sequence[str], cwd: Path) -> Timing:
    """Wall time and peak RSS of one child process (and the workers it waited for)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(list(command), cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=CHILD_ENV)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return Timing(label, seconds, usage.ru_maxrss / 1024, text, process.returncode)


def count_lines(files: Sequence[Path]) -> int:
    total = 0
    for path in files:
        with open(path, "rb") as handle:
            total += handle.read().count(b"\n")
    return total


def tf_lint(files: Sequence[Path], *flags: str) -> List[str]:
    return [sys.executable, "-m", "tf_lint", "--isolated", "-q", "--exit-zero", *flags, *map(str, files)]


def dataflow_rules() -> List[str]:
    """The codes whose rules query the dataflow layer (directly or through a shared base)."""
    rules = ROOT / "tf_lint" / "rules"
    users = ("semantics.dataflow", "_pipeline_rule", "_traced_code_rule")
    codes = []
    for path in sorted(rules.glob("tfl[0-9]*.py")):
        text = path.read_text(encoding="utf-8")
        if any(user in text for user in users):
            codes.append(path.name[:6].upper())
    return codes


def findings_of(timing: Timing, pattern: str) -> int:
    return len(re.findall(pattern, timing.output, flags=re.MULTILINE))


def find_peer(name: str, peers_bin: Optional[Path]) -> Optional[str]:
    if peers_bin is not None and (peers_bin / name).exists():
        return str(peers_bin / name)
    return shutil.which(name)


def peer_version(executable: str) -> str:
    proc = subprocess.run([executable, "--version"], capture_output=True, text=True, check=False)
    return (proc.stdout or proc.stderr).strip().splitlines()[0] if (proc.stdout or proc.stderr).strip() else "?"


def main_table(files: List[Path], jobs: int, peers_bin: Optional[Path], work: Path, repeat: int = 3) -> Tuple[List[str], Dict[str, float]]:
    lines = count_lines(files)
    file_list = work / "files.txt"
    file_list.write_text("\n".join(map(str, files)) + "\n")
    rows: List[Tuple[Timing, int, int, str]] = []  # timing, findings, crashes, note
    run_timed("warm-up", tf_lint(files[:20], "-j", "1", "--no-cache", "--no-prefilter"), work)  # writes .pyc files

    commands = {
        "floor": ("libcst parse floor", [sys.executable, str(HERE / "parse_floor.py"), str(file_list)]),
        "strict": ("tf-lint -j 1 --no-prefilter", tf_lint(files, "-j", "1", "--no-cache", "--no-prefilter", "--max-file-size", "0")),
        "no-dataflow": (
            "tf-lint -j 1 --no-prefilter, dataflow rules off",
            tf_lint(files, "-j", "1", "--no-cache", "--no-prefilter", "--max-file-size", "0", "--extend-ignore", ",".join(dataflow_rules())),
        ),
        "shipped": ("tf-lint -j 1", tf_lint(files, "-j", "1", "--no-cache")),
        "parallel": (f"tf-lint -j {jobs}", tf_lint(files, "-j", str(jobs), "--no-cache")),
    }
    samples: Dict[str, List[Timing]] = {key: [] for key in (*commands, "cold", "warm")}
    for attempt in range(repeat):  # rounds of every row, so drift over the run hits all rows alike
        for key, (label, command) in commands.items():
            samples[key].append(run_timed(label, command, work))
        cache_root = work / f"cache-root-{attempt}"
        cache_root.mkdir()
        samples["cold"].append(run_timed("tf-lint cache cold", tf_lint(files, "-j", str(jobs)), cache_root))
        samples["warm"].append(run_timed("tf-lint cache warm", tf_lint(files, "-j", str(jobs)), cache_root))
    # The fastest of each: on a shared machine noise only ever adds time (timeit's advice).
    best = {key: min(timings, key=lambda timing: timing.seconds) for key, timings in samples.items()}
    floor, strict, shipped, parallel, cold, warm = (best[k] for k in ("floor", "strict", "shipped", "parallel", "cold", "warm"))
    no_dataflow = best["no-dataflow"]
    rows.append((floor, 0, 0, "read + `libcst.parse_module`, nothing else"))
    for timing, note in (
        (strict, "every file parsed, all default rules"),
        (no_dataflow, f"the same without the {len(dataflow_rules())} rules that query the dataflow layer"),
        (shipped, "as shipped: files without tensorflow/keras skipped unparsed"),
        (parallel, "same output as -j 1: " + str(parallel.output == shipped.output).lower()),
        (cold, f"-j {jobs}, empty cache"),
        (warm, "nothing changed; same output: " + str(warm.output == cold.output).lower()),
    ):
        rows.append((timing, findings_of(timing, r": TFL(?!999)\d{3} "), findings_of(timing, r": TFL999 "), note))

    peers: Dict[str, Timing] = {}
    torchfix = find_peer("torchfix", peers_bin)
    if torchfix:
        timing = run_timed("torchfix -j 1", [torchfix, "-j", "1", *map(str, files)], work)
        peers["torchfix"] = timing
        rows.append((timing, findings_of(timing, r": TOR\d{3} "), findings_of(timing, r"^Traceback"), f"{peer_version(torchfix)}; skips files without 'torch'"))
    fixit = find_peer("fixit", peers_bin)
    if fixit:
        timing = run_timed("fixit lint", [fixit, "lint", *map(str, files)], work)
        peers["fixit"] = timing
        rows.append((timing, findings_of(timing, r"^\S+@\d+:\d+ "), findings_of(timing, r"^Traceback"), f"{peer_version(fixit)}; default rules, its own process pool"))

    table = [
        f"Corpus: {len(files):,} files, {lines:,} lines.",
        "",
        f"tf-lint and parse-floor rows: fastest of {repeat} runs; peer linters: one run each.",
        "",
        "| run | wall s | files/s | lines/s | peak RSS MiB | findings | crashes | notes |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for timing, findings, crashes, note in rows:
        table.append(
            f"| {timing.label} | {timing.seconds:.1f} | {len(files) / timing.seconds:.1f} | {lines / timing.seconds:,.0f} "
            f"| {timing.rss_mib:,.0f} | {findings:,} | {crashes} | {note} |"
        )
    ratios = {
        "tf-lint -j 1 --no-prefilter / parse floor": strict.seconds / floor.seconds,
        "tf-lint -j 1 (shipped) / parse floor": shipped.seconds / floor.seconds,
        "dataflow rules' cost (all rules / without them)": strict.seconds / no_dataflow.seconds,
        f"speed-up -j {jobs} over -j 1": shipped.seconds / parallel.seconds,
        "speed-up warm cache over cold": cold.seconds / warm.seconds,
    }
    if "torchfix" in peers:
        ratios["tf-lint -j 1 / torchfix -j 1"] = shipped.seconds / peers["torchfix"].seconds
    if "fixit" in peers:
        ratios[f"tf-lint -j {jobs} / fixit lint"] = parallel.seconds / peers["fixit"].seconds
    return table, ratios


def rss_growth(files: List[Path], work: Path) -> Tuple[List[str], float]:
    """Peak RSS for a set of files, and for the same files four times over (copies)."""
    sample = files[:100]
    once = work / "rss-once"
    many = work / "rss-many"
    targets = [once, *(many / f"copy{n}" for n in range(4))]
    for base in targets:
        base.mkdir(parents=True)
    for index, path in enumerate(sample):
        for base in targets:
            shutil.copyfile(path, base / f"{index:03}_{path.name}")
    small = run_timed("100 files", tf_lint([once], "-j", "1", "--no-cache"), work)
    large = run_timed("the same 100 files x4", tf_lint([many], "-j", "1", "--no-cache"), work)
    growth = large.rss_mib / small.rss_mib
    return [
        "| files | wall s | peak RSS MiB |",
        "|---:|---:|---:|",
        f"| {len(sample)} | {small.seconds:.1f} | {small.rss_mib:,.0f} |",
        f"| {len(sample) * 4} (same files x4) | {large.seconds:.1f} | {large.rss_mib:,.0f} |",
        "",
        f"RSS growth with 4x the files: {growth:.2f}x.",
    ], growth


def project_table(project: Path, jobs: int, work: Path, repeat: int) -> Tuple[List[str], Dict[str, float]]:
    """The project layer on a whole project, linted as its users would (``tf-lint DIR``),
    against the parse floor of the same files: cold with and without following imports,
    warm, warm after editing one leaf module, and peak RSS per 1,000 files. The project is
    copied into the scratch folder first, so the edit never touches the original."""
    copy = work / "project"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".tf_lint_cache", ".git"))
    files = sorted(p for p in copy.rglob("*.py") if p.is_file() and "site-packages" not in p.parts)
    lines = count_lines(files)
    file_list = work / "project-files.txt"
    file_list.write_text("\n".join(map(str, files)) + "\n")
    leaf = _leaf_module(files)

    def lint(*flags: str) -> List[str]:
        return [sys.executable, "-m", "tf_lint", "--isolated", "-q", "--exit-zero", *flags, "."]

    samples: Dict[str, List[Timing]] = {k: [] for k in ("floor", "project", "files", "cold", "warm", "edited")}
    for attempt in range(repeat):
        samples["floor"].append(run_timed("libcst parse floor", [sys.executable, str(HERE / "parse_floor.py"), str(file_list)], copy))
        samples["project"].append(run_timed("tf-lint -j 1 --no-prefilter", lint("-j", "1", "--no-cache", "--no-prefilter"), copy))
        samples["files"].append(
            run_timed("tf-lint -j 1 --no-prefilter --no-follow-imports", lint("-j", "1", "--no-cache", "--no-prefilter", "--no-follow-imports"), copy)
        )
        shutil.rmtree(copy / ".tf_lint_cache", ignore_errors=True)
        samples["cold"].append(run_timed(f"tf-lint -j {jobs}, cache cold", lint("-j", str(jobs)), copy))
        samples["warm"].append(run_timed(f"tf-lint -j {jobs}, cache warm", lint("-j", str(jobs)), copy))
        with open(leaf, "a", encoding="utf-8") as handle:
            handle.write(f"\n# edited for the benchmark ({attempt})\n")
        time.sleep(2.1)  # past the timestamp granularity the cache distrusts (cache.py)
        samples["edited"].append(run_timed(f"tf-lint -j {jobs}, one leaf module edited", lint("-j", str(jobs)), copy))
    best = {key: min(timings, key=lambda timing: timing.seconds) for key, timings in samples.items()}
    notes = {
        "floor": "read + `libcst.parse_module`, nothing else",
        "project": "every file parsed, imports followed into the project's modules (the default)",
        "files": "the same, each file on its own",
        "cold": "empty cache",
        "warm": "nothing changed; same output: " + str(best["warm"].output == best["cold"].output).lower(),
        "edited": f"`{leaf.relative_to(copy)}` edited (nothing imports it)",
    }
    table = [
        f"Project: `{project.name}`, {len(files):,} files, {lines:,} lines; fastest of {repeat} runs.",
        "",
        "| run | wall s | files/s | peak RSS MiB | RSS MiB per 1,000 files | findings | notes |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for key, timing in best.items():
        found = findings_of(timing, r": TFL(?!999)\d{3} ")
        table.append(
            f"| {timing.label} | {timing.seconds:.2f} | {len(files) / timing.seconds:.1f} | {timing.rss_mib:,.0f} "
            f"| {timing.rss_mib * 1000 / len(files):,.0f} | {found:,} | {notes[key]} |"
        )
    ratios = {
        "project-aware -j 1 --no-prefilter / parse floor": best["project"].seconds / best["floor"].seconds,
        "following imports (project-aware / each file on its own)": best["project"].seconds / best["files"].seconds,
        "warm run after editing one leaf module, seconds": best["edited"].seconds,
        "peak RSS per 1,000 files (-j 1), MiB": best["project"].rss_mib * 1000 / len(files),
    }
    return table, ratios


def _leaf_module(files: Sequence[Path]) -> Path:
    """A module no other file names in an import (a test file, usually)."""
    texts = {path: path.read_text(encoding="utf-8", errors="replace") for path in files}
    for path in files:
        if path.stem.endswith("_test") or path.stem.startswith("test_"):
            if not any(path.stem in text for other, text in texts.items() if other != path):
                return path
    return files[-1]


def pick_flake8_file(files: Sequence[Path]) -> Optional[Path]:
    candidates = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if "keras" in text or "tensorflow" in text:
            candidates.append((abs(text.count("\n") - 500), str(path), path))
    return min(candidates)[2] if candidates else None


def flake8_cost(files: Sequence[Path], work: Path, repeats: int = 15) -> Tuple[List[str], Optional[float]]:
    path = pick_flake8_file(files)
    if path is None:
        return ["(no file mentioning keras or tensorflow in the corpus)"], None
    base = [sys.executable, str(HERE / "flake8_without_tf_lint.py")]
    runs: Dict[str, List[float]] = {"plain": [], "plain+libcst": [], "plugin": []}
    commands = {
        "plain": [*base, "--without-tf-lint", "--isolated", "--exit-zero", str(path)],
        "plain+libcst": [*base, "--without-tf-lint", "--import-libcst", "--isolated", "--exit-zero", str(path)],
        "plugin": [*base, "--isolated", "--exit-zero", "--extend-select", "TFL", str(path)],
    }
    for name, command in commands.items():  # warm-up: .pyc files, disk cache
        run_timed(name, command, work)
    for _ in range(repeats):  # interleaved, so drift hits both alike
        for name, command in commands.items():
            runs[name].append(run_timed(name, command, work).seconds)
    # The first parse in a fresh process, as in a flake8 call (libcst compiles its regular
    # expressions on first use): one process per sample.
    parse_runs = [
        float(run_timed("parse", [sys.executable, str(HERE / "parse_floor.py"), "--report", str(path)], work).output.split()[-1])
        for _ in range(repeats)
    ]
    # The minimum of many calls: noise on a shared machine only ever adds time (timeit's advice).
    plain, with_libcst, plugin = (min(runs[name]) for name in ("plain", "plain+libcst", "plugin"))
    parse_ms = min(parse_runs)
    median_beyond = (statistics.median(runs["plugin"]) - statistics.median(runs["plain+libcst"])) * 1000 - statistics.median(parse_runs)
    lines = path.read_text(encoding="utf-8").count("\n")
    beyond = (plugin - with_libcst) * 1000 - parse_ms
    return [
        f"File: `{path.name}` ({lines} lines); fastest of {repeats} calls each, interpreter start included.",
        "",
        "| call | fastest wall ms |",
        "|---|---:|",
        f"| flake8 without the tf-lint plugin | {plain * 1000:.0f} |",
        f"| flake8 without the plugin, plus `import libcst` | {with_libcst * 1000:.0f} |",
        f"| flake8 with the tf-lint plugin (TFL selected) | {plugin * 1000:.0f} |",
        f"| libcst's first parse of the file in a fresh process | {parse_ms:.0f} |",
        "",
        f"Plugin cost per call: {(plugin - plain) * 1000:.0f} ms in all: importing libcst {(with_libcst - plain) * 1000:.0f} ms"
        f" and parsing {parse_ms:.0f} ms (what any libcst-based check pays), and"
        f" **{beyond:.0f} ms beyond the parse** (tf-lint's imports, data and rules; from the medians instead:"
        f" {median_beyond:.0f} ms).",
    ], beyond


def target_table(
    ratios: Dict[str, float], jobs: int, growth: float, beyond_ms: Optional[float], project: Optional[Dict[str, float]] = None
) -> List[str]:
    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    cold = ratios["tf-lint -j 1 --no-prefilter / parse floor"]
    speedup = ratios[f"speed-up -j {jobs} over -j 1"]
    warm = ratios["speed-up warm cache over cold"]
    rows = [
        "| target | goal | measured | |",
        "|---|---|---|---|",
        f"| single process, every file parsed, vs the libcst parse floor | at most 1.30x | {cold:.3f}x | {verdict(cold <= 1.3)} |",
        f"| `-j {jobs}` vs `-j 1` | at least 1.7x on 2 cores | {speedup:.2f}x | {verdict(speedup >= 1.7) if jobs == 2 else 'n/a (not 2 cores)'} |",
        f"| warm cache vs cold | at least 20x | {warm:.1f}x | {verdict(warm >= 20)} |",
        f"| peak RSS, 4x the files | does not grow | {growth:.2f}x | {verdict(growth <= 1.1)} |",
    ]
    dataflow = ratios["dataflow rules' cost (all rules / without them)"]
    rows.append(f"| the dataflow rules' share of the engine | at most 1.30x | {dataflow:.3f}x | {verdict(dataflow <= 1.3)} |")
    if beyond_ms is not None:
        rows.append(f"| flake8 plugin beyond the parse, one file | at most 50 ms | {beyond_ms:.0f} ms | {verdict(beyond_ms <= 50)} |")
    if project:
        aware = project["project-aware -j 1 --no-prefilter / parse floor"]
        edited = project["warm run after editing one leaf module, seconds"]
        rows.append(f"| project-aware cold run vs the parse floor (issue 18) | at most 1.30x | {aware:.3f}x | {verdict(aware <= 1.3)} |")
        rows.append(f"| warm run after editing one leaf module (issue 18) | under 1 s | {edited:.2f} s | {verdict(edited < 1)} |")
    return rows


def machine() -> str:
    def v(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{platform.machine()}, {cores} cores, {platform.system()}, {platform.python_implementation()} {platform.python_version()},"
        f" tf-lint {v('tf-lint')}, libcst {v('libcst')}, flake8 {v('flake8')}, keras {v('keras')}, tensorflow {v('tensorflow')}"
    )


def write_doc(block: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(START) + len(START), text.index(END)
    DOC.write_text(text[:start] + "\n" + block + "\n" + text[end:], encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--limit", type=int, help="first N files only (a quick run)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 2)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each tf-lint and parse-floor row; the fastest counts (default 3)")
    parser.add_argument("--peers-bin", type=Path, help="directory holding torchfix / fixit (e.g. another venv's bin)")
    parser.add_argument("--write", action="store_true", help=f"write the tables into {DOC.relative_to(ROOT)}")
    parser.add_argument("--project", type=Path, help="a whole project (1,000+ files) for the project-layer rows (issue 18)")
    args = parser.parse_args()
    roots = args.paths or package_dirs(["keras", "tensorflow"])
    if not roots:
        sys.exit("no corpus: pass paths, or pip install keras to use its sources")
    files = collect(roots, args.limit)
    corpus = ", ".join(str(p) for p in roots)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        table, ratios = main_table(files, args.jobs, args.peers_bin, work, args.repeat)
        rss, growth = rss_growth(files, work)
        flake8, beyond_ms = flake8_cost(files, work)
        project_rows, project_ratios = project_table(args.project, args.jobs, work, args.repeat) if args.project else ([], {})
    targets = target_table(ratios, args.jobs, growth, beyond_ms, project_ratios)
    block = "\n".join(
        [
            f"Machine: {machine()}.",
            f"Corpus roots: {corpus}.",
            f"Command: `python benchmarks/bench.py{' --limit ' + str(args.limit) if args.limit else ''} --jobs {args.jobs} --repeat {args.repeat}"
            + (f" --project {args.project.name}" if args.project else "") + (" --peers-bin DIR" if args.peers_bin else "")
            + f"` ({time.strftime('%Y-%m-%d')}).",
            "",
            *table,
            "",
            "Ratios from this run:",
            "",
            *(f"- {name}: **{value:.2f}**" for name, value in ratios.items()),
            "",
            "### Targets (issues 11 and 18), from this run",
            "",
            *targets,
            "",
            "### Memory against the number of files",
            "",
            *rss,
            "",
            "### flake8 plugin cost",
            "",
            *flake8,
            *(["", "### The project layer (issue 18)", "", *project_rows, "", *(f"- {name}: **{value:.2f}**" for name, value in project_ratios.items())] if project_rows else []),
        ]
    )
    print(block)
    if args.write:
        write_doc(block)
        print(f"\nwritten to {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
