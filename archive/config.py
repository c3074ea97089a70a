"""The one place that reads settings.

Settings are declared once as data (name, default, help) and resolved with the
precedence defaults < config file < environment (``ZFXXGK_<NAME>``) <
command-line flags. Scrapy components receive the resolved values through the
crawler settings (``ZFXXGK``), never by reading files or the environment again.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

CONFIG_ENV = "ZFXXGK_CONFIG"
DEFAULT_CONFIG = "zfxxgk.toml"


class ConfigError(Exception):
    """A config file or value that cannot be used."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "archive.db", "SQLite archive file"),
    Setting("contact", "", "e-mail or URL put in the User-Agent so portal operators can reach you"),
    Setting("user_agent", "zfxxgk/0.1 (research archive of government information-disclosure annual reports)",
            "User-Agent sent to portals; the contact setting is appended"),
    Setting("concurrency_per_domain", 2, "parallel requests per domain"),
    Setting("download_delay", 0.5, "minimum seconds between requests to one domain (AutoThrottle starts here)"),
    Setting("autothrottle_target", 1.0, "AutoThrottle's target number of parallel requests per domain"),
    Setting("timeout", 60.0, "seconds before a request is given up and retried"),
    Setting("retry_times", 5, "retries of a request after a 5xx, 429 or timeout"),
    Setting("retry_backoff", 2.0, "first pause of a domain before a retry, in seconds; doubles with each retry"),
    Setting("daily_budget", 20000, "most requests sent to one domain in a day (0: no limit)"),
    Setting("max_size_mb", 100, "largest response accepted, in MB (guards against runaway files)"),
    Setting("full_fetch_days", 30, "fetch every report in full (no conditional request) at least this often"),
    Setting("block_backoff_minutes", 30.0, "how long a domain that served a WAF block is left alone"),
    Setting("workers", 2, "processes that extract and parse documents"),
    Setting("concurrent_items", 1, "outputs of one response handled at once (a report page yields one)"),
    Setting("jobdir", ".zfxxgk/jobs", "directory for resumable crawl state (Scrapy JOBDIR)"),
    Setting("warc_dir", "warc", "directory of the WARC files written by each crawl"),
    Setting("grace_days", 0, "days after the legal deadline before a report counts as missing"),
    Setting("fetch_failures", 3, "failed fetches in a row before a fetch_failed alert"),
    Setting("shrink_ratio", 0.5, "a crawl finding fewer than this share of the last complete crawl's reports "
            "or agencies raises portal_shrank and marks nothing removed"),
    Setting("notify", "", "apprise URLs (space separated) that receive alerts"),
    Setting("feed", "alerts.atom", "Atom feed file of alerts"),
    Setting("sample_port", 8123, "loopback port of the sample portal that `zfxxgk crawl` serves itself; "
            "kept stable so that its URLs stay the same from crawl to crawl"),
    Setting("as_of", "", "date taken as today (YYYY-MM-DD) for deadline logic; empty: the real date"),
    Setting("browse_host", "127.0.0.1", "address `zfxxgk browse` listens on"),
    Setting("browse_port", 8001, "port `zfxxgk browse` listens on"),
    Setting("redis", "", "redis://HOST:PORT/DB of a frontier shared by many crawler processes "
            "(`zfxxgk crawl --redis`, `zfxxgk ingest`); empty: crawl alone"),
    Setting("worker_timeout", 15.0, "seconds without a heartbeat after which a Redis worker counts as dead "
            "and the requests it held go back to the frontier"),
    Setting("cron", "0 3 * * *", "when `zfxxgk watch` starts a crawl (cron syntax, local time)"),
    Setting("jitter", 300, "most seconds `zfxxgk watch` waits after the scheduled time (random, "
            "so that many archives do not hit the portals at the same second)"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    db: str
    contact: str
    user_agent: str
    concurrency_per_domain: int
    download_delay: float
    autothrottle_target: float
    timeout: float
    retry_times: int
    retry_backoff: float
    daily_budget: int
    max_size_mb: int
    full_fetch_days: int
    block_backoff_minutes: float
    workers: int
    concurrent_items: int
    jobdir: str
    warc_dir: str
    grace_days: int
    fetch_failures: int
    shrink_ratio: float
    notify: str
    feed: str
    sample_port: int
    as_of: str
    browse_host: str
    browse_port: int
    redis: str
    worker_timeout: float
    cron: str
    jitter: int

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def full_user_agent(self) -> str:
        return f"{self.user_agent} contact: {self.contact}" if self.contact else self.user_agent


def _coerce(name: str, value: Any) -> Any:
    default = _BY_NAME[name].default
    try:
        if isinstance(default, bool):
            return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name!r}: {value!r} is not a {type(default).__name__}") from exc
    return " ".join(value) if isinstance(value, list) else str(value)


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc
    unknown = set(data) - set(_BY_NAME)
    if unknown:
        raise ConfigError(f"{path}: unknown settings {', '.join(sorted(unknown))}")
    return data


def load_settings(flags: dict[str, Any] | None = None, config: str | Path | None = None,
                  environ: dict[str, str] | None = None) -> Settings:
    """Resolve every setting: defaults < config file < ZFXXGK_* environment < flags (None = not given)."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    path = Path(config or env.get(CONFIG_ENV) or DEFAULT_CONFIG)
    if config or env.get(CONFIG_ENV) or path.exists():
        values.update(_read_file(path))
    for name in _BY_NAME:
        key = f"ZFXXGK_{name.upper()}"
        if key in env:
            values[name] = env[key]
    values.update({k: v for k, v in (flags or {}).items() if v is not None and k in _BY_NAME})
    settings = Settings(**{name: _coerce(name, value) for name, value in values.items()})
    _check_day("as_of", settings.as_of)
    return settings


def _check_day(name: str, value: str) -> None:
    try:
        if value:
            date.fromisoformat(value)
    except ValueError as exc:
        raise ConfigError(f"setting {name!r}: {value!r} is not a date (YYYY-MM-DD)") from exc
