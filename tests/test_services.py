"""A test that needs a service it cannot find fails where the service is promised."""

import re

import pytest
from fixtures.services import REQUIRE, missing_service


@pytest.mark.parametrize(
    ("env", "outcome"),
    [
        ({"CI": "true"}, pytest.fail.Exception),
        ({"CI": "1", REQUIRE: "0"}, pytest.skip.Exception),
        ({REQUIRE: "1"}, pytest.fail.Exception),
        ({"CI": "false"}, pytest.skip.Exception),
        ({}, pytest.skip.Exception),
    ],
)
def test_a_missing_service_fails_where_it_is_promised(monkeypatch, env, outcome):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv(REQUIRE, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(outcome, match=re.escape("MariaDB at 127.0.0.1:3306 is missing")):
        missing_service("MariaDB at 127.0.0.1:3306")


def test_the_corpus_fixture_finds_the_shared_corpus(corpus_dir):
    assert (corpus_dir / "MANIFEST.md").is_file()
