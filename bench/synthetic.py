"""Synthetic projects for the scale benchmark: N generated briefs of the real briefs' shape, with
.po catalogs pseudo-translated into the script of each locale (so Arabic is shaped and Chinese
is set in its CJK font, as in a real release).

Every brief has the same structure and length (about 1,100 words, like briefs/*.md: key
messages, three sections, six subsections, a chart, a table, a list and a quote); only the words
differ, drawn from a seeded generator, so time per artifact can be compared across sizes.
"""

from __future__ import annotations

import hashlib
import random
import re
import shutil
import tomllib
from pathlib import Path

LOCALES = ("en", "fr", "es", "ru", "ar", "zh_Hans")
BENCH_FORMATS = ("pdf", "docx")  # what the benchmark builds: the goals were set on them
FORMATS = len(BENCH_FORMATS)

_WORDS_TEXT = """
    abuse access action adults agencies align alliance analysis approach areas assessment
    authorities awareness balance barriers build capacity care cases centre change children
    civil climate commitment communities companies concern conflict content context
    cooperation countries court crisis data decisions design detection development digital
    disclosure duties education effect efforts emergency enforcement evidence exchange
    experience exposure families features finance findings framework funding gaps global
    governments groups growth guidance harm health impact industry information institutions
    investment justice knowledge language laws leaders learning legislation level local
    measures media members methods ministers models monitoring national networks officials
    online operators order outcomes parents partners platforms police policy practice
    prevention priority privacy programmes progress protection providers public quality
    rates recovery reform regions reports research resources response responsibility rights
    risk safety schools sector security services settings signals skills social society
    standards support survivors systems teachers technology threat tools training trends
    trust victims violence voices welfare workers young
"""
_WORDS = tuple(_WORDS_TEXT.split())
_VERBS_TEXT = """
    addresses builds calls changes collects connects defines delivers expands explains
    improves includes informs links measures needs offers protects reduces reflects requires
    reviews shapes shows strengthens supports tracks
"""
_VERBS = tuple(_VERBS_TEXT.split())
_SMALL_TEXT = """
    and for from in of on the to with across between within
"""
_SMALL = tuple(_SMALL_TEXT.split())
_ALPHABETS = {
    "fr": "abcdefghijlmnopqrstuvéèàçêôù",
    "es": "abcdefghijlmnopqrstuvyzáéíóúñ",
    "ru": "абвгдежзийклмнопрстуфхцчшщыьэюя",
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "zh": (
        "的一是不了人在有这为之大来以个中上们到说国和地也子时道出而要于就下得可年生自会那后能对着"
        "事其里所去行过家十用发天如然作方成者多日都三小二无同经法当起与好看学进种将还分此心前面又"
        "定见只主没公从工政儿童保护安全网络社会技术报告发展国际组织研究服务支持风险预防合作"
    ),
}
_GROWTH = {"fr": 1.15, "es": 1.15, "ru": 1.05, "ar": 0.9}  # length of a word against English
_PROTECTED = re.compile(r"(\{\{[^}]*\}\}|%\([a-z_]+\)s|\]\([^)]*\)|https?://\S+)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")

_DATA = """\
sources:
  survey: {name: Synthetic Survey Office, title: Annual survey of online harm, year: 2023, url: "https://example.org/survey"}
  registry: {name: Synthetic Registry, title: Reports to the national registry, year: 2023}
  study: {name: Synthetic Research Centre, title: A study of platform design, year: 2022}
figures:
  reports: {label: Reports made, value: 32000000, unit: count, style: compact, year: 2022, source: registry}
  rise: {label: Rise in reports since 2019, value: 87, unit: percent, year: 2022, source: survey}
  share: {label: Share of cases with a known perpetrator, value: 60, unit: percent, year: 2023, source: study}
  ages: {label: Age range most affected, value: [7, 10], unit: range, year: 2022, source: survey}
  escalation: {label: Time to escalate, value: 19, unit: duration-second, year: 2023, source: study}
  average: {label: Average grooming time, value: 45, unit: duration-minute, year: 2023, source: study}
  before: {label: Reports in 2021, value: 139, unit: count, style: plain, year: 2021, source: registry}
  after: {label: Reports in 2022, value: 10000, unit: count, style: plain, year: 2022, source: registry}
charts:
  growth:
    title: Reports made to the registry
    bars: [{figure: before, label: "2021"}, {figure: after, label: "2022"}]
"""
_FIGURES = ("reports", "rise", "share", "ages", "escalation", "average", "before", "after")


