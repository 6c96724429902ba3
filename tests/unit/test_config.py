"""Settings: environment, config file, validation (that each is documented: tests/test_docs.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from isic_graph.config import Settings
from isic_graph.errors import ConfigError
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

