"""Strings Keras only checks when it is too late, and Keras 2 code that Keras 3 refuses."""
from tensorflow import keras

model = keras.Sequential([
    keras.Input((28, 28, 1)),
    keras.layers.Conv2D(32, 3, padding="causal", activation="ReLU"),
    keras.layers.Flatten(),
    keras.layers.Dense(64, kernel_initializer="xavier_uniform", kernel_regularizer="l1_l2"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(
    optimizer=keras.optimizers.Adam(lr=1e-3, decay=1e-6),
    loss="sparse_categorical_crossentropy",
    metrics="accuracy",
)
model.fit_generator(iter([]), steps_per_epoch=10)
