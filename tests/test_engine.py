"""Engine guarantees: rules are isolated, the analyzer never imports TF/Keras, bad input is contained."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import FIXTURES

from tf_lint.engine import lint_source
from tf_lint.registry import RegistryError, register
from tf_lint.rules import all_rules


def test_a_crashing_rule_becomes_TFL999_and_the_others_still_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from tf_lint.rules.tfl001_redundant_tf_binary_op import RedundantTfBinaryOp

    def boom(self, node, callee):  # type: ignore[no-untyped-def]
        raise RuntimeError("kaput")

    monkeypatch.setattr(RedundantTfBinaryOp, "on_call", boom)
    source = 'import tensorflow as tf\na = tf.constant(1.0)\nb = tf.add(a, a)\ntf.keras.losses.get("msee")\n'
    found = lint_source(source, "x.py", {"TFL001", "TFL101", "TFL999"})
    codes = [d.code for d in found]
    assert "TFL101" in codes and "TFL001" not in codes
    [internal] = [d for d in found if d.code == "TFL999"]
    assert "TFL001" in internal.message and "RuntimeError: kaput" in internal.message


def test_analyzer_never_imports_tensorflow_or_keras() -> None:
    script = textwrap.dedent(
        """
        import sys
        from tf_lint.cli import main
        from tf_lint.engine import lint_source
        lint_source(open(sys.argv[1]).read(), "x.py")
        banned = [m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras", "jax", "tf_keras")]
        print(",".join(banned))
        """
    )
    import tf_lint

    example = __import__("pathlib").Path(tf_lint.__file__).parent.parent / "fixtures" / "TFL101" / "hits.py"
    proc = subprocess.run([sys.executable, "-c", script, str(example)], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""


@pytest.mark.parametrize(
    "source",
    [
        "import tensorflow as tf\n" + "x = (" * 200 + "1" + ")" * 200 + "\n",  # deep nesting
        "import tensorflow as tf\n\x00\n",
        "import tensorflow as tf\nmatch x:\n    case {'a': [1, *rest]}:\n        pass\n",
        "import tensorflow as tf\nasync def f():\n    async for x in tf.constant([1]):\n        await x\n",
        "import tensorflow as tf\nlambda: (yield)\n",
        "",
        "keras",
    ],
)
def test_odd_input_never_raises(source: str) -> None:
    for diagnostic in lint_source(source, "odd.py"):
        assert diagnostic.code.startswith("TFL")


def test_unrelated_files_are_skipped_before_parsing() -> None:
    assert lint_source("def broken(:\n", "x.py") == []
    assert lint_source("def broken(:\n", "x.py", prefilter=False)[0].code == "TFL901"


def test_registry_rejects_malformed_rules() -> None:
    class Bad:
        code, name = "TFX001", "bad-rule"

    with pytest.raises(RegistryError, match="TFL"):
        register(Bad)  # type: ignore[arg-type]

    class Duplicate:
        code, name = "TFL101", "another-name"

    with pytest.raises(RegistryError, match="already used"):
        register(Duplicate)  # type: ignore[arg-type]


def test_rule_metadata_is_complete() -> None:
    names = set()
    for rule in all_rules():
        assert rule.name not in names
        names.add(rule.name)
        for field in ("message", "summary", "rationale", "example", "use_instead"):
            assert getattr(rule, field).strip(), f"{rule.code} lacks {field}"


def test_call_router_wakes_only_interested_rules() -> None:
    import libcst as cst

    from tf_lint.calls import CallInterests, CallRouter
    from tf_lint.context import FileContext
    from tf_lint.walk import Walker

    seen = []

    class Probe:
        def __init__(self, interests: CallInterests) -> None:
            self.interests = interests

        def call_interests(self) -> CallInterests:
            return self.interests

        def on_call(self, node, callee):  # type: ignore[no-untyped-def]
            seen.append((self.interests, callee))

    source = "import tensorflow as tf\nimport numpy as np\ntf.add(1, 2)\nnp.add(1, 2)\nm.fit(x)\ntf.keras.layers.Dense(2)\nprint(3)\n"
    module = cst.parse_module(source)
    ctx = FileContext("x.py", module, source)
    by_name = Probe(CallInterests(names=frozenset({"tensorflow.add"})))
    by_method = Probe(CallInterests(methods=frozenset({"fit"})))
    by_prefix = Probe(CallInterests(prefixes=("keras.layers.",)))
    router = CallRouter(ctx.callee, [by_name, by_method, by_prefix], lambda *a: None, muted=())
    Walker([router], lambda *a: None).walk(module)
    assert [(p.interests, c) for p, c in [(by_name, "tensorflow.add"), (by_method, None), (by_prefix, "keras.layers.Dense")]] == seen


@pytest.mark.parametrize(
    "body",
    [
        "x = 0\nif x == 0:\n    pass\n" + "".join(f"elif x == {i}:\n    pass\n" for i in range(1, 400)),
        "x = " + " + ".join(["1"] * 350) + "\n",
        "ds = tf.data.Dataset.range(3)" + ".map(lambda v: v)" * 200 + "\n",
    ],
    ids=["400-branch elif", "350-term sum", "200-step chain"],
)
def test_deeply_nested_files_are_still_linted(body: str) -> None:
    source = "import tensorflow as tf\n" + body + 'tf.keras.losses.get("msee")\n'
    found = lint_source(source, "deep.py")
    if sys.version_info >= (3, 11):
        assert [d.code for d in found] == ["TFL101"]
    else:  # older interpreters keep their recursion limit: a clear TFL999, never a traceback
        assert [d.code for d in found] in (["TFL101"], ["TFL999"])
        assert found[0].code == "TFL101" or "nests too deeply" in found[0].message


def test_constants_spelled_out_for_speed_agree_with_their_sources() -> None:
    """The flake8 plugin registers without importing the rules, and the config module loads
    without libcst: the values they spell out must match the real ones."""
    from tf_lint import config, engine, flake8_plugin

    assert config.DEFAULT_MAX_FILE_SIZE == engine.DEFAULT_MAX_FILE_SIZE
    assert flake8_plugin.DEFAULT_OFF == tuple(rule.code for rule in all_rules() if not rule.default_enabled)


def test_direct_positions_match_libcsts_metadata_wrapper() -> None:
    """engine.node_positions runs PositionProvider's codegen pass without MetadataWrapper's
    rebuild; it must give exactly the positions the public route gives."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    from tf_lint.positions import node_positions

    for path in sorted(FIXTURES.rglob("*.py"))[:40]:
        try:
            module = cst.parse_module(path.read_text(encoding="utf-8"))
        except cst.ParserSyntaxError:
            continue
        direct = node_positions(module)
        public = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        assert dict(direct) == dict(public), path


def test_garbage_collection_is_paused_per_file_and_restored() -> None:
    import gc

    source = 'import keras\nkeras.Sequential().compile(loss="msee")\n'
    assert gc.isenabled()
    assert [d.code for d in lint_source(source)] == ["TFL101"]
    assert gc.isenabled()
    gc.disable()
    try:
        lint_source(source)
        assert not gc.isenabled()  # a caller that had switched it off keeps it off
    finally:
        gc.enable()
