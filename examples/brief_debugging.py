"""The brief's debugging example: a misspelled loss that compile() accepts and fit() rejects."""
import tensorflow as tf

# Example model construction with a typo
model = tf.keras.Sequential([
    tf.keras.layers.Dense(64, activation='relu', input_shape=(784,)),
    tf.keras.layers.Dense(10, activation='softmax')
])

# Compile the model with a typo in loss function
model.compile(optimizer='adam',
              loss='sparce_categorical_crossentropy',  # Typo: should be 'sparse_categorical_crossentropy'
              metrics=['accuracy'])