def generate_project(
    root: Path, briefs: int, repo: Path, locales: tuple[str, ...] = LOCALES
) -> Path:
    """Write a project of `briefs` generated briefs, fully pseudo-translated, under root; return root."""
    from briefkit import translations
    from briefkit.project import load_project

    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(repo / "templates", root / "templates", dirs_exist_ok=True)
    (root / "pyproject.toml").write_text(_pyproject(locales), encoding="utf-8")
    (root / "briefs" / "data").mkdir(parents=True, exist_ok=True)
    (root / "briefs" / "data" / "synthetic.yaml").write_text(_DATA, encoding="utf-8")
    for number in range(1, briefs + 1):
        path = root / "briefs" / f"brief-{number:04d}.md"
        path.write_text(brief_text(number), encoding="utf-8")
    project = load_project(root)
    translations.extract(project)
    translations.update(project)
    for code in project.target_locales:
        for po in sorted((project.translations_dir / code / "LC_MESSAGES").glob("*.po")):
            pseudo_translate_file(po, code)
    return root


def artifact_count(briefs: int, locales: tuple[str, ...] = LOCALES) -> int:
    """Return how many files a full build of a generated project writes."""
    return briefs * len(locales) * FORMATS


def briefs_for(artifacts: int, locales: tuple[str, ...] = LOCALES) -> int:
    """Return the number of briefs that gives `artifacts` files (24 → 2 with six locales)."""
    per_brief = len(locales) * FORMATS
    if artifacts % per_brief:
        raise ValueError(f"{artifacts} is not a multiple of {per_brief} (locales × formats)")
    return artifacts // per_brief


def brief_text(number: int) -> str:
    """Return the Markdown source of generated brief `number` (the same shape for every number)."""
    rng = random.Random(number)
    key_messages = [
        _sentence(rng, 14, "{{ rise }}"),
        _sentence(rng, 16, "{{ reports }}", "{{ reports.year }}"),
        _sentence(rng, 12, "{{ ages }}"),
        _sentence(rng, 15),
    ]
    front = [
        "---",
        f"title: {_title(rng, 6)}",
        f"subtitle: {_title(rng, 7)}",
        "audience: For policy makers",
        "series: Synthetic brief series",
        f"number: {number}",
        "date: 2023-11-20",
        "publisher: Synthetic Policy Briefs",
        "data: data/synthetic.yaml",
        "key_messages:",
        *(f"  - {message}" for message in key_messages),
        "---",
        "",
    ]
    return "\n".join(front + _body(rng)) + "\n"


def _body(rng: random.Random) -> list[str]:
    lines: list[str] = []
    for section in range(3):
        lines += [f"## {_title(rng, 4)}", ""]
        lines += [_paragraph(rng, 42), ""]
        for sub in range(2):
            lines += [f"### {_title(rng, 5)}", ""]
            lines += [_paragraph(rng, 48, section * 2 + sub), ""]
            lines += [_paragraph(rng, 38), ""]
        if section == 0:
            lines += [_chart(rng), "", _paragraph(rng, 32), ""]
        if section == 1:
            lines += [*_table(rng), ""]
        if section == 2:
            lines += [*_list(rng), "", _quote(rng), ""]
    return lines


def _paragraph(rng: random.Random, words: int, figure: int | None = None) -> str:
    sentences: list[str] = []
    count = 0
    while count < words:
        size = rng.randint(9, 18)
        extra = []
        if figure is not None and not sentences:
            extra = ["{{ " + _FIGURES[figure % len(_FIGURES)] + " }}"]
        sentences.append(_sentence(rng, size, *extra))
        count += size
    if rng.random() < 0.3:
        sentences[0] = sentences[0].replace(" ", " **", 1)[:-1] + "**."
    if rng.random() < 0.2:
        sentences.append(f"See [{_phrase(rng, 4)}](https://example.org/{rng.randint(1, 999)}).")
    return " ".join(sentences)


