"""Train and convert the bundled example model: a tiny 1-D CNN that tells three wave shapes apart.

The signals are synthetic (3-axis, 64 samples: sine, square or sawtooth with random frequency, phase, amplitude and
noise), so the script needs no dataset download. It trains a small Keras model and converts it with full-integer
quantization (int8 input and output), which is what mcugen compiles.

    pip install tensorflow   # only this script needs TensorFlow; mcugen itself does not
    python examples/wave_classifier/make_model.py

Writes wave_int8.tflite next to this file. Fixed seeds make the training repeatable on one machine; TensorFlow
versions may still produce slightly different weights.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf

SAMPLES, AXES, CLASSES = 64, 3, ("sine", "square", "sawtooth")
OUT = Path(__file__).with_name("wave_int8.tflite")


def make_signals(count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    labels = rng.integers(0, len(CLASSES), size=count)
    t = np.arange(SAMPLES) / SAMPLES
    freq = rng.uniform(1.5, 6.0, size=(count, 1, AXES))
    phase = rng.uniform(0, 2 * np.pi, size=(count, 1, AXES))
    amplitude = rng.uniform(0.3, 1.5, size=(count, 1, AXES))
    angle = 2 * np.pi * freq * t[None, :, None] + phase
    waves = {
        0: np.sin(angle),
        1: np.sign(np.sin(angle)),
        2: 2 * ((angle / (2 * np.pi)) % 1.0) - 1,
    }
    x = np.stack([waves[int(c)][i] for i, c in enumerate(labels)]) * amplitude
    x += rng.normal(0, 0.1, size=x.shape)
    return x.reshape(count, SAMPLES, 1, AXES).astype(np.float32), labels


def build_model() -> tf.keras.Model:
    inputs = tf.keras.Input(shape=(SAMPLES, 1, AXES), batch_size=1)
    x = tf.keras.layers.Conv2D(16, (5, 1), padding="same", activation="relu")(inputs)
    x = tf.keras.layers.MaxPool2D((2, 1))(x)
    shortcut = x
    x = tf.keras.layers.DepthwiseConv2D((3, 1), padding="same", activation="relu")(x)
    x = tf.keras.layers.Conv2D(16, (1, 1), padding="same")(x)
    x = tf.keras.layers.Add()([x, shortcut])
    x = tf.keras.layers.ReLU(max_value=6.0)(x)
    x = tf.keras.layers.Conv2D(24, (3, 1), strides=(2, 1), padding="same", activation="relu")(x)
    x = tf.keras.layers.AveragePooling2D((16, 1))(x)
    x = tf.keras.layers.Flatten()(x)
    x = tf.keras.layers.Dense(len(CLASSES))(x)
    outputs = tf.keras.layers.Softmax()(x)
    return tf.keras.Model(inputs, outputs)


def main() -> None:
    rng = np.random.default_rng(7)
    tf.keras.utils.set_random_seed(7)
    x_train, y_train = make_signals(4000, rng)
    x_test, y_test = make_signals(500, rng)
    model = build_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=6, batch_size=32, verbose=2)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"float test accuracy: {accuracy:.3f}")

    def representative():
        for sample in x_train[:300]:
            yield [sample[None]]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    OUT.write_bytes(converter.convert())
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
