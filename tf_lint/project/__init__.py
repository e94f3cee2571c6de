"""What tf-lint knows about the project a file belongs to.

- ``root``: where the project starts (the nearest directory with packaging metadata or ``.git``);
- ``requirements`` and ``metadata``: its declared dependencies, read statically, never executed;
- ``settings``: the Keras and TensorFlow versions it targets, and why;
- ``modules`` and ``index``: the other modules of the project, found by import and parsed on
  demand, so that facts cross files.
"""
