"""The brief's performance advice, broken in the usual ways: unbatched data, per-sample calls, Python loops."""
import numpy as np
import tensorflow as tf

x = np.random.rand(1000, 8).astype("float32")
y = np.random.randint(0, 3, size=1000)

model = tf.keras.Sequential([tf.keras.Input((8,)), tf.keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

# "Batch your data": this dataset never is.
train = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1000)
model.fit(train, epochs=2)

# Per-sample inference in a Python loop.
predictions = [model.predict(x[i:i + 1], verbose=0) for i in range(len(x))]

# "Use TensorFlow operations instead of Python loops".
scores = tf.random.normal([1000])
total = 0.0
for i in range(scores.shape[0]):
    total += scores[i] * 2


@tf.function
def traced_total(t):
    acc = tf.constant(0.0)
    for i in range(t.shape[0]):
        acc += t[i]
    return acc
