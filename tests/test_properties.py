"""Property tests: on any program, the linter never raises, stays inside the file, and is
deterministic, whether run once or twice, in one process or several.

Two sources of programs: hypothesmith's arbitrary Python (odd syntax the fixtures never
show), and a generator of TensorFlow-flavoured code that combines the calls, loops, scopes
and decorators the rules look at, so the rules' own logic is exercised, not only the parser.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tf_lint.config import Config
from tf_lint.diagnostics import Diagnostic
from tf_lint.engine import lint_source
from tf_lint.runner import check_paths, check_text

# hypothesmith writes things like `0()`, which CPython compiles with a SyntaxWarning.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

EVERY_RULE = Config(select=("TFL",))
ENABLED = EVERY_RULE.enabled_codes()


def examples(count: int) -> settings:
    """Generated programs take milliseconds to hundreds of them: no deadline, no slowness checks."""
    return settings(max_examples=count, deadline=None, suppress_health_check=list(HealthCheck))

IMPORTS = [
    "import tensorflow as tf",
    "from tensorflow import keras",
    "import keras",
    "from keras import layers",
    "import numpy as np",
    "import tf_keras",
    "from tensorflow.keras import optimizers as opt",
    "import tensorflow.compat.v1 as v1",
]
NAMES = ["x", "y", "model", "ds", "t", "i", "batch", "images", "self.model"]
STRINGS = ["'mse'", "'msee'", "'adam'", "'adma'", "'accuracy'", "'acc'", "'relu'", "'rleu'", "'same'", "'valid'", "'SAME'"]
CALLS = [
    "tf.constant([1.0, 2.0])",
    "tf.add({a}, {b})",
    "tf.add({a}, {b}, name='sum')",
    "model.predict({a})",
    "model.predict({a}[i])",
    "model({a}, training=False)",
    "model.fit({a}, {b}, batch_size=1)",
    "model.fit({a}, epochs=2)",
    "model.fit_generator({a})",
    "model.train_on_batch({a}, {b})",
    "tf.data.Dataset.from_tensor_slices({a})",
    "tf.data.Dataset.range(10).map(lambda v: v * 2)",
    "{a}.batch(32)",
    "{a}.shuffle(100).take(5)",
    "keras.layers.Dense(10, activation={s})",
    "layers.Conv2D(8, 3, padding={s})",
    "keras.Sequential([keras.layers.Dense(2, activation={s})])",
    "model.compile(optimizer={s}, loss={s}, metrics={s})",
    "model.compile(loss=keras.losses.get({s}), metrics=[{s}])",
    "keras.optimizers.Adam(lr=0.1, decay=0.01)",
    "opt.SGD(learning_rate=0.1)",
    "tf.range({a})",
    "tf.reduce_sum({a})",
    "np.array({a})",
    "tf_keras.layers.Dense(1, kernel_initializer={s})",
    "v1.placeholder(tf.float32)",
    "len({a})",
    "{a}.numpy()",
    "[model.predict(v) for v in {a}]",
    "{a}[i]",
    "{a} + {b}",
]
ITERABLES = ["x", "ds", "range(10)", "tf.range(10)", "range(len(x))", "images", "enumerate(ds)", "tf.unstack(t)"]


@st.composite
def expressions(draw: st.DrawFn) -> str:
    template = draw(st.sampled_from(CALLS))
    return template.format(a=draw(st.sampled_from(NAMES)), b=draw(st.sampled_from(NAMES)), s=draw(st.sampled_from(STRINGS)))


def _indent(lines: List[str]) -> List[str]:
    return ["    " + line for line in lines]


@st.composite
def blocks(draw: st.DrawFn, depth: int = 0) -> List[str]:
    """A non-empty list of statement lines (already indented relative to the block)."""
    lines: List[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kinds = ["assign", "expr"] + (["for", "while", "if", "def", "tf_function", "with", "class", "try"] if depth < 3 else [])
        kind = draw(st.sampled_from(kinds))
        target = draw(st.sampled_from(NAMES))
        if kind == "assign":
            lines.append(f"{target} = {draw(expressions())}")
        elif kind == "expr":
            lines.append(draw(expressions()))
        elif kind == "for":
            lines += [f"for {draw(st.sampled_from(['v', 'i', 'x']))} in {draw(st.sampled_from(ITERABLES))}:", *_indent(draw(blocks(depth + 1)))]
        elif kind == "while":
            lines += ["while i < 10:", *_indent(draw(blocks(depth + 1)))]
        elif kind == "if":
            lines += ["if x:", *_indent(draw(blocks(depth + 1))), "else:", *_indent(draw(blocks(depth + 1)))]
        elif kind in ("def", "tf_function"):
            decorator = ["@tf.function"] if kind == "tf_function" else []
            body = draw(blocks(depth + 1)) + [f"return {draw(st.sampled_from(NAMES))}"]
            lines += [*decorator, f"def step({draw(st.sampled_from(['x', 'x, y', 'self, x', 'ds']))}):", *_indent(body)]
        elif kind == "with":
            lines += ["with tf.GradientTape() as tape:", *_indent(draw(blocks(depth + 1)))]
        elif kind == "class":
            method = ["def call(self, x, training=None):", *_indent(draw(blocks(depth + 2)) + ["return x"])]
            lines += [f"class Net({draw(st.sampled_from(['keras.Model', 'tf.keras.layers.Layer', 'object']))}):", *_indent(method)]
        else:
            lines += ["try:", *_indent(draw(blocks(depth + 1))), "except ValueError:", "    pass"]
    return lines


@st.composite
def tf_programs(draw: st.DrawFn) -> str:
    imports = draw(st.lists(st.sampled_from(IMPORTS), min_size=1, max_size=4, unique=True))
    return "\n".join([*imports, *draw(blocks())]) + "\n"


def assert_well_formed(diagnostics: List[Diagnostic], source: str) -> None:
    line_count = max(1, len(source.splitlines()))
    for d in diagnostics:
        assert d.code != "TFL999", d.format_text()
        assert 1 <= d.line <= line_count, d.format_text()
        assert d.col >= 0
        if d.end_line:
            assert (d.line, d.col) <= (d.end_line, d.end_col) and d.end_line <= line_count, d


@examples(150)
@given(tf_programs())
def test_tf_programs_lint_cleanly_and_deterministically(source: str) -> None:
    compile(source, "<generated>", "exec")  # the generator itself must produce valid Python
    first = lint_source(source, "gen.py", ENABLED)
    assert_well_formed(first, source)
    assert all(d.code != "TFL901" for d in first)
    assert lint_source(source, "gen.py", ENABLED) == first


@examples(60)
@given(tf_programs())
def test_noqa_on_every_line_silences_everything(source: str) -> None:
    silenced = "".join(line + "  # noqa\n" for line in source.splitlines())
    assert check_text(silenced, "gen.py", EVERY_RULE, ENABLED) == []


@examples(80)
@given(hypothesmith.from_grammar())
def test_arbitrary_python_never_breaks_the_engine(source: str) -> None:
    program = "import tensorflow as tf\n" + source
    first = lint_source(program, "gen.py", ENABLED)
    assert_well_formed(first, program)
    assert lint_source(program, "gen.py", ENABLED) == first
    from tf_lint.fixer import fix_text

    outcome = fix_text(program, "gen.py", EVERY_RULE, ENABLED, unsafe=True)  # never raises, never breaks code
    assert outcome.source == program or (outcome.error is None and fix_text(outcome.source, "gen.py", EVERY_RULE, ENABLED, unsafe=True).source == outcome.source)


@examples(3)
@given(st.lists(tf_programs(), min_size=10, max_size=16))
def test_one_process_and_several_agree(tmp_path_factory: pytest.TempPathFactory, sources: List[str]) -> None:
    directory = tmp_path_factory.mktemp("programs")
    paths = []
    for index, source in enumerate(sources):
        path = directory / f"program_{index:02}.py"
        path.write_text(source, encoding="utf-8")
        paths.append(path)
    serial = check_paths(paths, EVERY_RULE, jobs=1)
    parallel = check_paths(paths, EVERY_RULE, jobs=2)
    assert serial.diagnostics == parallel.diagnostics
    assert [d.path for d in serial.diagnostics] == sorted(d.path for d in serial.diagnostics)
    assert all(Path(d.path).parent == directory for d in serial.diagnostics)


@examples(60)
@given(tf_programs())
def test_fixes_on_generated_programs_parse_and_reach_a_fixed_point(source: str) -> None:
    from tf_lint.fixer import applicable, fix_text

    outcome = fix_text(source, "gen.py", EVERY_RULE, ENABLED, unsafe=True)
    assert outcome.error is None, outcome.error
    compile(outcome.source, "<fixed>", "exec")
    assert not any(applicable(d, True) for d in outcome.remaining)
    again = fix_text(outcome.source, "gen.py", EVERY_RULE, ENABLED, unsafe=True)
    assert again.source == outcome.source and not again.applied
