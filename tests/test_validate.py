"""The runtime validator: slicing (no Keras needed), judging, the sandbox, and verdicts on the
real runtime (Keras on JAX in CI; TensorFlow when installed).

Runtime tests need Keras with a backend; they skip without it unless TF_LINT_REQUIRE_KERAS=1
(CI), which turns the skip into a failure. No test asserts a timing beyond "ratio > 1".
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path
from typing import Any, Dict, List, Optional

import libcst as cst
import pytest
from conftest import FIXTURES

from tf_lint.cli import main
from tf_lint.config import Config
from tf_lint.diagnostics import Diagnostic
from tf_lint.rules import all_rules
from tf_lint.runner import check_paths
from tf_lint.validate import child, sandbox, session
from tf_lint.validate.checks import Check, Site, validator
from tf_lint.validate.sandbox import Options, run_jobs
from tf_lint.validate.slicer import CannotRebuild, Slicer, SourceIndex
from tf_lint.validate.validators import validated_codes
from tf_lint.validate.verdicts import CONFIRMED, INCONCLUSIVE, REFUTED, Runtime, Verdict

TRAINING = FIXTURES / "validate" / "training.py"
_VERDICT = re.compile(r"#\s*verdict:\s*(confirmed|refuted|inconclusive)")


def _runtime_or_skip() -> str:
    backend, why = sandbox.choose_backend("auto")
    if backend is None:
        if os.environ.get("TF_LINT_REQUIRE_KERAS") == "1":
            pytest.fail(f"the validator needs a Keras runtime here: {why}")
        pytest.skip(why)
    return backend


# --- slicing: plain data from the syntax tree, nothing imported ----------------------------------


def _slice_model(source: str, receiver: str = "model") -> Dict[str, Any]:
    index = SourceIndex(source)
    use = next(
        node
        for node in index.positions
        if isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "compile"
        and isinstance(node.func.value, cst.Name)
        and node.func.value.value == receiver
    )
    return Slicer(index).model(use.func.value, use)  # type: ignore[attr-defined]


HEADER = "import keras\nfrom keras import layers\nN = 3\n"


def test_sequential_literal_with_constants_and_arithmetic() -> None:
    spec = _slice_model(HEADER + "model = keras.Sequential([keras.Input((2 * 4,)), layers.Dense(N, activation='softmax')])\nmodel.compile(loss='mse')\n")
    assert spec == {
        "kind": "sequential",
        "layers": [
            {"call": "keras.Input", "args": [{"$tuple": [8]}], "kwargs": {}},
            {"call": "keras.layers.Dense", "args": [3], "kwargs": {"activation": "softmax"}},
        ],
    }


def test_add_chain_and_builder_function_with_arguments() -> None:
    source = HEADER + (
        "def build(units, features=4):\n"
        "    m = keras.Sequential()\n"
        "    m.add(layers.Dense(units, input_shape=(features,)))\n"
        "    m.add(layers.Dense(1))\n"
        "    return m\n"
        "model = build(7)\n"
        "model.compile(loss='mse')\n"
    )
    spec = _slice_model(source)
    assert [layer["args"] for layer in spec["layers"]] == [[7], [1]]
    assert spec["layers"][0]["kwargs"] == {"input_shape": {"$tuple": [4]}}


def test_functional_graph_with_a_shared_layer() -> None:
    source = HEADER + (
        "inp = keras.Input((4,))\n"
        "shared = layers.Dense(4)\n"
        "a = shared(inp)\n"
        "b = shared(a)\n"
        "out = layers.Concatenate()([a, b])\n"
        "model = keras.Model(inputs=inp, outputs=out)\n"
        "model.compile(loss='mse')\n"
    )
    spec = _slice_model(source)
    assert spec["kind"] == "functional"
    applied = [node["layer"] for node in spec["nodes"] if "layer" in node]
    assert sorted(applied.count(layer) for layer in spec["layers"]) == [1, 2]  # one Dense object, applied twice


@pytest.mark.parametrize(
    "body, reason",
    [
        ("class Block(layers.Layer): pass\nmodel = keras.Sequential([keras.Input((2,)), Block()])\n", "layer Block is defined by user code"),
        ("import random\nif random.random():\n    model = keras.Sequential([layers.Dense(2)])\n", "assigned under a condition"),
        ("model = keras.models.load_model('m.keras')\n", "loaded from a file"),
        ("model = keras.Sequential([layers.Conv2D(2, 3)])\n", "declares no input shape"),
        ("import numpy as np\nmodel = keras.Sequential([keras.Input((2,)), layers.Dense(np.random.randint(9))])\n", "not a Keras"),
        ("model = keras.Sequential([keras.Input((2,)), layers.Dense(2)])\nfor _ in range(2):\n    model.add(layers.Dense(2))\n", "in a loop"),
        ("def make(n):\n    return keras.Sequential([keras.Input((2,)), layers.Dense(n)])\nmodel = make(n=open('f').read())\n", "computed at run time"),
        ("model = get_model()\n", "not a Keras constructor"),
        # review findings: models the code does not build at that point must not be rebuilt
        ("def build():\n    return build()\nmodel = build()\n", "too many names or calls"),
        ("def build(head):\n    return keras.Sequential([keras.Input((4,)), head])\nmodel = build(layers.Dense(1))\n", "is a parameter"),
        ("def build(flag=False):\n    if flag:\n        return keras.Sequential([keras.Input((4,)), layers.Dense(1)])\nmodel = build()\n", "one unconditional `return"),
        ("def deco(f):\n    return f\n@deco\ndef build():\n    return keras.Sequential([keras.Input((4,)), layers.Dense(1)])\nmodel = build()\n", "decorated"),
        ("model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])\ndel model\n", "`del`"),
        ("model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])\ndef reset():\n    global model\n    model = None\nreset()\n", "`global`"),
        ("if (units := 4) > 1:\n    pass\nmodel = keras.Sequential([keras.Input((4,)), layers.Dense(units)])\n", "`:=`"),
        ("model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])\nalias = model\nalias.add(layers.Dense(3))\n", "aliased"),
        ("def grow(m):\n    m.add(layers.Dense(3))\nmodel = keras.Sequential([keras.Input((4,)), layers.Dense(1)])\ngrow(model)\n", "passed to `grow()`"),
        ("d = layers.Dense(4)\nmodel = keras.Sequential([keras.Input((4,)), d, d])\n", "used twice"),
        ("model = keras.Sequential([keras.Input((4,)), layers.Lambda.from_config({}, safe_mode=False)])\n", "not a Keras constructor"),
        ("model = keras.Sequential([keras.Input((4,)), layers.deserialize({'class_name': 'Dense', 'config': {}})])\n", "not a Keras constructor"),
        ("model = keras.Sequential([keras.Input((4,)), layers.Dense(1, kernel_initializer={'class_name': 'X', 'config': {}})])\n", "serialised Keras object"),
        ("model = keras.Sequential([keras.Input((4,)), layers.Dense(" + "9" * 5000 + ")])\n", "not a literal"),
        ("model = keras.Sequential([keras.Input((4,)), layers.Dense(1152921504606846976 * 1024)])\n", "too large"),
    ],
)
def test_what_cannot_be_rebuilt_says_why(body: str, reason: str) -> None:
    with pytest.raises(CannotRebuild, match=re.escape(reason)):
        _slice_model(HEADER + body + "model.compile(loss='mse')\n")


def test_a_loop_that_rebinds_the_model_later_is_not_followed() -> None:
    source = HEADER + (
        "model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])\n"
        "for units in (1, 2):\n"
        "    model.compile(loss='mse')\n"
        "    model = keras.Sequential([keras.Input((4,)), layers.Dense(9)])\n"
    )
    with pytest.raises(CannotRebuild, match="rebound later in the loop"):
        _slice_model(source)


def test_builders_bind_positional_only_parameters_and_adds_after_the_call() -> None:
    source = HEADER + (
        "def build(units=4, /, out=1):\n"
        "    return keras.Sequential([keras.Input((8,)), layers.Dense(units), layers.Dense(out)])\n"
        "model = build(64)\n"
        "model.add(layers.Dense(10, activation='softmax'))\n"
        "model.compile(loss='mse')\n"
    )
    spec = _slice_model(source)
    assert [layer["args"] for layer in spec["layers"][1:]] == [[64], [1], [10]]


def test_the_allowlist_is_one_public_name_per_keras_module() -> None:
    assert child.allowed_name("keras.layers.Dense") and child.allowed_name("keras.Input")
    for name in ("keras.layers.Lambda.from_config", "keras.layers.deserialize", "keras.layers.Lambda", "keras.utils.get_file", "keras.layers._private", "os.system"):
        assert not child.allowed_name(name), name


def test_dense_first_model_without_input_is_built_for_a_stated_shape() -> None:
    index = SourceIndex(HEADER + "model = keras.Sequential([layers.Dense(2)])\nmodel.compile(loss='mse')\n")
    slicer = Slicer(index)
    call = next(n for n in index.positions if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value == "compile")
    spec = slicer.model(call.func.value, call)  # type: ignore[attr-defined]
    assert spec["assumed_input"] == [16] and "build" not in spec
    assert any("no input shape declared" in note for note in slicer.notes)


def test_a_local_name_hides_the_import() -> None:
    source = "import keras\ndef f():\n    keras = object()\n    model = keras.Sequential([])\n    model.compile(loss='mse')\n"
    with pytest.raises(CannotRebuild):
        _slice_model(source)


def test_the_child_refuses_names_outside_its_allowlist() -> None:
    class FakeKeras:
        layers = object()

    for name in ("os.system", "keras.src.utils", "keras.layers.__class__", "builtins.eval"):
        with pytest.raises(child.RefusedName):
            child.lookup(FakeKeras(), name)


def test_every_validator_belongs_to_a_rule_and_registering_twice_fails() -> None:
    codes = {rule.code for rule in all_rules()}
    registered = validated_codes()
    assert set(registered) <= codes
    assert {"TFL101", "TFL201", "TFL203", "TFL604", "TFL605", "TFL606"} <= set(registered)
    with pytest.raises(ValueError, match="already has a validator"):
        validator("TFL101")(lambda site: Verdict(INCONCLUSIVE, "x"))


def test_a_new_rule_plugs_in_with_one_function(monkeypatch: pytest.MonkeyPatch) -> None:
    from tf_lint.validate import checks

    monkeypatch.setattr(checks, "_VALIDATORS", dict(checks._VALIDATORS))
    seen: List[str] = []

    @validator("TFL001")
    def _check(site: Site) -> Verdict:
        seen.append(type(site.node).__name__)
        return Verdict(INCONCLUSIVE, "plugged in")

    diagnostic = Diagnostic("f.py", 2, 0, "TFL001", "m", end_line=2, end_col=12)
    verdicts, jobs = session.plan([diagnostic], lambda path: "import tensorflow as tf\ntf.add(a, b)\n", 2.0)
    assert verdicts[0] == Verdict(INCONCLUSIVE, "plugged in") and not jobs
    assert seen == ["Call"]


def test_without_a_backend_every_check_is_inconclusive_with_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "available", lambda module: False)
    diagnostics = _lint(TRAINING)
    verdicts = session.validate(diagnostics, _read, Options())
    checked = [v for v in verdicts if v is not None]
    assert checked and all(v.status == INCONCLUSIVE for v in checked)
    assert any("pip install 'tf-lint[validate]'" in v.evidence for v in checked)


def test_refuted_findings_do_not_count_for_the_exit_status(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from tf_lint.validate import cli as validate_cli

    refuted = Verdict(REFUTED, "trained one step without error", Runtime("3", "jax", "0", "CPU"))
    monkeypatch.setattr(validate_cli, "validate", lambda diagnostics, *rest: [refuted for _ in diagnostics])
    path = FIXTURES / "TFL101" / "hits.py"
    assert main([str(path), "--isolated", "--validate", "--select", "TFL101", "--no-cache"]) == 0
    out = capsys.readouterr()
    assert "    validate: refuted: trained one step without error [keras 3 / jax 0 / CPU]" in out.out
    assert "refuted findings do not count" in out.err
    monkeypatch.setattr(validate_cli, "validate", lambda diagnostics, *rest: [Verdict(CONFIRMED, "x") for _ in diagnostics])
    assert main([str(path), "--isolated", "--validate", "--select", "TFL101", "--no-cache"]) == 1


def test_validate_is_refused_with_fixes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(TRAINING), "--validate", "--fix"]) == 2
    assert "--validate cannot be combined" in capsys.readouterr().err


def test_verdicts_in_every_format(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import jsonschema

    from tf_lint.validate import cli as validate_cli

    verdict = Verdict(CONFIRMED, "Keras raised at first fit: ValueError: x", Runtime("3.15.1", "jax", "0.10.2", "CPU"), "first fit")
    monkeypatch.setattr(validate_cli, "validate", lambda diagnostics, *rest: [verdict for _ in diagnostics])
    args = [str(FIXTURES / "TFL101" / "hits.py"), "--isolated", "--validate", "--select", "TFL101", "--no-cache", "-q"]
    main(args + ["--format", "json"])
    items = json.loads(capsys.readouterr().out)
    assert items[0]["validation"] == {
        "verdict": "confirmed",
        "evidence": "Keras raised at first fit: ValueError: x",
        "phase": "first fit",
        "runtime": {"keras": "3.15.1", "backend": "jax", "backend_version": "0.10.2", "device": "CPU"},
        "measured": None,
    }
    main(args + ["--format", "sarif"])
    log = json.loads(capsys.readouterr().out)
    schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(log, schema)
    assert log["runs"][0]["results"][0]["properties"]["validation"]["verdict"] == "confirmed"
    main(args + ["--format", "github"])
    assert "%0Avalidate: confirmed: Keras raised at first fit" in capsys.readouterr().out


# --- the real runtime ------------------------------------------------------------------------------


def _lint(path: Path) -> List[Diagnostic]:
    return check_paths([path], Config()).diagnostics


def _read(path: str) -> Optional[str]:
    return Path(path).read_text(encoding="utf-8")


def _expected_verdicts(path: Path) -> Dict[int, str]:
    found = {}
    for token in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
        match = _VERDICT.search(token.string) if token.type == tokenize.COMMENT else None
        if match:
            found[token.start[0]] = match.group(1)
    return found


API_NAMES = FIXTURES / "validate" / "api_names.py"
MODEL_LOSS = FIXTURES / "validate" / "model_loss.py"
MODELS_AND_SAVING = FIXTURES / "validate" / "models_and_saving.py"
VERDICT_FIXTURES = [TRAINING, API_NAMES, MODEL_LOSS, MODELS_AND_SAVING]


@pytest.fixture(scope="module")
def all_verdicts(tmp_path_factory: pytest.TempPathFactory) -> Dict[Path, Dict[int, Verdict]]:
    """Every finding of the verdict fixtures, validated in one run (one child process)."""
    _runtime_or_skip()
    diagnostics = check_paths(VERDICT_FIXTURES, Config()).diagnostics
    cache = tmp_path_factory.mktemp("validate-cache")
    verdicts = session.validate(diagnostics, _read, Options(timeout=300), cache)
    found: Dict[Path, Dict[int, Verdict]] = {path: {} for path in VERDICT_FIXTURES}
    for d, v in zip(diagnostics, verdicts):
        if v is not None:
            found[Path(d.path)][d.line] = v
    found[TRAINING][0] = Verdict("cache", str(cache))  # for the cache test
    return found


@pytest.fixture(scope="module")
def training_verdicts(all_verdicts: Dict[Path, Dict[int, Verdict]]) -> Dict[int, Verdict]:
    return all_verdicts[TRAINING]


@pytest.mark.parametrize("path", VERDICT_FIXTURES, ids=lambda p: p.name)
def test_each_fixture_finding_gets_its_expected_verdict(path: Path, all_verdicts: Dict[Path, Dict[int, Verdict]]) -> None:
    got = {line: v.status for line, v in all_verdicts[path].items() if line}
    assert got == _expected_verdicts(path), "\n".join(f"{line}: {v.describe()}" for line, v in sorted(all_verdicts[path].items()))


def test_the_briefs_misspelled_loss_is_confirmed_with_the_real_error(training_verdicts: Dict[int, Verdict]) -> None:
    verdict = training_verdicts[22]
    assert verdict.status == CONFIRMED and verdict.phase == "first fit"
    assert "ValueError: Could not interpret loss identifier: sparce_categorical_crossentropy" in verdict.evidence
    assert verdict.runtime is not None and verdict.runtime.keras and verdict.runtime.device in ("CPU",) or "GPU" in verdict.runtime.device


def test_an_unreconstructible_model_is_inconclusive_with_its_reason(training_verdicts: Dict[int, Verdict]) -> None:
    assert training_verdicts[46].evidence == "cannot rebuild: layer MyBlock is defined by user code"


def test_per_sample_predict_is_confirmed_with_a_measured_ratio(training_verdicts: Dict[int, Verdict]) -> None:
    verdict = training_verdicts[58]
    assert verdict.measured is not None and verdict.measured["ratio"] > 1
    assert "samples/s one at a time against" in verdict.evidence


def test_a_second_run_runs_nothing(training_verdicts: Dict[int, Verdict], monkeypatch: pytest.MonkeyPatch) -> None:
    def no_child(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a cached run started a child process")

    monkeypatch.setattr(session, "run_jobs", no_child)
    diagnostics = _lint(TRAINING)
    again = session.validate(diagnostics, _read, Options(timeout=300), Path(training_verdicts[0].evidence))
    assert {d.line: v.status for d, v in zip(diagnostics, again) if v is not None} == _expected_verdicts(TRAINING)


def test_the_correct_loss_is_refuted(tmp_path: Path) -> None:
    """A finding about a name Keras accepts (as if the rule were wrong) is refuted: the
    rebuilt model trains."""
    _runtime_or_skip()
    source = "import keras\nmodel = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation='softmax')])\nmodel.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
    column = source.splitlines()[2].index("'sparse")
    end = column + len("'sparse_categorical_crossentropy'")
    claimed = Diagnostic("m.py", 3, column, "TFL101", "unknown loss (deliberately wrong)", end_line=3, end_col=end)
    [verdict] = session.validate([claimed], lambda path: source, Options(timeout=300))
    assert verdict is not None and verdict.status == REFUTED, verdict
    assert "trained one step without error" in verdict.evidence


def test_the_users_file_is_never_executed(tmp_path: Path) -> None:
    _runtime_or_skip()
    marker = tmp_path / "executed.txt"
    script = tmp_path / "trap.py"
    script.write_text(
        "import pathlib\n"
        f"pathlib.Path({str(marker)!r}).write_text('the validator ran user code')\n"
        "import keras\n"
        "model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n"
        "model.compile(optimizer='adam', loss='msee')\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "tf_lint", "--validate", "--isolated", "--no-cache", "--format", "json", str(script)],
        capture_output=True, text=True, cwd=tmp_path, timeout=600, check=False,
    )
    assert proc.returncode == 1, proc.stderr
    [item] = json.loads(proc.stdout)
    assert item["validation"]["verdict"] == "confirmed", item
    assert not marker.exists()


def test_a_child_that_times_out_runs_out_of_memory_or_dies_is_reported_not_fatal() -> None:
    backend = _runtime_or_skip()
    jobs = [
        {"id": "dies", "probe": "exit"},
        {"id": "too-big", "probe": "allocate", "megabytes": 6000},
        {"id": "fine", "probe": "construct", "call": {"call": "keras.layers.Dense", "args": [2], "kwargs": {}}},
        {"id": "hangs", "probe": "sleep", "seconds": 600},
    ]
    result = run_jobs(jobs, backend, Options(timeout=60, memory_mb=3072, device="cpu"))
    outcomes = result.outcomes
    assert outcomes["dies"]["status"] == "crashed" and "SIGKILL" in outcomes["dies"]["message"]
    assert outcomes["too-big"]["status"] == "out-of-memory"
    assert outcomes["fine"]["status"] == "ok"  # the batch went on in a fresh child
    assert outcomes["hangs"] == {"status": "crashed", "message": "timed out after 60 s (--validate-timeout)"}
    assert result.runtime is not None and result.runtime.device == "CPU"


def test_judges_only_confirm_on_the_predicted_evidence() -> None:
    from tf_lint.validate.validators import _expects_error

    judge = _expects_error("msee", "trained")
    raised = {"status": "raised", "phase": "first fit", "type": "ValueError", "message": "Could not interpret loss identifier: msee"}
    assert judge(raised).status == CONFIRMED
    other = dict(raised, message="Input 0 is incompatible with the layer")
    assert judge(other).status == INCONCLUSIVE and "another reason" in judge(other).evidence
    assert judge({"status": "ok", "loss": 0.5}).status == REFUTED
    assert judge({"status": "crashed", "message": "timed out after 1 s"}).evidence == "timed out after 1 s"


def test_stderr_noise_is_filtered() -> None:
    noisy = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\nI0000 00:00:1 cudart_stub.cc:31] x\nValueError: real\n"
    assert sandbox.clean_stderr(noisy) == "ValueError: real"


def test_the_child_environment_drops_the_users_python_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PYTHONPATH", "/somewhere/else")
    monkeypatch.setenv("SECRET_TOKEN", "x")
    env = sandbox.child_environment(tmp_path, "jax", "cpu")
    assert "PYTHONPATH" not in env and "SECRET_TOKEN" not in env
    assert env["JAX_PLATFORMS"] == "cpu" and env["KERAS_BACKEND"] == "jax" and env["HOME"] == str(tmp_path)


def test_keras_2_files_are_inconclusive_not_refuted() -> None:
    source = "import tf_keras as keras\nmodel = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])\nmodel.compile(optimizer='adam', loss='dice')\n"
    column = source.splitlines()[2].index("'dice'")
    claimed = Diagnostic("m.py", 3, column, "TFL101", "m", end_line=3, end_col=column + 6)
    verdicts, jobs = session.plan([claimed], lambda path: source, 2.0)
    assert not jobs and verdicts[0] is not None and "targets Keras 2" in verdicts[0].evidence


def test_a_positional_flagged_argument_must_be_rebuilt() -> None:
    source = "import keras\nfrom mylib import f1\nmodel = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])\nmodel.compile('adam', 'mse', None, ['acuracy', f1])\n"
    column = source.splitlines()[3].index("'acuracy'")
    claimed = Diagnostic("m.py", 4, column, "TFL102", "m", end_line=4, end_col=column + 9)
    verdicts, jobs = session.plan([claimed], lambda path: source, 2.0)
    assert not jobs and verdicts[0] is not None and verdicts[0].status == INCONCLUSIVE
    assert "compile(metrics=...)" in verdicts[0].evidence


def test_a_failing_validator_is_one_inconclusive_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    from tf_lint.validate import checks

    monkeypatch.setattr(checks, "_VALIDATORS", dict(checks._VALIDATORS))

    def broken(site: Site) -> Verdict:
        raise RuntimeError("boom")

    checks._VALIDATORS["TFL001"] = broken
    diagnostic = Diagnostic("f.py", 2, 0, "TFL001", "m", end_line=2, end_col=12)
    verdicts, _ = session.plan([diagnostic], lambda path: "import tensorflow as tf\ntf.add(a, b)\n", 2.0)
    assert verdicts[0] is not None and "the validator failed (RuntimeError: boom)" in verdicts[0].evidence


def test_judges_match_whole_names() -> None:
    from tf_lint.validate.validators import _expects_error

    outcome = {"status": "raised", "phase": "compile", "type": "ValueError", "message": "Could not interpret optimizer identifier: sgdd"}
    assert _expects_error("sgd", "trained")(outcome).status == INCONCLUSIVE
    assert _expects_error("sgdd", "trained")(outcome).status == CONFIRMED


def test_refuted_findings_are_notes_in_sarif_and_notices_on_github() -> None:
    from tf_lint.formats import render

    diagnostic = Diagnostic("m.py", 1, 0, "TFL101", "unknown loss", end_line=1, end_col=4)
    refuted = [Verdict(REFUTED, "trained")]
    assert json.loads(render([diagnostic], "sarif", verdicts=refuted))["runs"][0]["results"][0]["level"] == "note"
    assert render([diagnostic], "github", verdicts=refuted).startswith("::notice ")


def test_the_tensor_loop_is_timed_at_the_users_length() -> None:
    source = "import tensorflow as tf\nsmall = tf.random.normal([300])\ntotal = 0.0\nfor v in small:\n    total += v\n"
    from tf_lint.engine import lint_source

    diagnostics = [d for d in lint_source(source, "m.py") if d.code == "TFL203"]
    _verdicts, jobs = session.plan(diagnostics, lambda path: source, 2.0)
    [check] = jobs.values()
    assert check.job["size"] == 300 and "300 elements" in check.note


def test_the_check_job_is_plain_json() -> None:
    diagnostics = _lint(TRAINING)
    _verdicts, jobs = session.plan(diagnostics, _read, 2.0)
    assert jobs
    for check in jobs.values():
        assert isinstance(check, Check)
        assert json.loads(json.dumps(check.job)) == check.job


def test_an_unbatched_dataset_is_confirmed_with_tensorflow_and_inconclusive_without() -> None:
    _runtime_or_skip()
    path = FIXTURES / "validate" / "datasets.py"
    diagnostics = _lint(path)
    [verdict] = session.validate(diagnostics, _read, Options(timeout=300))
    assert verdict is not None
    if sandbox.available("tensorflow"):
        assert verdict.status == CONFIRMED and verdict.phase == "first fit"
        assert "Expected shape (None, 8), but input has incompatible shape (8,)" in verdict.evidence
    else:
        assert verdict.status == INCONCLUSIVE and "tf.data needs TensorFlow" in verdict.evidence


def test_retracing_is_counted_with_tensorflow_and_inconclusive_without() -> None:
    _runtime_or_skip()
    diagnostics = [d for d in _lint(FIXTURES / "TFL208" / "hits.py") if d.code == "TFL208"][:1]
    [verdict] = session.validate(diagnostics, _read, Options(timeout=300))
    assert verdict is not None
    if sandbox.available("tensorflow"):
        assert verdict.status == CONFIRMED and verdict.measured["traces"] == 20 and verdict.measured["control_traces"] == 1
    else:
        assert verdict.status == INCONCLUSIVE and "tf.function needs TensorFlow" in verdict.evidence
