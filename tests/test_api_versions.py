"""The per-release TensorFlow data (api-tensorflow-versions.json).

Everything here runs from the shipped data (CI does not install TensorFlow), except the
regeneration check, which needs the newest release installed.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from typing import Set

import pytest

from tf_lint.knowledge import api_generate
from tf_lint.knowledge.api import KNOWN, MISSING, api_surface, lookup
from tf_lint.knowledge.api_versions import VERSIONS_FILE, added_in, exists_in, lookup_in, release_data, removed_in


def _data():  # type: ignore[no-untyped-def]
    data = release_data()
    assert data is not None, f"{VERSIONS_FILE} is missing"
    return data


def _newest_names() -> Set[str]:
    """Every dotted name of api-tensorflow.json, mirrored modules spelled out."""
    surface = api_surface("tensorflow")
    assert surface is not None
    modules = {**surface.modules, **{alias: surface.modules[target] for alias, target in surface.mirrors.items()}}
    names = set(modules)
    for module, children in modules.items():
        names.update(f"{module}.{attr}" for attr in children)
    return names


# --- the data ------------------------------------------------------------------------------------


def test_covers_every_minor_release_and_says_what_was_installed() -> None:
    data = _data()
    assert data.releases == tuple(sorted(data.releases, key=api_generate.release_key))
    assert {f"2.{minor}" for minor in range(22)} <= set(data.releases)
    assert "1.15" in data.releases  # the TF 1 baseline: tf.contrib, tf.placeholder
    assert set(data.installed) == set(data.releases)
    for release, installed in data.installed.items():
        assert installed.startswith(release + "."), (release, installed)


def test_runs_are_well_formed_and_only_for_names_some_release_lacks() -> None:
    data = _data()
    last = len(data.releases) - 1
    for table in (data.names, data.walked):
        for name, runs in table.items():
            assert name.startswith("tensorflow"), name
            assert runs and runs != ((0, last),), name
            for (low, high), following in zip(runs, runs[1:] + ((last + 2, last + 2),)):
                assert 0 <= low <= high <= last and high + 1 < following[0], (name, runs)


def test_newest_release_agrees_with_the_api_data() -> None:
    """The per-release walk of the newest release is the walk api-tensorflow.json comes from."""
    data, surface = _data(), api_surface("tensorflow")
    assert surface is not None
    newest = len(data.releases) - 1
    assert data.installed[data.releases[newest]].split()[0] == surface.version
    names = _newest_names()
    for name, runs in data.names.items():
        in_newest = any(low <= newest <= high for low, high in runs)
        assert (name in names) == in_newest, name
    for module, runs in data.walked.items():
        assert (surface.module(module) is not None) == any(low <= newest <= high for low, high in runs), module
    for name in sorted(names)[::97]:  # a sample, spread over the whole tree
        assert exists_in(name, data.releases[newest]) is True, name


def test_data_is_small_and_loads_lazily() -> None:
    size = (api_generate._HERE / VERSIONS_FILE).stat().st_size
    assert size < 256 * 1024, size
    code = (
        "from tf_lint.engine import lint_source\n"
        "from tf_lint.knowledge.api_versions import release_data\n"
        "lint_source('import tensorflow as tf\\ntf.math.log(tf.keras.layers.Dense(3))\\n', 'a.py')\n"
        "before = release_data.cache_info().currsize\n"
        "lint_source('import tensorflow as tf\\ntf.estimator.Estimator\\n', 'b.py')\n"
        "print(before, release_data.cache_info().currsize)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0", "1"]  # only read to explain a missing TensorFlow name


# --- facts measured --------------------------------------------------------------------------------


def test_measured_removals() -> None:
    assert removed_in("tensorflow.estimator") == "2.16"
    assert exists_in("tensorflow.estimator", "2.15") is True
    assert exists_in("tensorflow.estimator", "2.16") is False
    assert removed_in("tensorflow.contrib") == "2.0"
    assert exists_in("tensorflow.contrib", "1.15") is True
    assert removed_in("tensorflow.placeholder") == "2.0"
    assert removed_in("tensorflow.math.log") is None  # never removed
    assert removed_in("tensorflow.math.logg") is None  # never existed
    assert all(exists_in("tensorflow.compat.v1.contrib", release) is False for release in _data().releases[1:])


def test_compat_v2_has_what_tensorflows_init_attaches() -> None:
    assert lookup("tensorflow.compat.v2.enable_v2_behavior").status == KNOWN
    assert lookup("tensorflow.enable_v2_behavior").status == MISSING  # tf itself does not have it
    assert all(exists_in("tensorflow.compat.v2.enable_v2_behavior", release) for release in _data().releases)


def test_measured_additions() -> None:
    assert added_in("tensorflow.experimental.numpy") == "2.4"
    assert exists_in("tensorflow.experimental.numpy", "2.3") is False
    assert exists_in("tensorflow.experimental.numpy.zeros", "2.3") is False  # below a name not there yet
    assert added_in("tensorflow.math.log") is None  # in the oldest release covered
    assert added_in("tensorflow.compat.v2") is None


def test_the_data_says_when_it_cannot_tell() -> None:
    assert exists_in("tensorflow.estimator.Estimator", "2.15") is None  # estimator's insides are not walked
    assert exists_in("tensorflow.math.log", "2.99") is None  # a release not covered
    assert exists_in("tensorflow.math.log", "1.12") is None
    assert exists_in("keras.layers.Dense", "2.15") is None  # Keras' business
    assert exists_in("tensorflow.math.__doc__", "2.15") is None
    assert exists_in("tensorflow.math.log", "2.15.1") is True  # a patch release is its minor's


def test_lookup_in_a_target_release() -> None:
    assert lookup_in("tensorflow.estimator.Estimator", "2.15").status != MISSING
    gone = lookup_in("tensorflow.estimator.Estimator", "2.16")
    assert (gone.status, gone.owner, gone.attr, gone.removed, gone.release) == (MISSING, "tensorflow", "estimator", "2.16", "2.16")
    newest = lookup_in("tensorflow.estimator")
    assert (newest.status, newest.removed, newest.release) == (MISSING, "2.16", "")
    early = lookup_in("tensorflow.experimental.numpy.zeros", "2.3")
    assert (early.status, early.owner, early.attr, early.added) == (MISSING, "tensorflow.experimental", "numpy", "2.4")
    assert lookup_in("tensorflow.placeholder", "1.15").status == KNOWN
    assert lookup_in("tensorflow.math.log", "2.99") == lookup("tensorflow.math.log")


def test_regenerated_walk_of_the_installed_release_matches() -> None:
    """The newest release's walk, redone with the installed TensorFlow (skipped without it)."""
    if importlib.util.find_spec("tensorflow") is None:
        pytest.skip("TensorFlow not installed; `pip install tensorflow` to check the newest release's walk")
    import tensorflow as tf

    surface = api_surface("tensorflow")
    assert surface is not None
    if tf.__version__ != surface.version:
        pytest.skip(f"data is for TensorFlow {surface.version}, installed {tf.__version__}")
    assert set(api_generate.release_names()["names"]) == _newest_names()


def test_merge_keeps_only_names_some_release_lacks() -> None:
    walk = {
        "2.0": {"version": "2.0.4", "python": "3.7.16", "names": ["tensorflow.a", "tensorflow.old"], "modules": ["tensorflow"]},
        "2.1": {"version": "2.1.4", "python": "3.7.16", "names": ["tensorflow.a"], "modules": ["tensorflow"]},
        "2.2": {"version": "2.2.3", "python": "3.8.18", "names": ["tensorflow.a", "tensorflow.old", "tensorflow.new"], "modules": ["tensorflow"]},
    }
    merged = api_generate.merge_releases(walk)
    assert merged["releases"] == ["2.0", "2.1", "2.2"]
    assert merged["names"] == {"0-0,2-2": {"tensorflow": ["old"]}, "2-2": {"tensorflow": ["new"]}}
    assert merged["walked"] == {}
    assert json.loads(api_generate.render(merged)) == merged
