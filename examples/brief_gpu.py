"""The brief's GPU example: nothing wrong here, so tf-lint stays quiet."""
import tensorflow as tf

print("Num GPUs Available:", len(tf.config.list_physical_devices('GPU')))

model = tf.keras.Sequential([
    tf.keras.layers.Dense(64, activation='relu', input_shape=(784,)),
    tf.keras.layers.Dense(10, activation='softmax')
])
model.compile(optimizer='adam',
              loss='sparse_categorical_crossentropy',
              metrics=['accuracy'])


def train(X_train, y_train):
    with tf.device('/GPU:0'):
        model.fit(X_train, y_train, epochs=10)
