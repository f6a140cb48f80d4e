"""`build.py serve`: the live preview, over HTTP as a browser sees it, on a copy of the sample.

The server runs in this process on a free port of 127.0.0.1; each test edits the project's files
as a translator's editor would and reads what the server then serves.
"""

from __future__ import annotations

import http.client
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefkit.catalogs.po import po_path, read_catalog, write_catalog
from briefkit.cli import _parser
from briefkit.preview.server import Preview, PreviewServer, Selection
from briefkit.project import Project

QUOTE_FIX = (
    '(quote every string ("…", with \\" for a quotation mark inside) and start entries with msgid)'
)


@pytest.fixture
def server(sample: Project) -> Iterator[PreviewServer]:
    running = PreviewServer(("127.0.0.1", 0), Preview(sample.root, Selection()))
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


def get(server: PreviewServer, path: str, host_header: str = "") -> tuple[int, str, bytes]:
    """Return the status, media type and body of a GET."""
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), port, timeout=60)
    connection.request("GET", path, headers={"Host": host_header} if host_header else {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.getheader("Content-Type") or "", body


def page(server: PreviewServer, path: str = "/sample/fr/") -> str:
    status, media_type, body = get(server, path)
    assert (status, media_type) == (200, "text/html; charset=utf-8"), body[:300]
    return body.decode("utf-8")


def entry_line(sample: Project, locale: str, msgid: str, domain: str = "sample") -> int:
    return int(read_catalog(po_path(sample.translations_dir, locale, domain), locale)[msgid].lineno)


def save(path: Path, text: str) -> None:
    """Write a file as an editor does, and make sure its time stamp moves even on a coarse clock."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def wait_for(
    server: PreviewServer, text: str, path: str = "/sample/fr/", seconds: float = 20
) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = page(server, path)
        if text in found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never appeared in {path}")


def test_it_listens_on_this_machine_only_unless_told() -> None:
    assert _parser().parse_args(["serve"]).host == "127.0.0.1"
    assert _parser().parse_args(["serve", "--host", "0.0.0.0"]).host == "0.0.0.0"
    args = _parser().parse_args(["serve", "--lang", "fr", "--brief", "sample", "--port", "0"])
    assert (args.lang, args.brief, args.port) == (["fr"], ["sample"], 0)


def test_the_index_links_every_brief_in_every_language(server: PreviewServer) -> None:
    html = page(server, "/")
    for code in ("en", "fr", "ar", "zh_Hans"):
        assert f'<a href="/sample/{code}/">{code}</a>' in html


def test_untranslated_text_is_marked_in_english_and_linked_to_its_entry(
    server: PreviewServer, sample: Project
) -> None:
    html = page(server, "/sample/zh_Hans/")
    line = entry_line(sample, "zh_Hans", "Children aged {{ ages }} are affected.")
    # The text is set as the edition sets it (l10n/typesetting.py: the number tied to its word,
    # a Chinese paragraph's last two characters kept together), inside the mark.
    assert (
        '<li><mark class="bk-untranslated" lang="en" dir="ltr">'
        'Children aged 7–10\u00a0are affect<span class="keep">ed.</span></mark>'
        f'<a class="bk-where" lang="en" dir="ltr" href="/_source/translations/zh_Hans/LC_MESSAGES/sample.po#L{line}"'
        f' title="untranslated, shown in English: translations/zh_Hans/LC_MESSAGES/sample.po:{line}">'
        f"sample.po:{line}</a></li>"
    ) in html
    assert "2 untranslated · 0 fuzzy" in html  # the list item and the chart's description
    assert "\u2e2e" not in html and "\u2e18" not in html  # no marker left, not even in attributes


def test_a_fuzzy_draft_is_shown_and_marked_as_such(server: PreviewServer, sample: Project) -> None:
    path = po_path(sample.translations_dir, "fr", "sample")
    catalog = read_catalog(path, "fr")
    catalog["Context"].string = "Contexte (brouillon)"
    catalog["Context"].flags.add("fuzzy")
    write_catalog(path, catalog)
    html = page(server)
    line = entry_line(sample, "fr", "Context")
    # The last word is kept from hyphenation (l10n/typesetting.py), inside the mark.
    assert (
        '<mark class="bk-fuzzy">Contexte (<span class="nohyphen">brouillon)</span></mark>' in html
    )
    assert f'href="/_source/translations/fr/LC_MESSAGES/sample.po#L{line}"' in html


def test_the_source_language_has_no_marks(server: PreviewServer) -> None:
    html = page(server, "/sample/en/")
    assert "<mark" not in html
    assert "0 untranslated · 0 fuzzy" in html


def test_a_saved_catalog_rebuilds_the_page_and_tells_the_browser(
    server: PreviewServer, sample: Project
) -> None:
    assert "Contexte" in page(server)  # the page is built, so the server watches it
    host, port = server.server_address[:2]
    stream = http.client.HTTPConnection(str(host), port, timeout=20)
    stream.request("GET", "/_events")
    events = stream.getresponse()
    assert events.getheader("Content-Type") == "text/event-stream; charset=utf-8"
    assert events.fp.readline() == b"retry: 300\n"
    path = po_path(sample.translations_dir, "fr", "sample")
    text = path.read_text(encoding="utf-8")
    save(path, text.replace('msgstr "Contexte"', 'msgstr "Le contexte"'))
    lines = [events.fp.readline() for _ in range(4)]
    stream.close()
    assert lines[1:3] == [b"event: change\n", b"data: sample/fr\n"]
    # A heading's last word is kept from hyphenation (l10n/typesetting.py).
    assert '>Le <span class="nohyphen">contexte</span></h2>' in page(server)


def test_a_broken_catalog_shows_its_error_and_the_next_good_save_recovers(
    server: PreviewServer, sample: Project
) -> None:
    assert "Contexte" in page(server)
    path = po_path(sample.translations_dir, "fr", "sample")
    good = path.read_text(encoding="utf-8")
    line = good[: good.index('msgstr "Contexte"')].count("\n") + 1
    save(path, good.replace('msgstr "Contexte"', 'msgstr "Contexte', 1))
    html = wait_for(server, "cannot be built")
    assert (
        f'<li><a href="/_source/translations/fr/LC_MESSAGES/sample.po#L{line}"><code>'
        f"translations/fr/LC_MESSAGES/sample.po:{line}: not .po syntax: &#39;msgstr &#34;Contexte&#39; "
        f"{QUOTE_FIX.replace(chr(34), '&#34;')}</code></a></li>"
    ) in html
    assert "1 error" in html
    save(path, good.replace('msgstr "Contexte"', 'msgstr "Contexte repris"', 1))
    assert ">Contexte repris</h2>" in wait_for(server, "Contexte repris")


def test_a_broken_brief_shows_its_error_with_the_line(
    server: PreviewServer, sample: Project
) -> None:
    assert "Contexte" in page(server)
    brief = sample.briefs_dir / "sample.md"
    good = brief.read_text(encoding="utf-8")
    save(brief, good.replace("{{ escalation }}", "{{ escalashun }}", 1))
    html = wait_for(server, "cannot be built")
    line = good[: good.index("{{ escalation }}")].count("\n") + 1
    assert (
        f"briefs/sample.md:{line}: undefined figure &#39;escalashun&#39; "
        "(add it under `figures:` in sample.yaml or fix the name)"
    ) in html
    save(brief, good)
    wait_for(server, "Contexte")


def test_the_source_view_numbers_lines_for_the_marks_links(
    server: PreviewServer, sample: Project
) -> None:
    html = page(server, "/_source/translations/fr/LC_MESSAGES/sample.po")
    line = entry_line(sample, "fr", "Context")
    assert (
        f'<tr id="L{line}"><th scope="row"><a href="#L{line}">{line}</a></th>'
        "<td><pre>msgid &#34;Context&#34;</pre></td></tr>"
    ) in html


@pytest.mark.parametrize(
    "path",
    [
        "/_source/../pyproject.toml",
        "/_source/%2e%2e/%2e%2e/etc/passwd",
        "/_source/translations/../../../etc/passwd",
        "/_source//etc/passwd",
        "/_source/pyproject.toml",
        "/_source/templates/html/brief.html",
        "/_source/translations/outside.po",  # a symbolic link out of the project
        "/etc/passwd",
        "/sample/xx/",
        "/nothing/fr/",
        "/sample/fr/../../pyproject.toml",
        "/_source/translations/fr/LC_MESSAGES/%00.po",
    ],
)
def test_nothing_outside_the_sources_is_served(
    server: PreviewServer, sample: Project, tmp_path: Path, path: str
) -> None:
    secret = tmp_path / "secret.po"
    secret.write_text('msgid "secret"\n', encoding="utf-8")
    (sample.translations_dir / "outside.po").symlink_to(secret)
    status, _, body = get(server, path)
    assert (status, body) == (404, b"not found\n")


def test_a_name_pointed_at_this_machine_by_another_site_is_refused(server: PreviewServer) -> None:
    port = server.server_address[1]
    assert get(server, "/", f"localhost:{port}")[0] == 200
    assert get(server, "/", f"attacker.example:{port}")[:3:2] == (403, b"not this host\n")


def test_a_selection_serves_only_its_briefs_and_locales(sample: Project) -> None:
    preview = Preview(sample.root, Selection(locales=("fr",)))
    assert preview.locales() == ["fr"]
    assert preview.serves("sample", "fr") and not preview.serves("sample", "ar")


def test_the_pdf_of_the_page_on_demand(server: PreviewServer) -> None:
    status, media_type, body = get(server, "/sample/fr/edition.pdf")
    assert (status, media_type) == (200, "application/pdf")
    assert body.startswith(b"%PDF-")


def test_a_translator_saves_an_entry_and_the_open_page_shows_it(
    server: PreviewServer, sample: Project
) -> None:
    from playwright.sync_api import sync_playwright

    host, port = server.server_address[:2]
    path = po_path(sample.translations_dir, "fr", "sample")
    text = path.read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.goto(f"http://{host}:{port}/sample/fr/")
        assert page.locator("main h2").nth(1).inner_text() == "Contexte"
        page.evaluate("window.kept = 'the same document'")  # gone if the browser navigated
        page.wait_for_timeout(300)  # the event stream is open
        save(path, text.replace('msgstr "Contexte"', 'msgstr "Le contexte"'))
        page.wait_for_function(
            "() => document.querySelectorAll('main h2')[1].textContent === 'Le contexte'",
            timeout=20_000,
        )
        assert page.evaluate("window.kept") == "the same document"
        assert page.locator(".bk-bar").count() == 1  # the bar is not doubled
        assert page.evaluate("document.documentElement.lang") == "fr"
        browser.close()


def test_an_unknown_locale_or_brief_is_refused_before_serving(
    sample: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    from briefkit.cli import main

    assert main(["--root", str(sample.root), "serve", "--lang", "pt_BR"]) == 2
    assert capsys.readouterr().err == (
        "error: locale 'pt_BR' is not configured in pyproject.toml [tool.briefkit] locales\n"
    )
    assert main(["--root", str(sample.root), "serve", "--brief", "other"]) == 2
    assert capsys.readouterr().err == "error: no brief 'other' in briefs/ (there are: sample)\n"
