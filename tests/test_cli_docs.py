"""Every zfxxgk command explains itself and is documented in the README (as sqlite-utils' test_docs does)."""

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from archive.cli import main

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(main.commands)


def test_group_help():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name):
    command = main.commands[name]
    assert command.help and len(command.help) > 20
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            assert getattr(param, "help", None), f"{name} --{param.name} has no help"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_in_readme(name):
    assert f"zfxxgk {name}" in README


def test_every_alert_kind_has_a_place_in_the_crawl_summary():
    from archive.alerts import KINDS
    from archive.cli.crawling import SHOWN_FIRST

    assert sorted(SHOWN_FIRST) == sorted(KINDS)
