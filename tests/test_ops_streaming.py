"""The overlap gap of the window kernels, checked against a direct simulation of each kernel's access order."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mcugen.ir import Tensor
from mcugen.ops.streaming import overlap_gap, padded_reads, window_first_reads


def _trace(in_shape, out_shape, k, stride, pad, channel_reads):
    """(reads, write) per output element in the order the kernels write: pixel by pixel, channel by channel."""
    _, in_h, in_w, in_c = in_shape
    _, out_h, out_w, out_c = out_shape
    for oy in range(out_h):
        for ox in range(out_w):
            for oc in range(out_c):
                reads = []
                for ky in range(k[0]):
                    for kx in range(k[1]):
                        iy, ix = oy * stride[0] - pad[0] + ky, ox * stride[1] - pad[1] + kx
                        if 0 <= iy < in_h and 0 <= ix < in_w:
                            reads += [(iy * in_w + ix) * in_c + c for c in channel_reads(oc)]
                yield reads, (oy * out_w + ox) * out_c + oc


def _violations(trace, gap):
    """Writes (at input-relative address write - gap) that destroy an input byte read later."""
    trace = list(trace)
    bad = 0
    for t, (_, write) in enumerate(trace):
        address = write - gap
        if any(address in reads for reads, _ in trace[t + 1:]):
            bad += 1
    return bad


shapes = st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 3), st.integers(1, 3), st.integers(1, 2),
                   st.integers(1, 2), st.integers(0, 1), st.integers(0, 1), st.sampled_from(["depthwise", "conv"]),
                   st.integers(1, 3))


@settings(max_examples=60, deadline=None)
@given(shapes)
def test_gap_is_exact_for_window_kernels(params):
    in_h, in_w, kh, kw, sh, sw, ph, pw, kind, channels = params
    ph, pw = min(ph, kh - 1), min(pw, kw - 1)
    out_h, out_w = (in_h + 2 * ph - kh) // sh + 1, (in_w + 2 * pw - kw) // sw + 1
    if out_h < 1 or out_w < 1:
        return
    in_c = channels
    out_c = channels if kind == "depthwise" else channels + 1
    x = Tensor(0, "x", (1, in_h, in_w, in_c), "int8")
    y = Tensor(1, "y", (1, out_h, out_w, out_c), "int8")
    pixels = window_first_reads(x.shape, y.shape, (kh, kw), (sh, sw), (1, 1), (ph, pw))
    if kind == "depthwise":
        first = (pixels[:, None] + np.arange(out_c)[None, :]).reshape(-1)
        channel_reads = lambda oc: [oc]  # noqa: E731
    else:
        first = np.repeat(pixels, out_c)
        channel_reads = lambda oc: range(in_c)  # noqa: E731
    gap = overlap_gap(first)
    trace = list(_trace(x.shape, y.shape, (kh, kw), (sh, sw), (ph, pw), channel_reads))
    assert _violations(trace, gap) == 0
    if gap > -(1 << 60):
        assert _violations(trace, gap - 1) > 0  # the gap is the smallest safe one


def test_elementwise_and_pointwise_gaps():
    assert overlap_gap(np.arange(10)) == 0  # element i reads input i: same offset is safe
    assert overlap_gap(np.repeat(np.arange(5) * 4, 4)) == 3  # 1x1 conv, 4 -> 4 channels


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.lists(st.integers(0, 2), min_size=6, max_size=6))
def test_gap_is_exact_for_padding(h, w, c, pads):
    """mcugen_pad_s8 writes the output in address order, each interior element copying one input element."""
    in_shape = (h, w, c)
    before, after = pads[:3], pads[3:]
    out_shape = tuple(n + b + a for n, b, a in zip(in_shape, before, after))
    source = padded_reads(in_shape, out_shape, before)
    gap = overlap_gap(source)
    trace = [([int(s)] if s < (1 << 60) else [], p) for p, s in enumerate(source)]
    assert _violations(trace, gap) == 0
    if gap > -(1 << 60):
        assert _violations(trace, gap - 1) > 0


def _blocked(trace, out_c, block):
    """The same accesses in the order of the portable kernels that take `block` output channels at a time (the
    last block of a pixel may be shorter): a block reads all its channels' windows, then writes them."""
    trace = list(trace)
    for pixel in range(0, len(trace), out_c):
        for start in range(pixel, pixel + out_c, block):
            group = trace[start:min(start + block, pixel + out_c)]
            reads = [r for rs, _ in group for r in rs]
            yield reads, group[0][1]
            yield from (([], write) for _, write in group[1:])


