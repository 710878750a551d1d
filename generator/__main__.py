import os
import signal
import sys

from generator.cli import main


def _stopped(signum: int, _frame: object) -> None:
    # SIGTERM (a closed terminal, CI's time limit, `kill`) unwinds like Ctrl-C does, so that the
    # temporary copies (import's dry run, the site build) are removed by their own `finally`.
    raise SystemExit(128 + signum)


signal.signal(signal.SIGTERM, _stopped)
try:
    sys.exit(main())
except KeyboardInterrupt:
    sys.stderr.write("已中断。\n")
    sys.exit(130)
except BrokenPipeError:
    # The reader went away (`… | head`): nothing more to say, and no traceback about it.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(1)
