"""Kernel backends: bindings of ops to kernels (mcugen.kernels.base), mcugen's portable C kernels (their bindings
live beside each op in mcugen/ops/) and CMSIS-NN (mcugen.kernels.cmsis_nn)."""
