"""The README's CLI table lists exactly the management commands the project defines (designer
and projects apps) and, for each, exactly the flags and choices its parser takes."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

README = Path(__file__).resolve().parents[3] / "README.md"
APPS = ("designer", "projects")
# Options every Django command has; the README does not repeat them.
COMMON = {
    "-h",
    "--help",
    "--version",
    "-v",
    "--verbosity",
    "--settings",
    "--pythonpath",
    "--traceback",
    "--no-color",
    "--force-color",
    "--skip-checks",
}
FLAG = re.compile(r"^--?[a-z][a-z-]*$")


def readme_usages() -> dict[str, list[str]]:
    """command -> what follows ``python manage.py NAME`` in each of its rows of the CLI table."""
    section = README.read_text().split("\n## CLI\n", 1)[1].split("\n## ", 1)[0]
    usages: dict[str, list[str]] = {}
    for line in section.splitlines():
        row = re.match(r"\| `python manage\.py (\w+)(.*?)` \|", line)
        if row:
            usages.setdefault(row.group(1), []).append(row.group(2).replace("\\|", "|"))
    return usages


def project_commands() -> dict[str, str]:
    return {name: app for name, app in get_commands().items() if app in APPS}


def parser_of(name: str) -> argparse.ArgumentParser:
    command = load_command_class(project_commands()[name], name)
    return command.create_parser("manage.py", name)


def documented(usage: str, parser: argparse.ArgumentParser) -> tuple[set[str], set[str], list[str]]:
    """The flags, the positional names and the problems of one usage text."""
    by_flag = {s: a for a in parser._actions for s in a.option_strings}
    flags: set[str] = set()
    positionals: set[str] = set()
    problems: list[str] = []
    tokens = usage.replace("[", " ").replace("]", " ").split()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if FLAG.match(token):
            flags.add(token)
            action = by_flag.get(token)
            if action is not None and action.nargs != 0 and i + 1 < len(tokens):
                value = tokens[i + 1]
                i += 1
                choices = {str(c) for c in action.choices or ()}
                if choices and "…" not in value and set(value.split("|")) != choices:
                    problems.append(f"{token} {value}: the parser's choices are {sorted(choices)}")
        elif token.isupper():
            positionals.add(token)
        i += 1
    return flags, positionals, problems


def test_the_cli_table_lists_every_command_and_no_other():
    assert sorted(readme_usages()) == sorted(project_commands())


@pytest.mark.parametrize("name", sorted(project_commands()))
def test_the_cli_table_gives_each_command_its_flags(name):
    parser = parser_of(name)
    options = [
        a for a in parser._actions if a.option_strings and not COMMON & set(a.option_strings)
    ]
    wanted_positionals = {a.dest.upper() for a in parser._actions if not a.option_strings}
    flags: set[str] = set()
    positionals: set[str] = set()
    problems: list[str] = []
    for usage in readme_usages().get(name, []):
        f, p, more = documented(usage, parser)
        flags, positionals, problems = flags | f, positionals | p, problems + more
    known = {s for a in options for s in a.option_strings}
    problems += [f"{flag} is in the README but not in the parser" for flag in sorted(flags - known)]
    problems += [
        f"{'/'.join(a.option_strings)} is in the parser but not in the README"
        for a in options
        if not flags & set(a.option_strings)
    ]
    problems += [
        f"{p} is neither a positional argument nor a flag's value"
        for p in sorted(positionals - wanted_positionals)
    ]
    problems += [
        f"positional {p} is not in the README" for p in sorted(wanted_positionals - positionals)
    ]
    assert problems == []
