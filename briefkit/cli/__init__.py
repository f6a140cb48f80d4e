"""The command line: parse arguments, call one operation, report, choose the exit code.

One module per command group (`build.py`: build and merge; `translate.py`: the translator's
commands); this one only assembles the parser and turns errors into messages and exit codes.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from briefkit.cli import build as build_commands
from briefkit.cli import serve as serve_commands
from briefkit.cli import translate as translate_commands
from briefkit.cli.console import console
from briefkit.cli.console import escape as _escape
from briefkit.errors import BriefkitError, ErrorList


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    args = _parser().parse_args(argv)
    previous = _on_termination()
    try:
        fast = getattr(args, "fast", None)  # a no-op build finishes before anything is loaded
        done = fast(Path(args.root), args) if fast is not None else None
        if done is not None:
            return int(done)
        from briefkit.project import load_project

        project = load_project(Path(args.root))
        return int(args.run(project, args))
    except ErrorList as errors:
        for error in errors.errors:
            console.print(f"[red]error:[/] {_escape(str(error))}")
        return 1
    except BriefkitError as error:
        console.print(f"[red]error:[/] {_escape(str(error))}")
        return 1
    except BrokenPipeError:  # the reader of the output went away (`build.py --json | head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt as interruption:
        console.print(
            "interrupted; every file in dist/ is whole, old or new: build again to finish"
        )
        return 128 + getattr(interruption, "signum", signal.SIGINT)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


class _Terminated(KeyboardInterrupt):
    """SIGTERM (`timeout`, a CI job's time limit), handled as Ctrl-C is: the workers are
    stopped, what an interrupted write left is deleted, and the state stays true."""

    signum = signal.SIGTERM


def _on_termination() -> Any:
    """Raise _Terminated on SIGTERM; return the handler it replaces (None off the main thread)."""

    def terminated(signum: int, frame: object) -> None:
        raise _Terminated

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, terminated)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build localised policy briefs.")
    parser.add_argument(
        "--root", default=os.getcwd(), help="project folder (default: current folder)"
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    build_commands.add_commands(parser, commands)
    translate_commands.add_commands(commands)
    serve_commands.add_command(commands)
    return parser


if __name__ == "__main__":
    sys.exit(main())
