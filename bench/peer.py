"""A peer for context: Typst (its PyPI package bundles the compiler) writing an equivalent
document of each edition: the same localised text, cover, key messages, headings, lists, table,
quote, bar chart, sources and "Page x of y", in the same Noto fonts, tagged PDF/UA-1.

`write_typst_sources` (untimed, in the benchmark's process) turns each localised brief into a
.typ file; running this file compiles them with one Typst compiler, timing each document:

    python bench/peer.py DIR            # prints per-document seconds as JSON

It is not a second implementation of the design: fonts, sizes and spacing are Typst's defaults
where the CSS would take a page to port. The point is the order of magnitude.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

FONT_PATHS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto")


def write_typst_sources(root: Path, work: Path, allow_partial: bool) -> list[Path]:
    """Write a .typ file per edition of the project under work; return their paths."""
    from bench.floor import editions
    from briefkit.l10n import fonts
    from briefkit.project import load_project

    project = load_project(root)
    work.mkdir(parents=True, exist_ok=True)
    written = []
    for edition in editions(project, allow_partial)[0]:
        brief = edition.brief
        stack = fonts.stack_for(project.templates_dir, brief.locale.language)
        path = work / f"{brief.slug}_{brief.locale.code}.typ"
        path.write_text(typst_document(brief, edition.ui, stack), encoding="utf-8")
        written.append(path)
    return written


def typst_document(brief: Any, ui: dict[str, str], stack: tuple[str, ...]) -> str:
    """Return the Typst source of a localised brief."""

    def _(text: str) -> str:
        return ui.get(text, text)

    footer = _("Page %(page)s of %(pages)s")
    counter = (
        _string(footer.split("%(page)s")[0])
        + "#context counter(page).display();"
        + _string(footer.split("%(page)s")[-1].split("%(pages)s")[0])
        + "#context counter(page).final().first();"
        + _string(footer.split("%(pages)s")[-1])
    )
    fonts = ", ".join(f'"{family}"' for family in stack)
    lines = [
        f"#set document(title: {_quoted(_plain(brief.title))}, author: {_quoted(brief.publisher)})",
        f'#set text(font: ({fonts},), size: 10pt, lang: "{brief.locale.language}", '
        f"dir: {brief.locale.direction})",
        '#set page(paper: "a4", margin: (x: 2cm, y: 2.2cm), '
        f"header: context if counter(page).get().first() > 1 [{_string(brief.series)}], "
        f"footer: [{_string(brief.publisher)} #h(1fr) {counter}])",
        "#set par(justify: false, leading: 0.7em)",
        "#show heading.where(level: 1): set text(size: 22pt)",
        "",
        f"{_string(brief.series)}",
        "",
        f"= {_inline_markdown(brief.title)}",
        "",
        f"#text(size: 14pt)[{_inline_markdown(brief.subtitle)}]",
        "",
        f"{_inline_markdown(brief.audience)} · {_string(brief.date_text)}",
        "",
        f"#block(fill: luma(240), inset: 12pt, width: 100%)[== {_string(_('Key messages'))}",
        *(f"- {_inline_markdown(message)}" for message in brief.key_messages),
        "]",
        "",
        _body(brief),
        f"== {_string(_('Sources'))}",
        *(f"+ {_string(_cite(source))}" for source in brief.sources),
        "",
        f"== {_string(_('About this brief'))}",
        "",
    ]
    return "\n".join(lines)


def _cite(source: Any) -> str:
    year = f" ({source.year})" if source.year else ""
    return f"{source.name}{year}. {source.title}. {source.url or ''}".strip()


def _body(brief: Any) -> str:
    from briefkit.sources.segments import markdown_parser

    tokens = markdown_parser().parse(brief.body)
    out: list[str] = []
    table: list[list[str]] = []
    prefix: list[str] = []
    for token in tokens:
        kind = token.type
        if kind == "heading_open":
            out.append("=" * int(token.tag[1]) + " ")
        elif kind == "inline":
            text = _chart(brief, token) or _inline(token.children or [])
            if table:
                table[-1].append(text)
            else:
                out.append("".join(prefix) + text)
        elif kind in ("paragraph_close", "heading_close") and not table:
            out.append("\n\n")
        elif kind == "bullet_list_open":
            prefix.append("- ")
        elif kind == "bullet_list_close":
            prefix.pop()
        elif kind == "blockquote_open":
            out.append("#quote(block: true)[")
        elif kind == "blockquote_close":
            out.append("]\n\n")
        elif kind == "table_open":
            table = [[]]
        elif kind == "tr_close":
            table.append([])
        elif kind == "table_close":
            out.append(_table([row for row in table if row]))
            table = []
    return "".join(out)


def _table(rows: list[list[str]]) -> str:
    columns = max(len(row) for row in rows)
    header = ", ".join(f"[#strong[{cell}]]" for cell in rows[0])
    cells = ", ".join(f"[{cell}]" for row in rows[1:] for cell in row)
    return f"#table(columns: {columns}, table.header({header}), {cells})\n\n"


def _chart(brief: Any, token: Any) -> str | None:
    children = token.children or []
    if len(children) != 1 or children[0].type != "image":
        return None
    src = str(children[0].attrs.get("src", ""))
    chart = brief.charts.get(src.removeprefix("chart:"))
    if chart is None:
        return None
    caption = str(children[0].attrs.get("title", "")) or chart.title
    bars = ", ".join(
        f"[{_string(bar.label)}], box(width: {bar.share * 100:.1f}%, height: 0.8em, "
        f'fill: rgb("#1f5f8b")), [{_string(bar.value)}]'
        for bar in chart.bars
    )
    return (
        f"#figure(caption: [{_string(caption)}], "
        f"grid(columns: (auto, 1fr, auto), gutter: 6pt, {bars}))"
    )


def _inline(children: list[Any]) -> str:
    out = []
    for child in children:
        if child.type == "text":
            out.append(_string(child.content))
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "strong_open":
            out.append("#strong[")
        elif child.type == "em_open":
            out.append("#emph[")
        elif child.type == "link_open":
            out.append(f"#link({_quoted(str(child.attrs.get('href', '')))})[")
        elif child.type in ("strong_close", "em_close", "link_close"):
            out.append("];")
        elif child.type == "code_inline":
            out.append(f"#raw({_quoted(child.content)});")
    return "".join(out)


def _inline_markdown(text: str) -> str:
    from briefkit.sources.segments import markdown_parser

    tokens = markdown_parser().parseInline(text)
    return "".join(_inline(token.children or []) for token in tokens)


def _plain(text: str) -> str:
    from briefkit.sources.segments import markdown_parser

    tokens = markdown_parser().parseInline(text)
    return "".join(c.content for t in tokens for c in (t.children or []) if c.type == "text")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _string(text: str) -> str:
    """Return text as a Typst string in markup (`#"...";`), so no character is markup."""
    return f"#{_quoted(text)};" if text else ""


def compile_all(paths: list[Path]) -> dict[str, float]:
    """Compile each .typ file to PDF with one compiler (fonts loaded once); return seconds each."""
    import typst

    root = str(paths[0].parent) if paths else None
    compiler = typst.Compiler(root=root, font_paths=list(FONT_PATHS), ignore_system_fonts=True)
    seconds = {}
    for path in paths:
        start = time.perf_counter()
        compiler.compile(
            input=str(path), output=str(path.with_suffix(".pdf")), pdf_standards=["ua-1"]
        )
        seconds[path.name] = time.perf_counter() - start
    return seconds


def main(argv: list[str] | None = None) -> int:
    """Compile every .typ file of a folder; print per-document seconds as JSON."""
    folder = Path((argv or sys.argv[1:])[0])
    start = time.perf_counter()
    seconds = compile_all(sorted(folder.glob("*.typ")))
    json.dump({"seconds": seconds, "total": time.perf_counter() - start}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
