"""Removes a replaced site, docs or entries tree in the background, out of the next build's way.

Run detached by ``build._discard`` as ``python -I remover.py WATCH...`` (a script: it imports nothing of
the generator, so it starts at once); the build renames the tree after this process (a build starting
meanwhile then sees a live owner and leaves the tree to it: ``build.remove_stale``) and writes its name on
standard input. The remover deletes it, pausing while a build writes beside it (a ``.<name>.new-<pid>-*``
folder of a live process in a WATCH folder): at M the tree is 42,000 files, and deleting them at once slows
the next build's own writes by seconds even at the lowest priority (the file system's journal is shared).
"""

from __future__ import annotations

import os
import re
import sys
import time

BUILDING = re.compile(r"\..+\.new-(\d+)-.*")
BATCH = 256  # files removed between two looks at the watched folders
PAUSE = 0.2  # seconds between two looks while a build runs


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def building(watch: list[str]) -> bool:
    """Whether a build is writing in one of the ``watch`` folders (its ``.new-`` folder, its process alive)."""
    for folder in watch:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            match = BUILDING.fullmatch(name)
            if match and _alive(int(match.group(1))):
                return True
    return False


def remove(tree: str, watch: list[str], wait: float = PAUSE) -> None:
    """Delete ``tree`` bottom-up, ``BATCH`` entries at a time, waiting while a build runs."""
    done = 0
    for root, dirs, files in os.walk(tree, topdown=False):
        for name in files + dirs:
            if done % BATCH == 0:
                while building(watch):
                    time.sleep(wait)
            done += 1
            path = os.path.join(root, name)
            try:
                if name in dirs and not os.path.islink(path):
                    os.rmdir(path)
                else:
                    os.unlink(path)
            except OSError:
                continue
    try:
        os.rmdir(tree)
    except OSError:
        pass


def main(watch: list[str]) -> int:
    """Remove the tree named on standard input (once the build has renamed it after this process)."""
    tree = sys.stdin.read()
    os.nice(19)  # the lowest CPU priority from here on: a build running meanwhile goes first
    if not tree or not os.path.basename(tree).endswith(f".old-{os.getpid()}"):
        return 1  # not named after this process: left to the next build
    remove(tree, watch)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
