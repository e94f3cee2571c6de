"""What a rule needs to know beyond one node: scopes and bindings, tensors, tracing, Keras calls."""
