"""Run probe jobs in a child process: isolated, time-limited, memory-capped, never fatal.

One child runs a batch of jobs, paying Keras' import (seconds) once. Every job has its own
deadline; a job that hangs or kills the child is reported with the cause and the rest of
the batch continues in a fresh child. The child runs ``python -I`` (no PYTHONPATH, no user
site, no current directory on the path) in a new scratch directory, with a scrubbed
environment, ``RLIMIT_DATA`` as its memory cap, and its own process group so that a timeout
kills everything it started.
"""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any, Callable, Dict, Iterable, List, NamedTuple, Optional, Tuple

from tf_lint.validate.child import MARK
from tf_lint.validate.verdicts import Runtime

CHILD = Path(__file__).resolve().parent / "child.py"
BACKENDS = ("tensorflow", "jax", "torch")
_PASSED_THROUGH = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "SYSTEMROOT", "LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES", "CUDA_HOME")
# What TensorFlow, absl and XLA print on every start; never evidence.
_NOISE = (
    "WARNING: All log messages before absl::InitializeLog()",
    "cpu_feature_guard",
    "To enable the following instructions",
    "cudart_stub",
    "oneDNN custom operations",
    "cuda_dnn",
    "cuda_fft",
    "cuda_blas",
    "computation placer already registered",
    "Unable to register cu",
    "E0000 00:00",
    "W0000 00:00",
    "I0000 00:00",
)


class Options(NamedTuple):
    backend: str = "auto"  # auto, tensorflow, jax or torch
    device: str = "auto"  # auto, cpu or gpu
    timeout: float = 120.0  # seconds per check; the first check of a child includes importing Keras
    memory_mb: int = 8192  # cap on the child's data segment; 0: none
    threshold: float = 2.0  # slowdown that confirms a performance finding
    python: str = sys.executable


