"""Artifact keys: one digest of everything an artifact's bytes depend on.

An edition (a LocalisedBrief plus its template strings) already holds exactly the text of the
catalog entries its brief uses, the figures as formatted, the sources and the coverage; what it
does not hold is the design (templates, CSS, reference DOCX), the fonts, the code and the tools.
The key is the digest of both, so an artifact whose key is unchanged would come out the same.
"""

from __future__ import annotations

import ast
import ctypes
import dataclasses
import hashlib
import importlib.metadata
import json
import platform
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.messages.extract import extract_from_dir

from briefkit.catalogs.po import TEMPLATE_GLOBS
from briefkit.l10n import fonts
from briefkit.render.formats import FORMATS

if TYPE_CHECKING:
    from briefkit.l10n.editions import Edition

# Python packages whose code shapes the bytes of a PDF or a DOCX.
PACKAGES = (
    "weasyprint",
    "pydyf",
    "tinycss2",
    "cssselect2",
    "fonttools",
    "uharfbuzz",  # the DOCX font subsets: it bundles its own HarfBuzz, not the system's
    "pypandoc-binary",
    "python-docx",
    "lxml",
    "babel",
    "jinja2",
    "markdown-it-py",
    "pillow",
    "pypdfium2",
)
# Shared libraries WeasyPrint lays text out with, and the call that returns their version.
LIBRARIES = (
    ("libpango-1.0.so.0", "pango_version_string"),
    ("libharfbuzz.so.0", "hb_version_string"),
)


@dataclass(frozen=True)
class Inputs:
    """Digests of what every artifact of a format depends on besides its edition."""

    tools: str  # packages, libraries, Python
    code: dict[str, str]  # format -> digest of the briefkit modules its renderer runs
    fonts: str  # the pinned font files
    templates: dict[str, str]  # format -> digest of the template files it reads
    msgids: dict[str, frozenset[str]]  # format -> the template strings its templates use


_PACKAGE = Path(__file__).resolve().parent.parent
RENDER_JOB = "briefkit.release.jobs"  # renders in the worker and draws the cover thumbnail
_BLOCKS = ("body", "orelse", "finalbody")  # statement lists: def, class, if, try, loops, with


def render_inputs(project_templates: Path) -> Inputs:
    """Return the digests of the tools, code, fonts and templates of this checkout."""
    return Inputs(
        tools=_digest(tool_versions()),
        code={
            name: _files_digest(_PACKAGE.parent, renderer_files(f.renderer.partition(":")[0]))
            for name, f in FORMATS.items()
        },
        fonts=fonts.fingerprint(project_templates),
        templates={
            name: _files_digest(project_templates, _template_files(project_templates, f.templates))
            for name, f in FORMATS.items()
        },
        msgids={
            name: _template_msgids(project_templates, f.templates) for name, f in FORMATS.items()
        },
    )


def artifact_key(edition: Edition, fmt: str, path: str, source_locale: str, inputs: Inputs) -> str:
    """Return the key of one artifact: a digest of its edition, format, place and inputs.

    Of the template strings only those the format's templates print count: translating a label
    of the download page rebuilds no PDF.
    """
    used = inputs.msgids.get(fmt, frozenset())
    return _digest(
        {
            "format": fmt,
            "path": path,
            "source_locale": source_locale,
            "brief": dataclasses.asdict(edition.brief),
            "ui": {msgid: text for msgid, text in edition.ui.items() if msgid in used},
            "ui_plurals": {k: list(v) for k, v in edition.ui_plurals.items() if k in used},
            "tools": inputs.tools,
            "code": inputs.code.get(fmt, ""),
            "fonts": inputs.fonts,
            "templates": inputs.templates.get(fmt, ""),
        }
    )


def renderer_files(module: str) -> list[Path]:
    """Return the files of the briefkit modules that rendering with `module` runs: the module,
    what it imports at run time (inside functions too, not for type hints only), recursively,
    and the job that writes the file. Editing other code (the CLI, the checks) rebuilds nothing:
    its effect on an artifact is already in the edition's data."""
    seen: set[Path] = set()
    waiting = [module, RENDER_JOB]
    while waiting:
        path = _module_file(waiting.pop())
        if path is None or path in seen:
            continue
        seen.add(path)
        waiting += [*_package_inits(path), *_runtime_imports(path)]
    return sorted(seen)


def _module_file(module: str) -> Path | None:
    relative = Path(*module.split("."))
    for path in (
        _PACKAGE.parent / relative.with_suffix(".py"),
        _PACKAGE.parent / relative / "__init__.py",
    ):
        if path.is_file():
            return path
    return None


def _package_inits(path: Path) -> list[str]:
    """Return the packages whose __init__ runs before the module at path."""
    parts = path.relative_to(_PACKAGE.parent).with_suffix("").parts[:-1]
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


@cache  # the formats' renderers share most of their modules: each file is parsed once
def _runtime_imports(path: Path) -> tuple[str, ...]:
    """Return the briefkit modules a file imports, skipping `if TYPE_CHECKING:` blocks."""
    found: list[str] = []

    def visit(statements: list[ast.stmt]) -> None:
        # An import is a statement: only statements and the blocks they hold are walked, not
        # the expressions inside them (a tenth of the nodes).
        for node in statements:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse)
                continue
            if isinstance(node, ast.Import):
                found.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append(node.module)
                found.extend(f"{node.module}.{alias.name}" for alias in node.names)
            for block in _BLOCKS:
                visit(getattr(node, block, []))
            for part in [*getattr(node, "handlers", []), *getattr(node, "cases", [])]:
                visit(part.body)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return tuple(name for name in found if name.split(".")[0] == _PACKAGE.name)


def tool_versions() -> dict[str, str]:
    """Return the version of each package and library that renders, without importing them."""
    versions = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "missing"
    for library, call in LIBRARIES:
        versions[library] = _library_version(library, call)
    return versions


def _library_version(library: str, call: str) -> str:
    try:
        function = getattr(ctypes.CDLL(library), call)
    except (OSError, AttributeError):
        return "missing"
    function.restype = ctypes.c_char_p
    return str(function().decode())


def _template_files(templates: Path, parts: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for part in parts:
        path = templates / part
        found += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return [p for p in found if p.exists()]


def _template_msgids(templates: Path, parts: tuple[str, ...]) -> frozenset[str]:
    found: set[str] = set()
    for part in parts:
        if (templates / part).is_dir():
            for _, _, message, _, _ in extract_from_dir(
                templates / part, method_map=TEMPLATE_GLOBS
            ):
                found.add(message if isinstance(message, str) else message[0])
    return frozenset(found)


def _files_digest(base: Path, paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