def _sentence(rng: random.Random, words: int, *placeholders: str) -> str:
    parts = [rng.choice(_WORDS) if i % 3 else rng.choice(_SMALL) for i in range(words)]
    parts[min(2, words - 1)] = rng.choice(_VERBS)
    for placeholder in placeholders:
        parts.insert(rng.randint(1, len(parts)), placeholder)
    text = " ".join(parts)
    return text[0].upper() + text[1:] + "."


def _phrase(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def _title(rng: random.Random, words: int) -> str:
    return _phrase(rng, words).capitalize()


def _chart(rng: random.Random) -> str:
    alt = f"Bar chart: {_phrase(rng, 3)} rose from {{{{ before }}}} to {{{{ after }}}}"
    return f'![{alt}](chart:growth "{_title(rng, 5)}, 2021 and 2022")'


def _table(rng: random.Random) -> list[str]:
    rows = ["| Finding | Figure |", "|---|---|"]
    for figure in _FIGURES[:7]:
        rows.append(f"| {_title(rng, rng.randint(5, 10))} | {{{{ {figure} }}}} |")
    return rows


def _list(rng: random.Random) -> list[str]:
    return [f"- **{_title(rng, 4)}.** {_sentence(rng, 18)} {_sentence(rng, 12)}" for _ in range(5)]


def _quote(rng: random.Random) -> str:
    return f"> “{_sentence(rng, 10)}” — {_title(rng, 2)}, {_title(rng, 3)}"


def _pyproject(locales: tuple[str, ...]) -> str:
    listed = ", ".join(f'"{code}"' for code in locales)
    text = f'[tool.briefkit]\nsource_locale = "en"\nlocales = [{listed}]\n'
    tomllib.loads(text)
    return text


def pseudo_translate_file(path: Path, code: str) -> None:
    """Fill every entry of a .po file with a pseudo-translation in the locale's script."""
    from briefkit.catalogs.po import dump_catalog, read_catalog
    from briefkit.writing import write_atomic

    catalog = read_catalog(path, code)
    plurals = catalog.num_plurals
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            singular, plural = message.id[0], message.id[1]
            forms = [pseudo_translate(singular, code)]
            forms += [pseudo_translate(plural, code)] * (plurals - 1)
            message.string = tuple(forms)
        else:
            message.string = pseudo_translate(message.id, code)
        message.flags.discard("fuzzy")
    write_atomic(path, dump_catalog(catalog))


def pseudo_translate(text: str, code: str) -> str:
    """Return text with every word replaced by a pseudo-word in the locale's script.

    Placeholders, printf parameters, link targets and Markdown punctuation are kept as they are.
    """
    language = code.split("_")[0]
    pieces = _PROTECTED.split(text)
    return "".join(
        piece if index % 2 else _translate_run(piece, language)
        for index, piece in enumerate(pieces)
    )


def _translate_run(text: str, language: str) -> str:
    translated = _WORD.sub(lambda match: _pseudo_word(match.group(), language), text)
    if language == "zh":  # no spaces between Chinese words
        translated = re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", translated)
    return translated.translate(_PUNCTUATION.get(language, {}))


# Each language's quotation marks and punctuation, as briefkit/typography.py requires them.
_PUNCTUATION = {
    "ar": str.maketrans({"“": "«", "”": "»", ",": "،", ";": "؛", "?": "؟"}),
    "fr": str.maketrans({"“": "«\u00a0", "”": "\u00a0»"}),
    "es": str.maketrans({"“": "«", "”": "»"}),
    "ru": str.maketrans({"“": "«", "”": "»"}),
    "zh": str.maketrans(
        {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
    ),
}


def _pseudo_word(word: str, language: str) -> str:
    alphabet = _ALPHABETS[language]
    seed = int.from_bytes(hashlib.blake2b(word.lower().encode(), digest_size=4).digest(), "big")
    rng = random.Random(seed)
    length = (
        max(1, round(len(word) / 3))
        if language == "zh"
        else max(1, round(len(word) * _GROWTH.get(language, 1.0)))
    )
    made = "".join(rng.choice(alphabet) for _ in range(length))
    return made.capitalize() if word[0].isupper() and language in ("fr", "es", "ru") else made
