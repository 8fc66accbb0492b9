"""Whose fault an error is. McugenError and its subclasses are the user's to fix (the model, the options, the board,
a missing tool): the CLI prints one line and exits non-zero, without a traceback. InternalError is mcugen's own
fault (a broken invariant): the CLI says so, asks for a report and exits 70."""


class McugenError(Exception):
    """Base class of every error caused by the input (model, options, board), not by a bug in mcugen."""

    exit_code = 2
    hint = ""


class ModelError(McugenError):
    """The file is missing, is not a TFLite flatbuffer, or is malformed."""


class UnsupportedModelError(McugenError):
    """The model is valid TFLite but uses something mcugen does not compile."""

    hint = "run `mcugen inspect MODEL` to see the ops and tensors mcugen found"


class BoardError(McugenError):
    """An unknown board, or a model that does not fit the board."""

    hint = "run `mcugen boards` to list the known boards"


class ToolchainError(McugenError):
    """A compiler or emulator needed for the job is missing or failed."""

    exit_code = 3


class ReferenceFailure(ToolchainError):
    """The reference interpreter (TFLite Micro, or LiteRT) failed on the model (an error, a crash or no answer in
    time)."""

    hint = "mcugen and the reference interpreter may differ on this model; check it with `mcugen inspect MODEL`"


class OutputError(McugenError):
    """The output path cannot take the project without losing or clobbering something that is not mcugen's."""


class InternalError(Exception):
    """An invariant of mcugen does not hold: a bug in mcugen, not in the input. Never caught to carry on."""

    exit_code = 70
