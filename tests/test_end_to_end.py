"""Random multi-op networks, bit-exact against TFLite Micro: the planner's overlaps, aliases and in-place writes
interact across layers here, which single-op tests cannot show."""

import numpy as np
import pytest

from mcugen.verify import verify_model
from modelgen import ModelBuilder, _random_weights


class RandomNet:
    """A chain of int8 layers on random weights, with quantization that keeps activations in range."""

    def __init__(self, seed: int, shape: tuple[int, int, int, int]):
        self.rng = np.random.default_rng(seed)
        self.b = ModelBuilder("random network")
        self.count = 0
        self.zero_points: dict[int, int] = {}
        self.x, self.scale = self._activation(shape, scale=0.05)
        self.shape, self.input = shape, self.x

    def _name(self, kind: str) -> str:
        self.count += 1
        return f"{kind}{self.count}"

    def _activation(self, shape, scale=None):
        scale = scale or self.scale * float(self.rng.uniform(0.7, 1.4))
        zero_point = int(self.rng.integers(-20, 21))
        index = self.b.add_tensor(self._name("act"), shape, scale=scale, zero_point=zero_point)
        self.zero_points[index] = zero_point
        return index, scale

    def _same(self, shape, scale=None):
        """An activation quantized like the current one (ops that must not rescale)."""
        index = self.b.add_tensor(self._name("act"), shape, scale=scale or self.scale,
                                  zero_point=self.zero_points[self.x])
        self.zero_points[index] = self.zero_points[self.x]
        return index

    def _weights(self, shape, axis, depth):
        channels = shape[axis]
        w_scale = [float(s) for s in 0.8 / (74 * np.sqrt(depth)) * self.rng.uniform(0.5, 1.5, size=channels)]
        w = self.b.add_tensor(self._name("w"), shape, scale=w_scale, zero_point=[0] * channels,
                              data=_random_weights(self.rng, shape), quantized_dimension=axis)
        bias = self.b.add_tensor(self._name("b"), (channels,), "int32", scale=[self.scale * s for s in w_scale],
                                 zero_point=[0] * channels,
                                 data=self.rng.integers(-500, 501, size=channels).astype(np.int32))
        return w, bias

    def _advance(self, y, shape, scale=None):
        self.x, self.shape = y, shape
        self.scale = scale or self.scale

    def conv(self, out_c, k, stride, padding="SAME"):
        n, h, w, c = self.shape
        size = (lambda d: -(-d // stride)) if padding == "SAME" else (lambda d: (d - k) // stride + 1)
        weights, bias = self._weights((out_c, k, k, c), 0, k * k * c)
        shape = (n, size(h), size(w), out_c)
        y, scale = self._activation(shape)
        self.b.add_op("CONV_2D", [self.x, weights, bias], [y], padding=padding, stride_w=stride, stride_h=stride,
                      fused_activation_function=str(self.rng.choice(["NONE", "RELU", "RELU6"])))
        self._advance(y, shape, scale)

    def depthwise(self, stride, multiplier=1):
        n, h, w, c = self.shape
        weights, bias = self._weights((1, 3, 3, c * multiplier), 3, 9)
        shape = (n, -(-h // stride), -(-w // stride), c * multiplier)
        y, scale = self._activation(shape)
        self.b.add_op("DEPTHWISE_CONV_2D", [self.x, weights, bias], [y], padding="SAME", stride_w=stride,
                      stride_h=stride, depth_multiplier=multiplier, fused_activation_function="RELU6")
        self._advance(y, shape, scale)

    def pad(self):
        n, h, w, c = self.shape
        paddings = self.b.add_tensor(self._name("pads"), (4, 2), "int32",
                                     data=np.array([[0, 0], [1, 1], [1, 1], [0, 0]], np.int32))
        shape = (n, h + 2, w + 2, c)
        y = self._same(shape)
        self.b.add_op("PAD", [self.x, paddings], [y])
        self._advance(y, shape)

    def maxpool(self):
        n, h, w, c = self.shape
        shape = (n, h // 2, w // 2, c)
        y = self._same(shape)
        self.b.add_op("MAX_POOL_2D", [self.x], [y], padding="VALID", stride_w=2, stride_h=2, filter_width=2,
                      filter_height=2)
        self._advance(y, shape)

    def residual(self, *layers):
        skip, skip_scale = self.x, self.scale
        for layer in layers:
            layer()
        y, scale = self._activation(self.shape, scale=max(self.scale, skip_scale) * 1.5)
        self.b.add_op("ADD", [self.x, skip], [y], fused_activation_function="NONE")
        self._advance(y, self.shape, scale)

    def build(self) -> bytes:
        self.b.inputs, self.b.outputs = [self.input], [self.x]
        return self.b.build()


def _network(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    h, w = int(rng.integers(6, 17)), int(rng.integers(6, 17))
    net = RandomNet(seed, (1, h, w, int(rng.integers(1, 5))))
    net.conv(int(rng.integers(4, 17)), 3, int(rng.integers(1, 3)))
    for _ in range(int(rng.integers(2, 5))):
        choice = int(rng.integers(0, 5))
        if choice == 0:
            net.depthwise(1, int(rng.integers(1, 3)))
            net.conv(int(rng.integers(4, 17)), 1, 1)
        elif choice == 1:
            net.residual(lambda: net.depthwise(1), lambda: net.conv(net.shape[3], 1, 1))
        elif choice == 2:
            net.pad()
            net.conv(int(rng.integers(4, 17)), 3, 1, padding="VALID")
        elif choice == 3 and min(net.shape[1:3]) >= 4:
            net.maxpool()
        else:
            net.depthwise(2)
    return net.build()


@pytest.mark.parametrize("seed", range(12))
def test_random_network_is_bit_exact(seed, tmp_path):
    report = verify_model(_network(seed), board="host", inputs=5, seed=seed, workdir=tmp_path)
    assert report.ok, report.summary() + "\n" + report.log[-1500:]
