"""The ``zfxxgk`` command: one click group, one module of subcommands per subject.

Library errors become :class:`click.ClickException` here, at the edge, and
nowhere else. This is also the one place allowed to import the crawler, since
the command drives crawls.
"""

from __future__ import annotations

import click

from archive.cli import alerts, browsing, crawling, reports, scheduling


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="zfxxgk")
def main() -> None:
    """Archive of Chinese government information-disclosure annual reports (政府信息公开工作年度报告).

    Crawl the disclosure portals into a SQLite archive, parse every report into
    comparable numbers, and browse the archive with Datasette.
    Settings come from defaults < zfxxgk.toml (or --config / $ZFXXGK_CONFIG) <
    ZFXXGK_* environment variables < flags.
    """


for module in (crawling, reports, alerts, browsing, scheduling):
    for command in module.COMMANDS:
        main.add_command(command)
