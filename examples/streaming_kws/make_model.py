"""Build the streaming keyword-spotting example: a stateful model that sees one feature frame per invoke.

A real wake-word detector computes, say, 10 spectral features every 20 ms and decides over the last few frames.
Rather than feeding it the whole window each time, a streaming model keeps the recent frames itself, in resource
variables that survive between invokes:

- a ring buffer of the last FRAMES feature frames: each invoke drops the oldest frame (STRIDED_SLICE) and appends
  the new one (CONCATENATION), then writes the window back (ASSIGN_VARIABLE);
- a small convolution over the window, a dense layer and LOGISTIC give the keyword score;
- a second ring buffer keeps the last HISTORY scores; the model outputs their average (MEAN) as uint8 (0..255),
  the way a detector's threshold is usually applied to a smoothed score.

The weights are random but fixed (seeded): the example exercises the compiler, not a trained detector. The
variables are zeroed by the initialiser subgraph (CALL_ONCE), which mcugen runs in `<name>_reset()`.

    python examples/streaming_kws/make_model.py   # needs TensorFlow; mcugen itself does not

Writes streaming_kws.tflite next to this file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf

FRAMES, FEATURES, FILTERS, HISTORY = 8, 10, 6, 4
OUT = Path(__file__).with_name("streaming_kws.tflite")


class StreamingKws(tf.Module):
    def __init__(self, rng: np.random.Generator):
        super().__init__()
        self.window = tf.Variable(tf.zeros((1, FRAMES, FEATURES)), trainable=False, name="window")
        self.history = tf.Variable(tf.zeros((1, HISTORY)), trainable=False, name="history")
        self.conv_w = tf.constant(rng.normal(0, 0.3, (3, FEATURES, 1, FILTERS)).astype(np.float32))
        self.conv_b = tf.constant(rng.normal(0, 0.1, (FILTERS,)).astype(np.float32))
        self.dense_w = tf.constant(rng.normal(0, 0.2, ((FRAMES - 2) * FILTERS, 1)).astype(np.float32))
        self.dense_b = tf.constant(np.array([-0.2], dtype=np.float32))

    @tf.function(input_signature=[tf.TensorSpec((1, 1, FEATURES), tf.float32, name="frame")])
    def __call__(self, frame):
        window = tf.concat([self.window[:, 1:, :], frame], axis=1)  # the ring buffer: oldest frame out
        self.window.assign(window)
        x = tf.reshape(window, (1, FRAMES, FEATURES, 1))
        x = tf.nn.conv2d(x, self.conv_w, strides=1, padding="VALID") + self.conv_b
        x = tf.nn.relu(x)
        x = tf.reshape(x, (1, (FRAMES - 2) * FILTERS))
        logit = tf.matmul(x, self.dense_w) + self.dense_b
        probability = tf.sigmoid(logit)
        history = tf.concat([self.history[:, 1:], probability], axis=1)
        self.history.assign(history)
        return {"score": tf.reduce_mean(history, axis=1, keepdims=True)}


def main() -> None:
    rng = np.random.default_rng(11)
    module = StreamingKws(rng)
    frames = rng.normal(0, 1.0, (400, 1, 1, FEATURES)).astype(np.float32)

    def representative():
        for frame in frames:
            yield [frame]  # each call advances the variables, so the calibration sees realistic state

    concrete = module.__call__.get_concrete_function()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete], module)
    converter.experimental_enable_resource_variables = True
    converter._experimental_variable_quantization = True  # int8 variables instead of float32 ones
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.uint8
    OUT.write_bytes(converter.convert())
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
