"""The brief's GPU example: it prints how many GPUs there are, then trains under '/GPU:0'
regardless. Without a GPU, TensorFlow silently runs the block on the CPU (TFL701), and the
GPU count comes from a deprecated endpoint (TFL707)."""
import tensorflow as tf

# Check GPU availability and utilization
print("Num GPUs Available:", len(tf.config.experimental.list_physical_devices('GPU')))

# Define a simple TensorFlow model
model = tf.keras.Sequential([
    tf.keras.layers.Dense(64, activation='relu', input_shape=(784,)),
    tf.keras.layers.Dense(10, activation='softmax')
])

# Compile the model
model.compile(optimizer='adam',
              loss='sparse_categorical_crossentropy',
              metrics=['accuracy'])


def train(X_train, y_train):
    # Train the model with GPU acceleration
    with tf.device('/GPU:0'):  # Use '/CPU:0' for CPU or '/GPU:0' for GPU
        model.fit(X_train, y_train, epochs=10)
