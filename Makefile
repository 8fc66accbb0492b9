# Fresh-machine entry points (Debian/Ubuntu, run as root or with sudo available).
#   make example   install everything, compile the bundled example and prove it bit-exact in QEMU
#   make test      install everything and run the whole test suite (host and emulator)

PYTHON ?= python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := gcc make cmake gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm

.PHONY: setup setup-system setup-python example test test-fast

setup: setup-system setup-python

setup-system:
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PACKAGES)

setup-python:
	$(PYTHON) -m pip install -q -e '.[test]'

example: setup
	mcugen build examples/wave_classifier/wave_int8.tflite --board nano33 -o build/wave_nano33
	mcugen verify examples/wave_classifier/wave_int8.tflite --board nano33

test: setup
	$(PYTHON) -m pytest -q

# Without the slow end-to-end runs over every model in ../shared/models.
test-fast:
	$(PYTHON) -m pytest -q -m "not slow"
