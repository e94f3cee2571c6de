"""The shared logic of the TFL1xx identifier rules: find Keras identifier strings, check them.

A rule names its category (``losses``, ``metrics``...). Strings are found wherever Keras looks
them up, per the generated data: ``keras.<category>.get(...)``, the ``compile()`` parameters
of that category, and every layer constructor argument of that category (read from the real
layers' signatures: ``Dense(64, 'relu')``, ``LSTM(recurrent_activation=...)``,
``Conv2D(kernel_initializer=...)``...).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar, Iterator, Optional, Tuple

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix, Severity
from tf_lint.knowledge import FAILS_AT_WORDS, PRODUCT_NAMES, IdentifierCategory, KerasKnowledge, keras_knowledge
from tf_lint.knowledge.suggest import suggest
from tf_lint.rule import Rule
from tf_lint.semantics.expressions import argument, constant_origin, constant_string, keyword, positional, string_value
from tf_lint.semantics.keras_calls import Receiver, method_call, receiver_kind
from tf_lint.semantics.scopes import Scope

if TYPE_CHECKING:
    from tf_lint.context import FileContext

_CUSTOM_OBJECTS = re.compile(r"\b(custom_object_scope|get_custom_objects|CustomObjectScope)\b")


STRING_FIX_NOTE = """
        Replaces the string with the accepted spelling. Safe when the two differ only in letter
        case (`'Mse'` -> `'mse'`, `'SAME'` -> `'same'`): Keras names the same object either way.
        A did-you-mean on any other typo is unsafe: the closest name may not be the one meant,
        and names that look alike (`'l1_l2'`, `'l1l2'`) can mean objects with other defaults.
        No fix when the value is not a plain string literal.
    """


class IdentifierRule(Rule):
    """Base class; subclasses set ``category`` and, for ``compile()`` strings, ``compile_parameters``."""

    category: ClassVar[str]
    compile_parameters: ClassVar[Tuple[str, ...]] = ()
    severity = Severity.ERROR
    fix_safety = "sometimes"
    fix_note = STRING_FIX_NOTE
    message = "{kind} {noun} {value!r}{origin}: {consequence}{advice}"

    def call_interests(self) -> CallInterests:
        return CallInterests(
            names=frozenset({f"keras.{self.category}.get"}),
            prefixes=("keras.layers.",),
            methods=frozenset({"compile"}) if self.compile_parameters else frozenset(),
        )

    def on_call(self, node: cst.Call, qualified: Optional[str]) -> None:
        # ``qualified`` is unscoped and cheap; a local rebinding is checked after the walk.
        if not self.ctx.imports.imports_ml:
            return
        scope = self.ctx.scope
        if qualified == f"keras.{self.category}.get":
            getter_arg = argument(node, "identifier", 0)
            if getter_arg is not None:
                self.defer(lambda: self._after_resolving(node, getter_arg.value, scope, "getter"))
        elif qualified is not None and qualified.startswith("keras.layers."):
            for value in self._layer_values(node, qualified.rsplit(".", 1)[1], self.ctx.knowledge_for(node)):
                self.defer(lambda v=value: self._after_resolving(node, v, scope, "constructor"))  # type: ignore[misc]
        elif self.compile_parameters:
            receiver = method_call(node, {"compile"})
            if receiver is not None:
                knowledge = self.ctx.knowledge
                for parameter in self.compile_parameters:
                    position = knowledge.compile_position(parameter)
                    found = argument(node, parameter, position) if position is not None else keyword(node, parameter)
                    if found is not None:
                        value = found.value
                        self.defer(lambda v=value: self._compile(node, receiver, v, scope))  # type: ignore[misc]

    def _layer_values(self, node: cst.Call, layer: str, knowledge: KerasKnowledge) -> Iterator[cst.BaseExpression]:
        for name, (category, position) in knowledge.layer_arguments.get(layer, {}).items():
            if category != self.category:
                continue
            found = argument(node, name, position) if position is not None else keyword(node, name)
            if found is not None:
                yield found.value

    def _after_resolving(self, node: cst.Call, value: cst.BaseExpression, scope: Scope, where: str) -> None:
        qualified = self.ctx.names(scope).resolve(node.func)
        if qualified is not None and (qualified == f"keras.{self.category}.get" or qualified.startswith("keras.layers.")):
            self.check_value(value, scope, where, self.ctx.version_for(node))

    def _compile(self, node: cst.Call, receiver: cst.BaseExpression, value: cst.BaseExpression, scope: Scope) -> None:
        if is_keras_compile(self.ctx, node, receiver, scope):
            self.check_value(value, scope, "compile", self.ctx.keras_major)

    def check_value(self, value: cst.BaseExpression, scope: Scope, where: str, version: str) -> None:
        depth = {"losses": 1, "metrics": 2}.get(self.category, 0) if where == "compile" else 0
        for expr, text in literal_strings(value, scope, depth):
            if text:  # Keras treats an empty string like no value at all
                self.check_string(expr, text, where, version, constant_origin(expr, scope))

    def check_string(self, expr: cst.BaseExpression, text: str, where: str, version: str, origin: str = "") -> None:
        knowledge = keras_knowledge(version)
        category = knowledge.categories[self.category]
        in_compile = where == "compile"
        if ">" in text or category.accepts(text, in_compile=in_compile):
            return  # accepted, or a project-registered name the linter cannot see
        if _CUSTOM_OBJECTS.search(self.ctx.source):
            # The file registers custom objects, and the getters look strings up among them
            # (Keras' own tests resolve activations.get("custom_fn") in a custom_object_scope):
            # an unknown name may be one of them.
            return
        when = "when this line runs" if where == "getter" else FAILS_AT_WORDS[category.fails_at]
        kind, consequence, advice, fix = _diagnose(knowledge, category, text, when, in_compile, expr)
        other = self.ctx.other_knowledge(version)
        if other is not None and other.categories[self.category].accepts(text, in_compile=in_compile):
            other_version = "2" if version == "3" else "3"
            advice += f" (valid in {PRODUCT_NAMES[other_version]}, rejected by {PRODUCT_NAMES[version]})"
        self.report(expr, fix=fix, kind=kind, noun=category.noun, value=text, origin=origin, consequence=consequence, advice=advice)


def _diagnose(
    knowledge: KerasKnowledge, category: IdentifierCategory, text: str, when: str, in_compile: bool, expr: cst.BaseExpression
) -> Tuple[str, str, str, Optional[Fix]]:
    """(kind, consequence, advice, fix) for a rejected string."""
    rejected = category.rejection(text)
    elsewhere = _accepted_elsewhere(knowledge, category, text)
    if rejected == "NotImplementedError":
        consequence = "it is the abstract base class: Keras accepts the name, then raises NotImplementedError when it is used"
        return "unusable", consequence, f"; pick a concrete {category.noun}", None
    if rejected in ("TypeError", "KeyError"):
        return (
            "unusable",
            f"the class needs constructor arguments, so Keras raises {rejected} {when}",
            f"; pass an instance instead, e.g. keras.{category.name}.{_class_name(category.public_spelling(text))}(...)",
            None,
        )
    if not in_compile and text.lower() in category.compile_aliases:
        return "unknown", f"Keras raises ValueError {when}", "; this alias works only in compile(), which picks the class from the labels", None
    consequence = f"Keras raises {rejected or category.fails_with} {when}"
    if elsewhere is not None:
        return "unknown", consequence, f"; {text!r} is a {elsewhere} name, not a {category.noun}", None
    public = category.public_spelling(text)
    if rejected is not None and public[:1].isupper():  # the class exists, only its string form does not
        return "unknown", consequence, f"; pass the object instead, e.g. keras.{category.name}.{public}()", None
    pool = category.accepted | category.compile_aliases if in_compile else category.accepted
    found = suggest(text, pool)
    if found is None:
        return "unknown", consequence, "", None
    return "unknown", consequence, f"; did you mean {found.name!r}?", string_fix(expr, found.name, found.exact)


def _accepted_elsewhere(knowledge: KerasKnowledge, category: IdentifierCategory, text: str) -> Optional[str]:
    """A metric given a loss name (``'huber'``) or the reverse: say so instead of guessing."""
    partner = {"metrics": "losses", "losses": "metrics"}.get(category.name)
    if partner is None:
        return None
    other = knowledge.categories[partner]
    return other.noun if other.accepts(text, in_compile=True) else None


def _class_name(text: str) -> str:
    return text if text[:1].isupper() else "".join(part.capitalize() for part in text.split("_"))


def string_fix(expr: cst.BaseExpression, name: str, exact: bool) -> Optional[Fix]:
    """Replace the string. Safe only when the two differ in case alone: ``'l1_l2'`` -> ``'l1l2'``
    or ``'LeakyReLU'`` -> ``'leaky_relu'`` name other objects with other defaults."""
    if not isinstance(expr, cst.SimpleString):
        return None  # a constant bound elsewhere, or a concatenation: change it by hand
    quote = expr.quote
    original = string_value(expr) or ""
    safe = exact and original.lower() == name.lower()
    return Fix(replacement=f"{expr.prefix}{quote}{name}{quote}", safe=safe, title=f"replace with {name!r}")


def is_keras_compile(ctx: "FileContext", node: cst.Call, receiver: cst.BaseExpression, scope: Scope) -> bool:
    """``receiver.compile(...)`` is Keras': a known Keras model, or an unknown object called
    with Keras-shaped arguments; never ``re.compile`` or a class's own ``compile``."""
    kind = receiver_kind(receiver, scope, ctx.names(scope), method="compile")
    return kind is Receiver.KERAS or (kind is Receiver.UNKNOWN and has_keras_compile_shape(node, ctx.knowledge))


