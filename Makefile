# Fresh-machine entry points (Debian/Ubuntu, run as root or with sudo available).
#   make example   install everything, compile the bundled example and prove it bit-exact in QEMU
#   make test      install everything and run the whole test suite (host and emulator)
#
# The Python package goes into a virtual environment of the project (.venv), never into the system Python:
# Debian 12 and Ubuntu 24.04 mark theirs "externally managed" (PEP 668) and pip refuses to install into it.
# PYTHON is the interpreter the environment is made from (default: python3 on PATH; CI uses /usr/bin/python3).

PYTHON ?= python3
VENV ?= .venv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := gcc make cmake gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm python3-venv \
	gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc gcc-avr avr-libc binutils-avr simavr

VENV_BIN := $(abspath $(VENV))/bin
VENV_PYTHON := $(VENV_BIN)/python
# Installed: the editable package with its test extras, redone when pyproject.toml changes.
VENV_STAMP := $(VENV)/.mcugen-installed
# The commands below find `mcugen` (and pytest) in the environment first.
export PATH := $(VENV_BIN):$(PATH)

.PHONY: setup setup-system setup-python example test test-fast

setup: setup-system setup-python

setup-system:
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PACKAGES)

setup-python: $(VENV_STAMP)

$(VENV_PYTHON):
	$(PYTHON) -m venv $(VENV)

$(VENV_STAMP): pyproject.toml | $(VENV_PYTHON)
	$(VENV_PYTHON) -m pip install -q --upgrade pip
	$(VENV_PYTHON) -m pip install -q -e '.[test]'
	touch $@

example: setup
	mcugen build examples/wave_classifier/wave_int8.tflite --board nano33 -o build/wave_nano33
	mcugen verify examples/wave_classifier/wave_int8.tflite --board nano33

test: setup
	$(VENV_PYTHON) -m pytest -q

# Without the slow end-to-end runs over every model in ../shared/models (system packages assumed present).
test-fast: setup-python
	$(VENV_PYTHON) -m pytest -q -m "not slow"
