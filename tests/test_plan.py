"""Planning: shards split the editions between them exactly, each with a like share of every language."""

from __future__ import annotations

import pytest

from briefkit.errors import ConfigError
from briefkit.release.plan import Shard, artifact_path, parse_shard

BRIEFS = ["overview", "governments", "technology", "civil-society"]
LOCALES = ["en", "fr", "es", "ru", "ar", "zh_Hans"]


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 24, 30])
def test_shards_split_the_editions_exactly(count: int) -> None:
    shares = [Shard(k, count).share(BRIEFS, LOCALES) for k in range(1, count + 1)]
    everything = {(b, loc) for b in BRIEFS for loc in LOCALES}
    assert set().union(*shares) == everything
    assert sum(len(share) for share in shares) == len(everything)  # no edition twice
    assert max(map(len, shares)) - min(map(len, shares)) <= 1


def test_each_shard_gets_a_like_share_of_each_language() -> None:
    for k in (1, 2):
        share = Shard(k, 2).share(BRIEFS, LOCALES)
        assert sorted(loc for _, loc in share) == sorted(LOCALES * 2)


def test_a_share_does_not_depend_on_the_order_names_come_in() -> None:
    assert Shard(2, 3).share(BRIEFS, LOCALES) == Shard(2, 3).share(BRIEFS[::-1], LOCALES[::-1])


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0", "-1/2"])
def test_a_malformed_shard_is_refused_with_the_fix(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_shard(text)
    assert str(caught.value) == f"{text!r} is not K/N (shard K of N, 1 ≤ K ≤ N: e.g. 1/3)"


def test_the_cli_says_what_is_wrong_with_a_shard(capsys: pytest.CaptureFixture[str]) -> None:
    from briefkit.cli import main

    with pytest.raises(SystemExit) as caught:
        main(["--shard", "3/2"])
    assert caught.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "build.py: error: argument --shard: '3/2' is not K/N (shard K of N, 1 ≤ K ≤ N: e.g. 1/3)"
    )


def test_shard_and_artifact_names() -> None:
    assert str(parse_shard("2/5")) == "2/5"
    assert artifact_path("overview", "zh_Hans", "pdf") == "overview/overview_zh_Hans.pdf"
