"""`build.py serve`: the live preview, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import argparse
import threading
from typing import TYPE_CHECKING, Any

from briefkit.cli.console import console, escape

if TYPE_CHECKING:  # imported when the command runs: a no-op build must not load the stages
    from briefkit.preview.server import Key
    from briefkit.project import Project


def add_command(commands: Any) -> None:
    """Add the serve command to the CLI's subcommands."""
    serve = commands.add_parser(
        "serve", help="live preview: the HTML edition, rebuilt and reloaded on every save"
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    serve.add_argument(
        "--port", type=int, default=8000, help="port to listen on (default 8000; 0: any free)"
    )
    serve.add_argument("--lang", action="append", default=[], help="only this locale (repeatable)")
    serve.add_argument("--brief", action="append", default=[], help="only this brief (repeatable)")
    serve.set_defaults(run=run)


def run(project: Project, args: argparse.Namespace) -> int:
    """Serve until interrupted; return the exit code."""
    from briefkit.preview.server import Preview, PreviewServer, Selection

    unknown = _unknown(project, args)
    if unknown:
        console.print(f"[red]error:[/] {escape(unknown)}")
        return 2
    preview = Preview(project.root, Selection(tuple(args.brief), tuple(args.lang)))
    try:
        server = PreviewServer((args.host, args.port), preview, _rebuilt)
    except OSError as exc:
        reason = escape(exc.strerror or str(exc))
        where = f"{escape(args.host)}:{args.port}"
        console.print(f"[red]error:[/] cannot listen on {where}: {reason} (choose another --port)")
        return 1
    host, port = server.server_address[:2]
    console.print(f"preview on http://{escape(str(host))}:{port}/ (Ctrl-C to stop)")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        thread.join()
    except KeyboardInterrupt:
        console.print("stopped")
    finally:
        server.shutdown()
        server.server_close()
    return 0


def _unknown(project: Project, args: argparse.Namespace) -> str:
    for code in args.lang:
        if code not in project.locales:
            return f"locale {code!r} is not configured in pyproject.toml [tool.briefkit] locales"
    names = {path.stem for path in project.brief_paths()}
    for name in args.brief:
        if name not in names:
            return f"no brief {name!r} in briefs/ (there are: {', '.join(sorted(names))})"
    return ""


def _rebuilt(keys: list[Key], seconds: float) -> None:
    pages = ", ".join(f"{slug} {code}" for slug, code in keys)
    console.print(f"rebuilt {escape(pages)} in {seconds * 1000:.0f} ms")
