"""The preview server: the HTML edition of each brief in each language, rebuilt when one of its
inputs is saved, and a browser that reloads itself (Server-Sent Events).

It serves only what it makes (pages, PDFs, the index) and, read-only, the project's own briefs,
data files and catalogs under briefs/ and translations/, so a link to `file:line` opens at that
line; any other path, and any path that resolves outside the project, is not found.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from briefkit.errors import BriefkitError
from briefkit.preview.pages import Memo, Page, error_page, preview_page, preview_pdf
from briefkit.preview.watch import Snapshot, changes, snapshot
from briefkit.project import load_project
from briefkit.render.templating import render_template, template_environment

POLL = 0.05  # seconds between two looks at the files
KEEPALIVE = 15.0  # seconds between two comments on an idle event stream
SOURCE_FOLDERS = ("briefs", "translations")
SOURCE_SUFFIXES = (".md", ".yaml", ".yml", ".po", ".pot")
PREVIEW_TEMPLATES = "preview"  # under the project's templates/

Key = tuple[str, str]  # (brief, locale)


@dataclass(frozen=True)
class Selection:
    """What a preview shows: these briefs and locales (empty: all of the project's)."""

    briefs: tuple[str, ...] = ()
    locales: tuple[str, ...] = ()


class Preview:
    """The pages of one project, kept built for the browsers that show them.

    A page is built when first asked for and rebuilt as soon as one of its inputs changes;
    each rebuild is announced to the event streams as a new generation."""

    def __init__(self, root: Path, selection: Selection) -> None:
        self.root = root.resolve()
        self.selection = selection
        self.project = load_project(self.root)
        self.pages: dict[Key, Page] = {}
        self.memo = Memo()
        self.generation = 0
        self.history: list[tuple[int, Key]] = []  # (generation, page rebuilt), the latest last
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.pdf_lock = threading.Lock()  # one WeasyPrint document at a time
        self.last_rebuild = 0.0  # seconds the last rebuild took, for the console

    def briefs(self) -> list[str]:
        names = [path.stem for path in self.project.brief_paths()]
        return [n for n in names if not self.selection.briefs or n in self.selection.briefs]

    def locales(self) -> list[str]:
        return [
            c
            for c in self.project.locales
            if not self.selection.locales or c in self.selection.locales
        ]

    def serves(self, slug: str, code: str) -> bool:
        return code in self.locales() and slug in self.briefs()

    def page(self, slug: str, code: str) -> Page:
        """Return the page of one brief in one language, building it the first time."""
        with self.lock:
            key = (slug, code)
            if key not in self.pages:
                self.pages[key] = preview_page(self.project, slug, code, self.memo)
            return self.pages[key]

    def pdf(self, slug: str, code: str) -> bytes:
        with self.pdf_lock:
            return preview_pdf(self.project, slug, code, self.memo)

    def refresh(self, changed: Iterable[str]) -> list[Key]:
        """Rebuild the pages whose inputs are among the changed paths; return them."""
        changed = set(changed)
        start = time.perf_counter()
        with self.lock:
            if "pyproject.toml" in changed:
                # A broken configuration keeps the last good one until the file is fixed.
                with contextlib.suppress(BriefkitError):
                    self.project = load_project(self.root)
            stale = [key for key in self.pages if any(_affects(path, key) for path in changed)]
            for slug, code in stale:
                if self.serves(slug, code):
                    self.pages[(slug, code)] = preview_page(self.project, slug, code, self.memo)
                else:
                    del self.pages[(slug, code)]
            if stale:
                self.generation += 1
                self.history = [*self.history[-200:], *((self.generation, k) for k in stale)]
                self.last_rebuild = time.perf_counter() - start
                self.changed.notify_all()
        return stale

    def wait(self, after: int, timeout: float) -> tuple[int, list[Key]]:
        """Return the generation and the pages rebuilt since `after`, waiting up to timeout."""
        with self.changed:
            self.changed.wait_for(lambda: self.generation > after, timeout)
            return self.generation, [k for g, k in self.history if g > after]


def _affects(path: str, key: Key) -> bool:
    """Return True when a change to this project path can change the page of (brief, locale)."""
    slug, code = key
    parts = PurePosixPath(path).parts
    if parts[:1] == ("translations",) and len(parts) == 4 and path.endswith(".po"):
        domain = PurePosixPath(path).stem
        return parts[1] == code and domain in (slug, "templates")
    if parts[:1] == ("briefs",) and len(parts) == 2:
        return PurePosixPath(path).stem == slug
    return True  # a data file, a template, a .pot, the configuration: any page may show it


def watch(
    preview: Preview, stop: threading.Event, on_rebuild: Callable[[list[Key], float], None]
) -> None:
    """Poll the project's files until stop is set; rebuild what a change touches."""
    before: Snapshot = snapshot(preview.root)
    while not stop.wait(POLL):
        after = snapshot(preview.root)
        changed = changes(before, after)
        before = after
        if changed:
            rebuilt = preview.refresh(changed)
            if rebuilt:
                on_rebuild(rebuilt, preview.last_rebuild)


class PreviewServer(ThreadingHTTPServer):
    """An HTTP server that holds its Preview and stops its watcher when it closes."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        preview: Preview,
        on_rebuild: Callable[[list[Key], float], None] = lambda keys, seconds: None,
    ) -> None:
        super().__init__(address, Handler)
        self.preview = preview
        self.hosts = _local_names(address[0], self.server_address[1])
        self.stopping = threading.Event()
        self.watcher = threading.Thread(
            target=watch, args=(preview, self.stopping, on_rebuild), daemon=True
        )
        self.watcher.start()

    def server_close(self) -> None:
        self.stopping.set()
        with self.preview.changed:
            self.preview.changed.notify_all()
        super().server_close()


def _local_names(host: str, port: int) -> frozenset[str] | None:
    """Return the Host headers a server on this machine only answers, None when it is shared.

    A page elsewhere could otherwise point a name of its own at 127.0.0.1 (DNS rebinding) and
    read the preview, catalogs included, through the reader's browser."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        return None
    return frozenset(f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]"))


class Handler(BaseHTTPRequestHandler):
    """Answers GET and HEAD for the preview's few kinds of path; nothing else."""

    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the CLI reports rebuilds; a line per request would drown them

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        try:
            self._route()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away
        except Exception as exc:  # a bug must not stop the server: report it in the page
            message = f"the preview crashed: {type(exc).__name__}: {exc} (report it with the brief and locale)"
            self._send(
                HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", message.encode()
            )

    def _route(self) -> None:
        hosts = self.server.hosts
        if hosts is not None and self.headers.get("Host", "") not in hosts:
            self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", b"not this host\n")
            return
        path = unquote(urlsplit(self.path).path)
        preview = self.server.preview
        parts = [part for part in path.split("/") if part]
        if path == "/":
            index = _render(
                preview, "index.html", briefs=preview.briefs(), locales=preview.locales()
            )
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", index.encode())
        elif parts == ["_events"]:
            self._events()
        elif parts[:1] == ["_source"]:
            self._source("/".join(parts[1:]))
        elif len(parts) == 2 and preview.serves(*parts) and path.endswith("/"):
            page = preview.page(parts[0], parts[1])
            self._send(
                HTTPStatus.OK, "text/html; charset=utf-8", _dressed(preview, page, *parts).encode()
            )
        elif len(parts) == 3 and preview.serves(*parts[:2]) and parts[2] == "edition.pdf":
            self._pdf(parts[0], parts[1])
        else:
            self._not_found()

    def _pdf(self, slug: str, code: str) -> None:
        preview = self.server.preview
        try:
            data = preview.pdf(slug, code)
        except BriefkitError as error:
            page = error_page(preview.project, slug, code, error)
            self._send(
                HTTPStatus.UNPROCESSABLE_ENTITY,
                "text/html; charset=utf-8",
                _dressed(preview, page, slug, code).encode(),
            )
            return
        self._send(HTTPStatus.OK, "application/pdf", data, f'inline; filename="{slug}_{code}.pdf"')

    def _source(self, relative: str) -> None:
        """Serve a brief, data file or catalog as numbered lines, if it is one and lies inside."""
        root = self.server.preview.root
        try:
            target = (root / relative).resolve()
        except (OSError, ValueError):  # a NUL byte, a loop of links
            self._not_found()
            return
        allowed = (
            target.is_relative_to(root)
            and target.relative_to(root).parts[:1] in [(f,) for f in SOURCE_FOLDERS]
            and target.suffix in SOURCE_SUFFIXES
            and target.is_file()
        )
        if not allowed:
            self._not_found()
            return
        lines = target.read_text(encoding="utf-8", errors="replace").split("\n")
        name = target.relative_to(root).as_posix()
        page = _render(self.server.preview, "source.html", file=name, lines=lines)
        self._send(HTTPStatus.OK, "text/html; charset=utf-8", page.encode())

    def _events(self) -> None:
        """Stream a `change` event naming each rebuilt page, until the browser goes away."""
        preview = self.server.preview
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen = preview.generation
        try:
            self.wfile.write(b"retry: 300\n\n")
            self.wfile.flush()
            while not self.server.stopping.is_set():
                seen, keys = preview.wait(seen, KEEPALIVE)
                message = "".join(f"event: change\ndata: {slug}/{code}\n\n" for slug, code in keys)
                self.wfile.write((message or ": idle\n\n").encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def _not_found(self) -> None:
        self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n")

    def _send(
        self, status: HTTPStatus, media_type: str, body: bytes, disposition: str = ""
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if disposition:
            self.send_header("Content-Disposition", disposition)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _dressed(preview: Preview, page: Page, slug: str, code: str) -> str:
    """Return the page with the preview's bar, its styles and its reloading script added."""
    assets = preview.project.templates_dir / PREVIEW_TEMPLATES
    style = (assets / "preview.css").read_text(encoding="utf-8")
    script = (assets / "reload.js").read_text(encoding="utf-8")
    bar = _render(preview, "bar.html", page=page, slug=slug, code=code)
    html = page.html.replace("</head>", f"<style>\n{style}</style>\n</head>", 1)
    head, _, rest = html.partition("<body")
    tag, _, body = rest.partition(">")
    page_id = escape(f"{slug}/{code}")
    body = body.replace("</body>", f'<script data-page="{page_id}">\n{script}</script>\n</body>', 1)
    return f"{head}<body{tag}>\n{bar}{body}"


def _render(preview: Preview, template: str, **context: object) -> str:
    env = template_environment(preview.project.templates_dir, lambda text: text)
    return render_template(env, f"{PREVIEW_TEMPLATES}/{template}", **context)
