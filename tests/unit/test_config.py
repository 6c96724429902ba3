"""Settings: environment, config file, validation, and the docs' table drawn from their one declaration."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from isic_graph.cli import main
from isic_graph.config import CONFIG_FILE, SETTINGS, Settings, settings_table
from isic_graph.errors import ConfigError
from isic_graph.web.serve import serve
from tests.support import paths

ROOT = paths.ROOT



def test_defaults_are_the_embedded_store_and_localhost_base() -> None:
    settings = Settings.from_env({})
    assert settings.store_path == Path("data/store") and settings.store_url is None
    assert settings.base_iri == "http://localhost:5000/" and settings.query_timeout == 30.0


def test_environment_wins_over_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "isic.toml"
    config.write_text('base_iri = "https://file.example/"\nquery_timeout = 5\nstore = "/srv/isic"\n')
    settings = Settings.from_env({"ISIC_CONFIG": str(config), "ISIC_BASE_IRI": "https://env.example/"})
    assert settings.base_iri == "https://env.example/"
    assert settings.query_timeout == 5.0 and settings.store_path == Path("/srv/isic")


def test_update_url_is_derived_from_a_query_url() -> None:
    settings = Settings.from_env({"ISIC_STORE_URL": "http://127.0.0.1:7878/query"})
    assert settings.update_url == "http://127.0.0.1:7878/update"


@pytest.mark.parametrize("env, message", [
    ({"ISIC_BASE_IRI": "localhost"}, "ISIC_BASE_IRI"),
    ({"ISIC_QUERY_TIMEOUT": "soon"}, "ISIC_QUERY_TIMEOUT"),
    ({"ISIC_QUERY_TIMEOUT": "-1"}, "ISIC_QUERY_TIMEOUT"),
    ({"ISIC_CONFIG": "/nonexistent/isic.toml"}, "config file not found"),
])
def test_malformed_settings_are_refused_with_the_setting_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_unknown_key_in_the_config_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "isic.toml"
    config.write_text('colour = "red"\n')
    with pytest.raises(ConfigError, match="unknown setting"):
        Settings.from_env({"ISIC_CONFIG": str(config)})


# what an operator may write for each setting, in the environment and in the config file, and what it becomes
GIVEN: dict[str, tuple[str, object, object]] = {
    "store_path": ("/srv/isic", "/srv/isic", Path("/srv/isic")),
    "store_url": ("http://127.0.0.1:7878/query", "http://127.0.0.1:7878/query", "http://127.0.0.1:7878/query"),
    "store_update_url": ("http://127.0.0.1:7878/u", "http://127.0.0.1:7878/u", "http://127.0.0.1:7878/u"),
    "store_gsp_url": ("http://127.0.0.1:7878/store", "http://127.0.0.1:7878/store", "http://127.0.0.1:7878/store"),
    "base_iri": ("https://isic.example/", "https://isic.example/", "https://isic.example/"),
    "credentials_path": ("/srv/c.json", "/srv/c.json", Path("/srv/c.json")),
    "peers_path": ("/srv/p.json", "/srv/p.json", Path("/srv/p.json")),
    "admin_token": ("s3cret", "s3cret", "s3cret"),
    "query_timeout": ("2.5", 2.5, 2.5),
    "query_max_depth": ("12", 12, 12),
    "result_limit": ("500", 500, 500),
    "client_budget": ("60", 60, 60.0),
    "query_cache": ("0", 0, 0.0),
    "client_concurrency": ("2", 2, 2),
    "costly_slots": ("4", 4, 4),
    "client_connections": ("8", 8, 8),
    "trusted_proxies": ("10.0.0.1, 192.168.0.0/16", ["10.0.0.1", "192.168.0.0/16"], ("10.0.0.1", "192.168.0.0/16")),
    "served_origins": ("https://isic.example:8443, http://127.0.0.1:5000",
                       ["https://isic.example:8443", "http://127.0.0.1:5000"],
                       ("https://isic.example:8443", "http://127.0.0.1:5000")),
    "migration_at_start": ("refuse", "refuse", "refuse"),
}


def test_every_field_of_settings_is_declared_once_with_its_variable_key_and_meaning() -> None:
    assert [s.name for s in SETTINGS] == [f.name for f in fields(Settings)] == list(GIVEN)
    assert len({s.env for s in (CONFIG_FILE, *SETTINGS)}) == len(SETTINGS) + 1
    assert len({s.key for s in SETTINGS}) == len(SETTINGS)
    defaults = Settings()
    for declared in SETTINGS:
        assert declared.env.startswith("ISIC_") and declared.key and declared.help, declared.name
        assert getattr(defaults, declared.name) == declared.default, declared.name


@pytest.mark.parametrize("name", list(GIVEN))
def test_each_setting_is_read_from_the_environment_and_from_the_config_file(name: str, tmp_path: Path) -> None:
    declared = next(s for s in SETTINGS if s.name == name)
    in_env, in_file, value = GIVEN[name]
    assert getattr(Settings.from_env({declared.env: in_env}), name) == value
    config = tmp_path / "isic.toml"
    config.write_text(f"{declared.key} = {json.dumps(in_file)}\n")  # these values are spelled alike in TOML
    assert getattr(Settings.from_env({CONFIG_FILE.env: str(config)}), name) == value


@pytest.mark.parametrize("env, value", [
    ("ISIC_QUERY_MAX_DEPTH", "2.5"), ("ISIC_RESULT_LIMIT", "many"), ("ISIC_CLIENT_BUDGET", "0"),
    ("ISIC_CLIENT_CONCURRENCY", "-3"), ("ISIC_CLIENT_CONNECTIONS", "nan"), ("ISIC_QUERY_CACHE", "-1"),
    ("ISIC_TRUSTED_PROXIES", "10.0.0.1, proxy.example"), ("ISIC_BASE_IRI", "https://isic.example"),
    ("ISIC_SERVED_ORIGINS", "https://isic.example/path"), ("ISIC_SERVED_ORIGINS", "isic.example"),
    ("ISIC_SERVED_ORIGINS", "null"),
    ("ISIC_BASE_IRI", "ftp://isic.example/"), ("ISIC_MIGRATION_AT_START", "no"), ("ISIC_MIGRATION_AT_START", "Refuse"),
])
def test_a_wrong_value_of_any_setting_is_refused_with_its_variable_named(env: str, value: str) -> None:
    with pytest.raises(ConfigError, match=env):
        Settings.from_env({env: value})


@pytest.mark.parametrize("text", ['query_timeout = "soon"', 'result_limit = true', 'admin_token = 12',
                                  'trusted_proxies = 10', 'store = ["a"]'])
def test_a_wrong_type_in_the_config_file_is_refused_with_the_setting_named(text: str, tmp_path: Path) -> None:
    config = tmp_path / "isic.toml"
    config.write_text(text + "\n")
    with pytest.raises(ConfigError, match="ISIC_"):
        Settings.from_env({"ISIC_CONFIG": str(config)})


def settings_section(document: str) -> str:
    """The Markdown table of settings in a document (the one whose header names variable, key and default)."""
    lines = document.splitlines()
    start = lines.index("| variable | key | default | meaning |")
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    return "\n".join(lines[start:end]) + "\n"


def test_the_docs_settings_table_is_the_one_drawn_from_the_declarations() -> None:
    document = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert settings_section(document) == settings_table()


def test_the_cli_prints_the_table_and_serve_help_lists_every_setting() -> None:
    runner = CliRunner()
    printed = runner.invoke(main, ["settings"], env={"ISIC_QUERY_TIMEOUT": "soon"})
    assert printed.exit_code == 0 and printed.output == settings_table()
    helped = runner.invoke(main, ["serve", "--help"], env={})
    assert helped.exit_code == 0
    flat = "".join(helped.output.split())  # as wrapped, at spaces and hyphens
    for declared in (CONFIG_FILE, *SETTINGS):
        assert declared.env in flat and "".join(declared.help.replace("`", "").split()) in flat, declared.env


def test_the_servers_costly_slots_must_leave_a_thread_free() -> None:
    with pytest.raises(ConfigError, match="ISIC_COSTLY_SLOTS"):
        serve(Settings(store_path=None, costly_slots=8), threads=8)  # refused before anything starts
