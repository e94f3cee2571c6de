"""[tool.tf-lint]: discovery, validation and selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from tf_lint.config import Config, ConfigError, discover, load_file, parse_table


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_enable_the_default_rules() -> None:
    from tf_lint.rules import all_rules

    assert Config().enabled_codes() == {r.code for r in all_rules() if r.default_enabled}


@pytest.mark.parametrize(
    "table, on, off",
    [
        ({}, {"TFL101", "TFL203"}, {"TFL001"}),  # TFL001 is off by default
        ({"extend-select": ["TFL001"]}, {"TFL001", "TFL101"}, set()),
        ({"select": ["TFL1"]}, {"TFL101"}, {"TFL001", "TFL203"}),
        ({"select": ["TFL"], "ignore": ["TFL2"]}, {"TFL101", "TFL001"}, {"TFL203", "TFL209"}),
        ({"ignore": ["TFL2"], "extend-select": ["TFL203"]}, {"TFL203", "TFL101"}, {"TFL201"}),
        ({"select": ["TFL101"], "ignore": ["TFL101"]}, set(), {"TFL101"}),  # a tie: ignore wins
        ({"select": ["TFL2"], "ignore": ["TFL20"], "extend-select": ["TFL209"]}, {"TFL209"}, {"TFL201", "TFL101"}),
        ({"extend-ignore": ["TFL001"]}, {"TFL101"}, {"TFL001"}),
    ],
)
def test_selection(table, on, off) -> None:  # type: ignore[no-untyped-def]
    enabled = parse_table(table).enabled_codes()
    assert on <= enabled
    assert not (off & enabled)


def test_unknown_key_names_key_file_and_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", '[tool.tf-lint]\nselct = ["TFL1"]\n')
    with pytest.raises(ConfigError) as error:
        discover(tmp_path)
    message = str(error.value)
    assert "selct" in message and str(path) in message and "did you mean 'select'" in message


@pytest.mark.parametrize(
    "body, fragment",
    [
        ('select = "TFL1"', "must be a list of strings"),
        ("ignore = [101]", "must be a list of strings"),
        ('select = ["E501"]', "matches no tf-lint rule code"),
        ('ignore = ["TFL8"]', "matches no tf-lint rule code"),
        ('per-file-ignores = ["tests/*"]', "must be a table"),
        ('per-file-ignores = { "tests/*" = "TFL1" }', "must be a list of codes"),
        ('per-file-ignores = { "tests/*" = ["XYZ1"] }', "matches no tf-lint rule code"),
        ('max-file-size = "1MB"', "whole number of KiB"),
        ("max-file-size = -1", "whole number of KiB"),
        ('prefilter = "no"', "must be true or false"),
    ],
)
def test_bad_values(tmp_path: Path, body: str, fragment: str) -> None:
    write(tmp_path / "pyproject.toml", f"[tool.tf-lint]\n{body}\n")
    with pytest.raises(ConfigError, match=fragment):
        discover(tmp_path)


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.tf-lint\nselect = \n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        discover(tmp_path)


def test_discovery_walks_up_and_skips_pyprojects_without_the_table(tmp_path: Path) -> None:
    top = write(tmp_path / "pyproject.toml", '[tool.tf-lint]\nignore = ["TFL001"]\n')
    write(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'x'\n")
    nested = tmp_path / "pkg" / "src" / "mod"
    nested.mkdir(parents=True)
    config = discover(nested)
    assert config.source == top and config.ignore == ("TFL001",)


def test_no_config_anywhere_gives_defaults(tmp_path: Path) -> None:
    assert discover(tmp_path).source is None


def test_explicit_config_file(tmp_path: Path) -> None:
    bare = write(tmp_path / "tf-lint.toml", 'select = ["TFL101"]\n')
    assert load_file(bare).enabled_codes() == {"TFL101"}
    empty = write(tmp_path / "other" / "pyproject.toml", "[project]\nname='x'\n")
    with pytest.raises(ConfigError, match="no \\[tool.tf-lint\\] table"):
        load_file(empty)


def test_per_file_ignores_match_relative_paths_and_names(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.tf-lint.per-file-ignores]\n"tests/*" = ["TFL2"]\n"conftest.py" = ["TFL101"]\n')
    config = discover(tmp_path)
    assert config.ignored_for(tmp_path / "tests" / "deep" / "test_x.py") == ("TFL2",)
    assert config.ignored_for(tmp_path / "src" / "conftest.py") == ("TFL101",)
    assert config.ignored_for(tmp_path / "src" / "model.py") == ()


def test_command_line_overrides(tmp_path: Path) -> None:
    config = parse_table({"select": ["TFL1"], "ignore": ["TFL101"]})
    assert config.with_overrides(select=["TFL2"]).enabled_codes() & {"TFL201", "TFL101"} == {"TFL201"}
    assert "TFL101" in config.with_overrides(ignore=[]).enabled_codes()
    with pytest.raises(ConfigError, match="--select"):
        config.with_overrides(select=["F401"])
