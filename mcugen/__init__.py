"""mcugen: an ahead-of-time compiler from quantized TensorFlow Lite models to C projects for microcontrollers."""

__version__ = "0.1.0"
