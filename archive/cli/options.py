"""Option groups shared by several commands, written once as decorators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from archive.config import ConfigError, Settings, load_settings

F = Callable[..., Any]


def config_options(func: F) -> F:
    """--config and --db, resolved into a Settings object passed as ``settings``."""
    func = click.option("--db", "db", default=None, help="SQLite archive file  [default: archive.db]")(func)
    func = click.option("--config", "config", default=None, type=click.Path(dir_okay=False),
                        help="TOML settings file  [default: ./zfxxgk.toml if present]")(func)
    return func


def resolve(config: str | None, **flags: Any) -> Settings:
    try:
        return load_settings(flags, config=config)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def writer_lock(settings: Settings, portal: str = "") -> None:
    """Take the archive's single-writer lock for this process, or stop at once naming the holder."""
    from crawler.lock import LockHeld, acquire

    try:
        acquire(settings.db, portal=portal)
    except LockHeld as exc:
        raise click.ClickException(str(exc)) from exc


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="print JSON for scripts")(func)


def as_of_option(func: F) -> F:
    return click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
                        help="take this date as today (deadlines of `missing` alerts) "
                             "[default: $ZFXXGK_AS_OF or today]")(func)


class DocumentedArgument(click.Argument):
    """A positional argument with a help text, like an option's (click arguments have none)."""

    def __init__(self, *args: Any, help: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = help
