"""What the pipeline needs to know about a locale: its codes, direction, names and plural rule."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError, localedata
from babel.messages.plurals import get_plural

from briefkit.errors import ConfigError

_CODE = re.compile(r"^[a-z]{2,3}(_[A-Z][a-z]{3})?(_(?:[A-Z]{2}|\d{3}))?$")


@dataclass(frozen=True)
class LocaleInfo:
    """A target locale as the pipeline uses it."""

    code: str  # the gettext code, as in translations/<code>/ (zh_Hans)
    bcp47: str  # the language tag for HTML, PDF and DOCX (zh-Hans)
    direction: str  # "ltr" or "rtl"
    native_name: str  # the language's own name for itself
    english_name: str
    plural_forms: str  # the Plural-Forms header value

    @property
    def babel(self) -> Locale:
        """Return the Babel locale for CLDR formatting."""
        return Locale.parse(self.code)

    @property
    def language(self) -> str:
        """Return the bare language subtag (zh for zh_Hans)."""
        return self.code.split("_")[0]

    @property
    def is_rtl(self) -> bool:
        """Return True when the script is written right to left."""
        return self.direction == "rtl"


@cache
def locale_info(code: str) -> LocaleInfo:
    """Return the LocaleInfo for a gettext locale code, or raise with close matches."""
    if not _CODE.match(code):
        raise ConfigError(
            f"malformed locale code {code!r}",
            fix=f"use a gettext code such as fr, pt_BR or zh_Hans{_suggest(code)}",
        )
    try:
        if not localedata.exists(code):  # Babel parses a code with any territory (fr_FX)
            raise UnknownLocaleError(code)
        loc = Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        raise ConfigError(
            f"unknown locale {code!r}", fix=f"CLDR has no such locale{_suggest(code)}"
        ) from None
    plural = get_plural(loc)
    return LocaleInfo(
        code=code,
        bcp47=code.replace("_", "-"),
        direction=loc.text_direction,
        native_name=_native_name(loc),
        english_name=loc.get_display_name("en") or code,
        plural_forms=plural.plural_forms,
    )


def close_matches(code: str) -> list[str]:
    """Return known locale codes that look like the given one."""
    known = localedata.locale_identifiers()
    lowered = {k.lower(): k for k in known}
    wanted = code.lower().replace("-", "_")
    language = wanted.split("_")[0]
    # A different spelling of a known code first (zh_hans), then the bare language (fr for fr_XX),
    # then look-alikes.
    same = sorted(
        (k for k in lowered if k.split("_")[0] == language), key=lambda k: (k != language, k)
    )
    close = difflib.get_close_matches(wanted, list(lowered), n=4, cutoff=0.6)
    exact = [wanted] if wanted in lowered else []
    return [lowered[m] for m in dict.fromkeys([*exact, *same[:1], *close, *same])][:4]


def _suggest(code: str) -> str:
    try:
        matches = close_matches(code)
    except ValueError:  # Babel refuses to compare what is no locale at all ("fr/")
        return ""
    return f"; did you mean {', '.join(matches)}?" if matches else ""


def _native_name(loc: Locale) -> str:
    name = loc.get_display_name(loc) or str(loc)
    # CLDR writes some names in lower case ("français"); a switcher shows them capitalised.
    return name[:1].upper() + name[1:]
