"""Facts about the real Keras API, generated from the installed library (see ``generate.py``).

The JSON is read lazily, once per process, so files that never reach a rule needing it
(and the flake8 start-up path) pay nothing.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Dict, FrozenSet, NamedTuple, Optional, Tuple

# The data lies beside this module (importlib.resources would cost a few ms of imports per run).
_HERE = Path(__file__).resolve().parent

# When a bad name of each category is rejected, as the generator measured it.
FAILS_AT_WORDS = {
    "constructor": "in the layer constructor",
    "build": "when the layer is built",
    "compile": "at compile()",
    "fit": "at the first fit()",
}


class IdentifierCategory(NamedTuple):  # a named tuple, not a dataclass: ~1 ms less import time each
    """The strings one ``keras.<module>.get`` accepts, and how it compares them."""

    name: str  # "losses", "metrics", ...
    accepted: FrozenSet[str]  # lower-cased when the lookup ignores case
    case_sensitive: bool
    compile_aliases: FrozenSet[str]  # lower-cased; accepted in any case, only through compile()
    rejected_public: Dict[str, str]  # public class/function name -> error Keras raises for the string
    fails_at: str  # "constructor" | "build" | "compile" | "fit"
    fails_with: str  # the exception an unknown name raises there (measured)

    def accepts(self, name: str, *, in_compile: bool) -> bool:
        if in_compile and name.lower() in self.compile_aliases:
            return True
        if self.case_sensitive:
            return name in self.accepted
        return name.lower() in self.accepted

    def rejection(self, name: str) -> Optional[str]:
        """The error Keras raises for a public name it refuses as a string (``'lamb'``), if any."""
        if self.case_sensitive:
            return self.rejected_public.get(name)
        lowered = name.lower()
        return next((error for public, error in self.rejected_public.items() if public.lower() == lowered), None)

    def public_spelling(self, name: str) -> str:
        """``'Lamb'`` for ``'lamb'``: the class name to suggest instead of the string."""
        lowered = name.lower()
        return next((public for public in self.rejected_public if public.lower() == lowered), name)

    @property
    def noun(self) -> str:
        """'loss', 'metric', 'activation'... for messages."""
        return self.name[:-2] if self.name.endswith("sses") else self.name[:-1]


class EnumArgument(NamedTuple):  # a named tuple, not a dataclass: ~1 ms less import time each
    """A string argument a constructor validates: its accepted values and case rule."""

    values: Tuple[str, ...]
    case_sensitive: bool
    position: Optional[int]
    error: str  # what the constructor raises for another value (measured)

    def accepts(self, value: str) -> bool:
        return value in self.values if self.case_sensitive else value.lower() in {v.lower() for v in self.values}


class SavingRule(NamedTuple):  # a named tuple, not a dataclass: ~1 ms less import time each
    """The file-name endings one saving entry point accepts, and the error it raises otherwise."""

    accepted: Tuple[str, ...]
    error: str  # "ValueError: ... filepath={path} ...", measured

    def accepts(self, path: str) -> bool:
        return path.endswith(self.accepted)


class WarnedKeyword(NamedTuple):  # a named tuple, not a dataclass: ~1 ms less import time each
    """A keyword a Keras 3 constructor accepts with a deprecation warning."""

    warning: str
    use: Optional[str]  # the keyword to use instead, when the warning names one


class KerasKnowledge(NamedTuple):  # a named tuple, not a dataclass: ~1 ms less import time each
    keras_version: str
    categories: Dict[str, IdentifierCategory]
    compile_parameters: Tuple[str, ...]
    metrics_must_be_a_list: bool
    layer_arguments: Dict[str, Dict[str, Tuple[str, Optional[int]]]]  # layer -> argument -> (category, position)
    enum_arguments: Dict[str, Dict[str, EnumArgument]]  # "keras.layers.Conv2D" -> argument -> accepted values
    # Saving entry point ("save", "ModelCheckpoint(save_weights_only=True)"...) -> what it accepts.
    saving: Dict[str, SavingRule] = {}
    # "keras.layers.Embedding" -> keyword -> what Keras 3 warns when it is passed (still accepted).
    warned_keywords: Dict[str, Dict[str, WarnedKeyword]] = {}

    @property
    def losses(self) -> IdentifierCategory:
        return self.categories["losses"]

    @property
    def optimizers(self) -> IdentifierCategory:
        return self.categories["optimizers"]

    def compile_position(self, parameter: str) -> Optional[int]:
        try:
            return self.compile_parameters.index(parameter)
        except ValueError:
            return None


def _category(name: str, raw: Dict[str, Any]) -> IdentifierCategory:
    return IdentifierCategory(
        name=name,
        accepted=frozenset(raw["accepted"]),
        case_sensitive=bool(raw["case_sensitive"]),
        compile_aliases=frozenset(raw.get("compile_aliases", ())),
        rejected_public=dict(raw.get("rejected_public", {})),
        fails_at=str(raw["fails_at"]),
        fails_with=str(raw["fails_with"]),
    )


# Target Keras major version -> shipped data file.
DATA_FILES = {"3": "keras-3.json", "2": "tf-keras-2.json"}
PRODUCT_NAMES = {"3": "Keras 3", "2": "tf-keras 2"}


@functools.lru_cache(maxsize=None)
def available_versions() -> Tuple[str, ...]:
    return tuple(v for v, name in DATA_FILES.items() if (_HERE / name).is_file())


@functools.lru_cache(maxsize=None)
def keras_knowledge(major: str = "3") -> KerasKnowledge:
    text = (_HERE / DATA_FILES[major]).read_text(encoding="utf-8")
    raw = json.loads(text)
    return KerasKnowledge(
        keras_version=raw["keras_version"],
        categories={name: _category(name, data) for name, data in raw["categories"].items()},
        compile_parameters=tuple(raw["compile"]["parameters"]),
        metrics_must_be_a_list=bool(raw["compile"]["metrics_must_be_a_list"]),
        layer_arguments={
            layer: {argument: (entry[0], entry[1]) for argument, entry in arguments.items()}
            for layer, arguments in raw["layer_arguments"].items()
        },
        enum_arguments={
            callable_name: {
                argument: EnumArgument(
                    tuple(entry["values"]), bool(entry["case_sensitive"]), entry["position"], str(entry["error"])
                )
                for argument, entry in arguments.items()
            }
            for callable_name, arguments in raw["enum_arguments"].items()
        },
        saving={
            entry: SavingRule(tuple(facts["accepted"]), str(facts["error"])) for entry, facts in raw.get("saving", {}).items()
        },
        warned_keywords={
            layer: {keyword: WarnedKeyword(str(e["warning"]), e["use"]) for keyword, e in keywords.items()}
            for layer, keywords in raw.get("warned_keywords", {}).items()
        },
    )


class ArgumentChange(NamedTuple):  # a named tuple, not a dataclass: ~1 ms less import time each
    """What Keras 3 does with a Keras 2 keyword argument."""

    outcome: str  # "error": the constructor raises; "ignored": accepted with a warning, no effect
    error: Optional[str]
    use: Optional[str]  # the Keras 3 argument that does the same job, when there is one


class Migration(NamedTuple):  # a named tuple, not a dataclass: ~1 ms less import time each
    """Keras 2 spellings Keras 3 rejects or ignores (generated by comparing tf_keras with keras)."""

    from_version: str
    to_version: str
    optimizer_arguments: Dict[str, Dict[str, ArgumentChange]]  # optimizer class -> argument -> change
    removed_model_methods: Dict[str, Optional[str]]  # method -> Keras 3 replacement, if any


@functools.lru_cache(maxsize=None)
def migration() -> Migration:
    raw = json.loads((_HERE / "keras-2-to-3.json").read_text(encoding="utf-8"))
    return Migration(
        from_version=raw["from_version"],
        to_version=raw["to_version"],
        optimizer_arguments={
            optimizer: {name: ArgumentChange(e["outcome"], e["error"], e["use"]) for name, e in arguments.items()}
            for optimizer, arguments in raw["optimizer_arguments"].items()
        },
        removed_model_methods={name: entry["use"] for name, entry in raw["removed_model_methods"].items()},
    )