def has_keras_compile_shape(node: cst.Call, knowledge: KerasKnowledge) -> bool:
    """Evidence that ``x.compile(...)`` is Keras': Keras keywords, or an optimizer name first."""
    parameters = knowledge.compile_parameters
    if any(arg.keyword is not None and arg.keyword.value in parameters for arg in node.args):
        return True
    first = positional(node, 0)
    text = string_value(first.value) if first is not None else None
    return text is not None and knowledge.optimizers.accepts(text, in_compile=True)


def literal_strings(expr: cst.BaseExpression, scope: Scope, depth: int) -> Iterator[Tuple[cst.BaseExpression, str]]:
    """String literals in ``expr``, through up to ``depth`` levels of lists, tuples and dict values
    (dict keys are output names). A name counts when it is bound once, to a string literal."""
    if depth > 0 and isinstance(expr, (cst.List, cst.Tuple)):
        for element in expr.elements:
            if isinstance(element, cst.Element):
                yield from literal_strings(element.value, scope, depth - 1)
        return
    if depth > 0 and isinstance(expr, cst.Dict):
        for item in expr.elements:
            if isinstance(item, cst.DictElement):
                yield from literal_strings(item.value, scope, depth - 1)
        return
    text = constant_string(expr, scope)
    if text is not None:
        yield expr, text

