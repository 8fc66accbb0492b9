"""Convert the bundled 16x8 example model: a small keyword-spotting-style network on a 49x10 feature map
(49 frames of 10 MFCC-like coefficients) with int16 activations and int8 weights.

The layers are those of the usual DS-CNN keyword spotters, made smaller: a strided 10x4 convolution, a 3x3
depthwise convolution, a 1x1 convolution, average pooling over time and a fully connected classifier with a softmax
over four keywords. The features are
synthetic (a per-keyword pattern over time plus noise) and the network is trained for a few epochs only, so the
script needs no dataset download; the point is a real converter output, not accuracy. It is converted with
TensorFlow's 16x8 scheme (EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8): float32 input and output
around an int16 body, int8 weights per channel, int64 biases.

    pip install tensorflow   # only this script needs TensorFlow; mcugen itself does not
    python examples/kws_16x8/make_model.py

Writes kws_16x8.tflite next to this file. Fixed seeds make the result repeatable on one machine; TensorFlow
versions may still produce slightly different weights.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf

FRAMES, COEFFICIENTS, KEYWORDS = 49, 10, 4
OUT = Path(__file__).with_name("kws_16x8.tflite")


def make_features(count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Per keyword a smooth pattern over (frame, coefficient), at a random level, plus noise."""
    labels = rng.integers(0, KEYWORDS, size=count)
    frames = np.linspace(0.0, 1.0, FRAMES)[:, None]
    coefficients = np.arange(COEFFICIENTS)[None, :]
    patterns = np.stack([np.sin(2 * np.pi * (k + 1) * frames + 0.7 * k * coefficients) for k in range(KEYWORDS)])
    level = rng.uniform(0.5, 2.0, size=(count, 1, 1))
    x = patterns[labels] * level + rng.normal(0.0, 0.3, size=(count, FRAMES, COEFFICIENTS))
    return x.reshape(count, FRAMES, COEFFICIENTS, 1).astype(np.float32), labels


def build_model() -> tf.keras.Model:
    inputs = tf.keras.Input(shape=(FRAMES, COEFFICIENTS, 1), batch_size=1)
    x = tf.keras.layers.Conv2D(8, (10, 4), strides=(2, 2), padding="same", activation="relu")(inputs)
    x = tf.keras.layers.DepthwiseConv2D((3, 3), padding="same", activation="relu")(x)
    x = tf.keras.layers.Conv2D(12, (1, 1), activation="relu")(x)
    x = tf.keras.layers.AveragePooling2D((5, 1))(x)
    x = tf.keras.layers.Flatten()(x)
    outputs = tf.keras.layers.Dense(KEYWORDS, activation="softmax")(x)
    return tf.keras.Model(inputs, outputs)


def main() -> None:
    tf.random.set_seed(0)
    rng = np.random.default_rng(0)
    x, y = make_features(512, rng)
    model = build_model()
    model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(),
                  metrics=["accuracy"])
    model.fit(x, y, epochs=3, batch_size=32, verbose=2)

    def representative():
        for sample in x[:64]:
            yield [sample[None]]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [
        tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    OUT.write_bytes(converter.convert())
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
