"""The brief's optimization example: tf.add where the operator reads better."""
import tensorflow as tf

# Inefficient code example
a = tf.constant([1.0, 2.0, 3.0])
b = tf.constant([4.0, 5.0, 6.0])
c = tf.add(a, b)

# Efficient code example
a = tf.constant([1.0, 2.0, 3.0])
b = tf.constant([4.0, 5.0, 6.0])
c = a + b  # Use element-wise addition for simplicity and efficiency
