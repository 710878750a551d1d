import atexit
import os
import signal
import sys
import threading
from typing import NoReturn

from generator.cli import main
from generator.memory import leave_unfreed


def _stopped(signum: int, _frame: object) -> None:
    # SIGTERM (a closed terminal, CI's time limit, `kill`) unwinds like Ctrl-C does, so that the
    # temporary copies (import's dry run, the site build) are removed by their own `finally`.
    raise SystemExit(128 + signum)


def _leave(code: int) -> NoReturn:
    """Exit once everything is written, without the interpreter freeing the registry object by object
    (0.3 s of a one-record build at M, seconds at L). What the interpreter's exit would still do for us —
    the exit handlers (temporary folders, child processes) and the output's buffers — is done first; with
    a thread still running, the ordinary exit waits for it."""
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


signal.signal(signal.SIGTERM, _stopped)
leave_unfreed()
try:
    _leave(main())
except KeyboardInterrupt:
    sys.stderr.write("已中断。\n")
    sys.exit(130)
except BrokenPipeError:
    # The reader went away (`… | head`): nothing more to say, and no traceback about it.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(1)
