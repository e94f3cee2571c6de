"""The opt-in runtime validator: prove or refute findings on the real Keras runtime.

``slicer`` rebuilds what a finding is about as plain data (never importing the user's file),
``validators`` holds one function per rule, ``sandbox`` runs the probes of ``child`` in an
isolated process, and ``session`` ties them together with a cache. See docs/validate.md.
"""