def available(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def choose_backend(requested: str) -> Tuple[Optional[str], str]:
    """The backend to run, or None and why not. ``auto`` prefers TensorFlow (what TF users
    run), then JAX, then torch. Nothing is imported: only the packages' presence is checked."""
    if not available("keras"):
        return None, "Keras is not installed (pip install 'tf-lint[validate]')"
    candidates = BACKENDS if requested == "auto" else (requested,)
    for backend in candidates:
        if available(backend):
            return backend, ""
    wanted = "TensorFlow, JAX or torch" if requested == "auto" else requested
    return None, f"no Keras backend: {wanted} is not installed (pip install 'tf-lint[validate]')"


def gpu_present() -> bool:
    """A cheap hint, without importing anything: an NVIDIA driver is loaded."""
    return os.path.exists("/proc/driver/nvidia/version") or os.path.exists("/dev/nvidia0")


def clean_stderr(text: str, limit: int = 12) -> str:
    """The last lines of a child's stderr that are not TensorFlow's start-up noise."""
    lines = [line for line in text.splitlines() if line.strip() and not any(n in line for n in _NOISE)]
    return "\n".join(lines[-limit:])


def child_environment(scratch: Path, backend: str, device: str) -> Dict[str, str]:
    env = {key: os.environ[key] for key in _PASSED_THROUGH if key in os.environ}
    env.update(
        HOME=str(scratch),
        TMPDIR=str(scratch),
        KERAS_HOME=str(scratch / ".keras"),
        KERAS_BACKEND=backend,
        TF_CPP_MIN_LOG_LEVEL="3",
        PYTHONHASHSEED="0",
        PYTHONDONTWRITEBYTECODE="1",
        XLA_PYTHON_CLIENT_PREALLOCATE="false",  # JAX would take 75% of the GPU otherwise
        TF_FORCE_GPU_ALLOW_GROWTH="true",
    )
    if device == "cpu":
        env.update(CUDA_VISIBLE_DEVICES="-1", JAX_PLATFORMS="cpu")
    return env


class BatchResult(NamedTuple):
    runtime: Optional[Runtime]
    outcomes: Dict[str, Dict[str, Any]]  # job id -> outcome


def _reader(stream: IO[str], events: "queue.Queue[Optional[Dict[str, Any]]]") -> None:
    for line in stream:
        if line.startswith(MARK):
            try:
                events.put(json.loads(line[len(MARK):]))
            except ValueError:
                pass
    events.put(None)  # end of output: the child exited or closed stdout


def _exit_cause(returncode: Optional[int], stderr: str, memory_mb: int) -> str:
    tail = clean_stderr(stderr, 3)
    if returncode is not None and returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.Signals._value2member_map_ else str(-returncode)
        cause = f"the check process was killed by {name}"
        if -returncode in (signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT) and memory_mb:
            cause += f" (likely out of memory under the {memory_mb} MiB cap)"
    elif "MemoryError" in stderr or "std::bad_alloc" in stderr:
        cause = f"the check process ran out of memory (cap {memory_mb} MiB)"
    else:
        cause = f"the check process exited with status {returncode}"
    return cause + (f": {tail.splitlines()[-1]}" if tail else "")


def _run_child(
    jobs: List[Dict[str, Any]], backend: str, options: Options, on_result: Callable[[str], None]
) -> Tuple[Optional[Runtime], Dict[str, Dict[str, Any]], Optional[str], str]:
    """One child over ``jobs``; returns the runtime, the outcomes it reported, the job it was
    running when it died (if any) and why it died ("" when it finished)."""
    scratch = Path(tempfile.mkdtemp(prefix="tf-lint-validate-"))
    request = {"backend": backend, "device": options.device, "memory_mb": options.memory_mb, "jobs": jobs}
    stderr_path = scratch / "stderr.log"
    runtime: Optional[Runtime] = None
    outcomes: Dict[str, Dict[str, Any]] = {}
    current: Optional[str] = None
    cause = ""
    try:
        with open(stderr_path, "w+", encoding="utf-8", errors="replace") as stderr:
            process = subprocess.Popen(
                [options.python, "-I", str(CHILD)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                cwd=scratch,
                env=child_environment(scratch, backend, options.device),
                text=True,
                encoding="utf-8",
                errors="replace",
                start_new_session=True,  # its own process group: a timeout kills it all
            )
            assert process.stdin is not None and process.stdout is not None
            events: "queue.Queue[Optional[Dict[str, Any]]]" = queue.Queue()
            threading.Thread(target=_reader, args=(process.stdout, events), daemon=True).start()
            try:
                process.stdin.write(json.dumps(request))
                process.stdin.close()
            except BrokenPipeError:
                pass
            deadline = time.monotonic() + options.timeout
            while True:
                try:
                    event = events.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    _kill(process)
                    cause = f"timed out after {options.timeout:g} s (--validate-timeout)"
                    break
                if event is None:
                    process.wait()
                    if current is not None or len(outcomes) < len(jobs):
                        stderr.flush()
                        stderr.seek(0)
                        cause = _exit_cause(process.returncode, stderr.read(), options.memory_mb)
                    break
                kind = event.get("event")
                if kind == "runtime":
                    runtime = Runtime.from_event(event)
                elif kind == "start":
                    current = str(event["id"])
                elif kind == "result":
                    outcomes[str(event["id"])] = event["outcome"]
                    on_result(str(event["id"]))
                    current = None
                deadline = time.monotonic() + options.timeout
            if process.poll() is None:
                _kill(process)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return runtime, outcomes, current, cause


def _kill(process: "subprocess.Popen[str]") -> None:
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)  # the child and anything it started
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def run_jobs(
    jobs: Iterable[Dict[str, Any]], backend: str, options: Options, on_result: Callable[[str], None] = lambda job_id: None
) -> BatchResult:
    """Run every job; each gets an outcome. A job that was running when its child timed out
    or died gets ``{"status": "crashed", "message": cause}``; the others go on in a new child.
    When a child dies before starting any job (Keras does not import), every job left gets
    that cause."""
    pending = list(jobs)
    runtime: Optional[Runtime] = None
    outcomes: Dict[str, Dict[str, Any]] = {}
    while pending:
        found, done, current, cause = _run_child(pending, backend, options, on_result)
        runtime = runtime or found
        outcomes.update(done)
        if cause:
            if current is None:  # died before or between jobs: nothing to blame, nothing to retry
                for job in pending:
                    if job["id"] not in outcomes:
                        outcomes[job["id"]] = {"status": "crashed", "message": cause}
                        on_result(job["id"])
            else:
                outcomes[current] = {"status": "crashed", "message": cause}
                on_result(current)
        pending = [job for job in pending if job["id"] not in outcomes]
    return BatchResult(runtime, outcomes)
