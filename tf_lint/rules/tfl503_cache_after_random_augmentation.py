"""TFL503: ``.map(random_augment).cache()``: the first epoch's random draws are replayed forever."""

from __future__ import annotations

from typing import Tuple

from tf_lint.diagnostics import Severity
from tf_lint.rules._pipeline_rule import PipelineRule, Pipelines, last_index
from tf_lint.semantics.dataflow import Step
from tf_lint.semantics.pipeline_functions import mapped_function, random_call


class CacheAfterRandomAugmentation(PipelineRule):
    code = "TFL503"
    name = "cache-after-random-augmentation"
    severity = Severity.ERROR
    judged_steps = frozenset({"cache"})
    message = ".cache() after a random .map() ({random}) stores the first epoch's random results and replays them every epoch: the augmentation is done once; cache before the random map"
    summary = "Flags `cache()` placed after a `map()` whose function draws random numbers (random image ops, `keras.layers.Random*` layers, `tf.random`/`np.random`)."
    rationale = """
        `cache()` stores the elements the first time they pass and serves the stored copies
        afterwards, so anything random computed before it is frozen: every later epoch sees
        exactly the first epoch's flips and crops. The model then trains on one fixed
        augmented copy of the data, and augmentation silently stops working.
    """
    example = """
        ds = ds.map(lambda x, y: (tf.image.random_flip_left_right(x), y)).cache()
    """
    use_instead = """
        ds = ds.cache().map(lambda x, y: (tf.image.random_flip_left_right(x), y))
    """
    known_problems = "The mapped function must be a lambda or a `def` of the file; a random call in a function it calls is not seen."

    def judge(self, steps: Tuple[Step, ...], pipelines: Pipelines) -> None:
        previous_cache = last_index(steps, frozenset({"cache"}), len(steps) - 1)
        start = previous_cache + 1 if previous_cache is not None else 0
        for step in steps[start:-1]:
            if step.name != "map":
                continue
            function = mapped_function(step.call, self.ctx.module_scope)
            found = random_call(function, self.ctx.imports, self.ctx.module_scope) if function is not None else None
            if found is not None:
                self.report_step(steps[-1], random=found)
                return
