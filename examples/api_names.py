"""Names the installed TensorFlow/Keras do not have: TF 1 leftovers, typos, Keras 2 spellings."""

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

x = tf.placeholder(tf.float32, [None, 8])  # TFL601: TF 1 only (tf.compat.v1)
y = tf.log(tf.constant(2.0))  # TFL601: tf.math.log in TF 2 (safe fix)
hidden = tf.keras.layers.Dens(64)  # TFL608: did you mean Dense?
model = keras.Sequential([keras.Input((8,)), layers.Dense(1, activaton="relu")])  # TFL607
model.compile(optimizer="adam", Loss="mse")  # TFL607: loss= (safe fix)
model.fit(np.zeros((32, 8)), np.zeros(32), epochs=2)