@settings(max_examples=60, deadline=None)
@given(shapes, st.sampled_from([4, 1 << 10]))
def test_channel_by_channel_gap_holds_for_blocked_kernels(params, block):
    """mcugen_conv2d_s8, mcugen_depthwise_conv2d_s8 (blocks of four channels) and mcugen_conv2d_1ch_s8 (a whole
    pixel) only write later relative to their reads than the channel-by-channel order: its gap stays safe."""
    in_h, in_w, kh, kw, sh, sw, ph, pw, kind, channels = params
    ph, pw = min(ph, kh - 1), min(pw, kw - 1)
    out_h, out_w = (in_h + 2 * ph - kh) // sh + 1, (in_w + 2 * pw - kw) // sw + 1
    if out_h < 1 or out_w < 1:
        return
    out_c = channels if kind == "depthwise" else 2 * channels + 3  # a remainder after the blocks of four
    in_shape, out_shape = (1, in_h, in_w, channels), (1, out_h, out_w, out_c)
    pixels = window_first_reads(in_shape, out_shape, (kh, kw), (sh, sw), (1, 1), (ph, pw))
    if kind == "depthwise":
        first = (pixels[:, None] + np.arange(out_c)[None, :]).reshape(-1)
        channel_reads = lambda oc: [oc]  # noqa: E731
    else:
        first = np.repeat(pixels, out_c)
        channel_reads = lambda oc: range(channels)  # noqa: E731
    gap = overlap_gap(first)
    trace = _trace(in_shape, out_shape, (kh, kw), (sh, sw), (ph, pw), channel_reads)
    assert _violations(_blocked(trace, out_c, block), gap) == 0


def _max_pool_in_shared_memory(x: np.ndarray, k, stride, pad, out_hw, gap: int) -> np.ndarray:
    """arm_max_pool_s8's access order run on one byte array where the output starts `gap` bytes below the input:
    per output pixel, copy the first valid window pixel into the output pixel, then raise it to the others."""
    in_h, in_w, channels = x.shape
    out_h, out_w = out_hw
    base = max(gap, 0)
    memory = np.zeros(base + x.size + 2 * out_h * out_w * channels + abs(gap), dtype=np.int16)
    memory[base:base + x.size] = x.reshape(-1)
    out = base - gap
    for oy in range(out_h):
        for ox in range(out_w):
            dst = out + (oy * out_w + ox) * channels
            first = True
            for ky in range(k[0]):
                for kx in range(k[1]):
                    iy, ix = oy * stride[0] - pad[0] + ky, ox * stride[1] - pad[1] + kx
                    if 0 <= iy < in_h and 0 <= ix < in_w:
                        src = base + (iy * in_w + ix) * channels
                        window = memory[src:src + channels].copy()
                        memory[dst:dst + channels] = window if first else np.maximum(memory[dst:dst + channels],
                                                                                      window)
                        first = False
    return memory[out:out + out_h * out_w * channels].copy()


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 7), st.integers(1, 7), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3),
       st.integers(1, 3), st.integers(0, 1), st.integers(1, 4), st.integers(0, 2**31))
def test_max_pool_gap_with_writes_during_reads(in_h, in_w, kh, kw, sh, sw, same, channels, seed):
    ph, pw = (min(kh // 2, kh - 1), min(kw // 2, kw - 1)) if same else (0, 0)
    out_h, out_w = (in_h + 2 * ph - kh) // sh + 1, (in_w + 2 * pw - kw) // sw + 1
    if out_h < 1 or out_w < 1:
        return
    x = np.random.default_rng(seed).integers(-128, 128, size=(in_h, in_w, channels))
    reference = _max_pool_in_shared_memory(x, (kh, kw), (sh, sw), (ph, pw), (out_h, out_w), gap=1 << 20)
    pixels = window_first_reads((1, in_h, in_w, channels), (1, out_h, out_w, channels), (kh, kw), (sh, sw), (1, 1),
                                (ph, pw))
    gap = overlap_gap(pixels, out_itemsize=channels, writes_while_reading=True)
    gap = max(gap, -out_h * out_w * channels)  # "any overlap": place the output wholly above the input's start
    shared = _max_pool_in_shared_memory(x, (kh, kw), (sh, sw), (ph, pw), (out_h, out_w), gap=gap)
    assert np.array_equal(shared, reference)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=4, max_size=4), st.lists(st.integers(0, 2), min_size=8, max_size=8))
def test_cmsis_pad_gap_keeps_every_copy_clear_of_unread_input(shape, pads):
    from mcugen.kernels.arm.pad import chunked_gap, copy_chunks
    from mcugen.ops.pad import PadLayer

    before, after = pads[:4], pads[4:]
    out_shape = tuple(s + b + a for s, b, a in zip(shape, before, after))
    layer = PadLayer(input_shape=tuple(shape), output_shape=out_shape, pad_before=tuple(before), pad_value=-7)
    chunks = copy_chunks(layer)
    gap = max(chunked_gap(chunks), -int(np.prod(out_shape)))
    x = np.arange(int(np.prod(shape))) % 251 + 1
    base = max(gap, 0)
    memory = np.zeros(base + x.size + 2 * int(np.prod(out_shape)) + abs(gap), dtype=np.int64)
    memory[base:base + x.size] = x
    out = base - gap
    for out_offset, in_offset, count in chunks:
        destination = range(out + out_offset, out + out_offset + count)
        if in_offset >= 0:
            source = range(base + in_offset, base + in_offset + count)
            assert not set(destination) & set(source), "memcpy given overlapping buffers"
            assert np.array_equal(memory[source.start:source.stop], x[in_offset:in_offset + count])
            memory[destination.start:destination.stop] = memory[source.start:source.stop]
        else:
            memory[destination.start:destination.stop] = -7
    expected = np.full(out_shape, -7)
    expected[tuple(slice(b, b + s) for b, s in zip(before, shape))] = x.reshape(shape)
    assert np.array_equal(memory[out:out + expected.size], expected.reshape(-1))
