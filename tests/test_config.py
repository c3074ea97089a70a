"""Settings precedence: defaults < config file < environment < flags."""

import pytest

from archive.config import SETTINGS, ConfigError, Settings, load_settings


def test_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = load_settings(environ={})
    assert s.db == "archive.db"
    assert s.concurrency_per_domain == 2
    assert s.full_fetch_days == 30


def test_precedence(tmp_path):
    cfg = tmp_path / "z.toml"
    cfg.write_text('db = "file.db"\ncontact = "file@example.org"\nfull_fetch_days = 10\n', encoding="utf-8")
    env = {"ZFXXGK_CONTACT": "env@example.org", "ZFXXGK_FULL_FETCH_DAYS": "7"}
    s = load_settings({"full_fetch_days": 3, "db": None}, config=cfg, environ=env)
    assert s.db == "file.db"
    assert s.contact == "env@example.org"
    assert s.full_fetch_days == 3
    assert "env@example.org" in s.full_user_agent


def test_config_from_environment_variable(tmp_path):
    cfg = tmp_path / "other.toml"
    cfg.write_text("workers = 4\n", encoding="utf-8")
    assert load_settings(environ={"ZFXXGK_CONFIG": str(cfg)}).workers == 4


def test_unknown_key_is_an_error(tmp_path):
    cfg = tmp_path / "z.toml"
    cfg.write_text("nonsense = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="nonsense"):
        load_settings(config=cfg, environ={})


def test_bad_value_is_an_error():
    with pytest.raises(ConfigError, match="timeout"):
        load_settings(environ={"ZFXXGK_TIMEOUT": "soon"})


def test_every_setting_is_a_field():
    assert [s.name for s in SETTINGS] == list(Settings.__dataclass_fields__)
