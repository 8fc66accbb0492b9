"""How far an op's output may overlap its dying input: the `gap` of a streaming kernel.

The window kernels (convolution, depthwise convolution, pooling) write their output once, in increasing address
order, one element at a time, each after reading everything it needs. Writing output byte p therefore destroys
nothing still needed as long as it lands below every input byte that a later element reads. With the output
placed at `out` and the input at `inp`, that holds for every write when `out + gap <= inp`, where

    gap = max over elements e (except the last) of (last byte written by e - first input byte read after e) + 1.

The planner may then let the two tensors share memory, which is what lets an activation-heavy layer run in
little more than its larger tensor (the in-place depthwise idea of MCUNet / TinyEngine). The gap is computed from
the exact access pattern of the kernel, so it is a proof, not a heuristic: tests run the overlapped plans
bit-exactly against the reference. The kernels must keep their input and output pointers free of `restrict`, so
that the compiler preserves this order of reads and writes.
"""

from __future__ import annotations

import numpy as np

# Window positions whose taps all fall in the padding read nothing; they never constrain the overlap.
_NO_READ = 1 << 60  # far beyond any tensor, with room for the channel offsets added to it
# A gap no placement can meet: the output may not overlap the input at all.
NO_OVERLAP = 1 << 62


def window_first_reads(in_shape: tuple[int, ...], out_shape: tuple[int, ...], filter_hw: tuple[int, int],
                       stride_hw: tuple[int, int], dilation_hw: tuple[int, int], pad_top_left: tuple[int, int],
                       itemsize: int = 1) -> np.ndarray:
    """For each output pixel in write order, the byte offset (channel 0) of the first input pixel its window reads
    (NHWC shapes, one image)."""
    _, in_h, in_w, in_c = in_shape
    _, out_h, out_w, _ = out_shape

    def first_valid_tap(out_size: int, in_size: int, k: int, stride: int, dilation: int, pad: int):
        origin = np.arange(out_size) * stride - pad
        taps = origin[:, None] + np.arange(k)[None, :] * dilation
        valid = (taps >= 0) & (taps < in_size)
        first = np.where(valid.any(axis=1), np.where(valid, taps, in_size).min(axis=1), -1)
        return first

    rows = first_valid_tap(out_h, in_h, filter_hw[0], stride_hw[0], dilation_hw[0], pad_top_left[0])
    cols = first_valid_tap(out_w, in_w, filter_hw[1], stride_hw[1], dilation_hw[1], pad_top_left[1])
    first = (rows[:, None] * in_w + cols[None, :]).astype(np.int64) * in_c * itemsize
    empty = (rows[:, None] < 0) | (cols[None, :] < 0)
    return np.where(empty, _NO_READ, first).reshape(-1)


def overlap_gap(first_reads: np.ndarray, out_itemsize: int = 1, writes_while_reading: bool = False) -> int:
    """The gap for a kernel writing element e (out_itemsize bytes) after reading from first_reads[e] onwards.

    With `writes_while_reading`, element e's bytes may be written before e has read all it needs (a kernel that
    accumulates in its output): e's writes must then also stay below e's own first read."""
    count = first_reads.size
    if count < 2 and not writes_while_reading:
        return -(1 << 62)  # a single element: everything is read before anything is written
    # Smallest input byte read by any element after e (from e on, when e writes while it reads).
    suffix_min = np.minimum.accumulate(first_reads[::-1])[::-1]
    later = suffix_min if writes_while_reading else suffix_min[1:]
    last_written = (np.arange(later.size, dtype=np.int64) + 1) * out_itemsize - 1
    constrained = later < _NO_READ
    if not constrained.any():
        return -(1 << 62)
    return int((last_written[constrained] - later[constrained]).max()) + 1


def window_gap(in_shape: tuple[int, ...], out_shape: tuple[int, ...], filter_hw: tuple[int, int],
               window: dict[str, int], channel_reads: np.ndarray) -> int:
    """Gap of an int8 window kernel writing pixel by pixel and, within a pixel, output channel k after reading its
    window from input channel channel_reads[k] on. `window` holds the stride/dilation/pad fields of the kernel's
    params struct. One image: batched layers get no overlap."""
    if in_shape[0] != 1 or out_shape[0] != 1:
        return NO_OVERLAP
    pixels = window_first_reads(in_shape, out_shape, filter_hw, (window["stride_height"], window["stride_width"]),
                                (window.get("dilation_height", 1), window.get("dilation_width", 1)),
                                (window["pad_top"], window["pad_left"]))
    return overlap_gap((pixels[:, None] + channel_reads[None, :]).reshape(-1))


def padded_reads(in_shape: tuple[int, ...], out_shape: tuple[int, ...], pad_before) -> np.ndarray:
    """For each output element of a constant padding, in address order, the input byte it copies (or none)."""
    source = np.full(out_shape, _NO_READ, dtype=np.int64)
    inside = tuple(slice(int(b), int(b) + n) for b, n in zip(pad_before, in_shape))
    source[inside] = np.arange(int(np.prod(in_shape)), dtype=np.int64).reshape(in_shape)
    return source.reshape(-1)
