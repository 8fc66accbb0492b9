"""Measure the 256-entry sigmoid table behind TFLite Micro's int16 LOGISTIC and TANH, and write it into
mcugen/runtime/mcugen_logistic_tanh_s16.c.

TFLite Micro's int16 TANH interpolates in a table T of sigmoid(i / 24) in 0.16 fixed point. With the input scale
1/6144 its arithmetic doubles the input, so the int16 input 128 k lands exactly on sample k (no interpolation)
and the output is T[k] - 32768 for k < 255. The last sample only serves as the upper end of the interpolation
from sample 254: at 254 / 256 of the way there the output is T[254] - 32768 + floor((254 d + 128) / 256) with
d = T[255] - T[254], which determines d while it is below 64.

Needs the `tflite-micro` package and the test helpers (tests/modelgen.py). Usage:

    python tools/measure_sigmoid_table.py          # print the table
    python tools/measure_sigmoid_table.py --write  # and replace it in the C source
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
C_SOURCE = ROOT / "mcugen" / "runtime" / "mcugen_logistic_tanh_s16.c"
TABLE_PATTERN = re.compile(r"(SIGMOID_TABLE\[256\] MCUGEN_TABLE_PLACE = \{\n)(.*?)(\n\};)", re.S)
SAMPLES = 256
INPUT_SCALE = 1.0 / 6144


def measure() -> list[int]:
    """The table, from one run of TFLite Micro's int16 TANH."""
    sys.path.insert(0, str(ROOT / "tests"))
    from modelgen import tflm_run
    from modelgen_math import unary_model

    inputs = [128 * k for k in range(SAMPLES - 1)] + [128 * (SAMPLES - 2) + 127]
    model = unary_model("TANH", dtype="int16", shape=(1, len(inputs)), input_quant=(INPUT_SCALE, 0),
                        output_quant=(1.0 / 32768, 0))
    outputs = tflm_run(model, [np.asarray(inputs, dtype=np.int16).reshape(1, -1)])[0].reshape(-1).astype(int)
    table = [int(v) + 32768 for v in outputs[:SAMPLES - 1]]
    step = int(outputs[-1]) + 32768 - table[-1]  # floor((254 d + 128) / 256)
    difference = next(d for d in range(64) if (254 * d + 128) // 256 == step)
    return table + [table[-1] + difference]


def c_initialiser(table: list[int], per_line: int = 12) -> str:
    rows = [table[i:i + per_line] for i in range(0, len(table), per_line)]
    return ",\n".join("    " + ", ".join(str(v) for v in row) for row in rows) + ","


def written_table() -> list[int]:
    """The table as the C source holds it."""
    match = TABLE_PATTERN.search(C_SOURCE.read_text())
    return [int(v) for v in re.findall(r"\d+", match.group(2))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"replace the table in {C_SOURCE.name}")
    args = parser.parse_args()
    table = measure()
    print(c_initialiser(table))
    if args.write:
        text = C_SOURCE.read_text()
        C_SOURCE.write_text(TABLE_PATTERN.sub(lambda m: m.group(1) + c_initialiser(table) + m.group(3), text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
