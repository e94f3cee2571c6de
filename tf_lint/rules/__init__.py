"""One module per rule, named after its code; ``tf_lint.registry`` discovers them."""
