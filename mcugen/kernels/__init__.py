"""Kernel backends: bindings of ops to kernels (mcugen.kernels.base), mcugen's portable C kernels (their bindings
live beside each op in mcugen/ops/) and the Arm-optimised backend: CMSIS-NN and mcugen's own Arm DSP kernels
(mcugen.kernels.arm)."""
