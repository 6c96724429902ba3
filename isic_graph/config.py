"""Settings: one frozen object, read from the environment and an optional TOML file."""

from __future__ import annotations

import ipaddress
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from isic_graph.errors import ConfigError
from isic_graph.sparql.terms import is_iri


@dataclass(frozen=True)
class Setting:
    """How one setting is named in the environment and the config file, and what it means."""

    env: str
    key: str
    help: str


SETTINGS_DOC: tuple[Setting, ...] = (
    Setting("ISIC_CONFIG", "-", "Path of a TOML config file (keys below, top level). Environment wins over the file."),
    Setting("ISIC_STORE", "store", "Directory of the embedded Oxigraph store (default ./data/store)."),
    Setting("ISIC_STORE_URL", "store_url", "SPARQL 1.1 query endpoint of a remote store; when set, the embedded store is not used."),
    Setting("ISIC_STORE_UPDATE_URL", "store_update_url", "SPARQL 1.1 update endpoint of the remote store (default: the query URL with a trailing /query replaced by /update)."),
    Setting("ISIC_STORE_GSP_URL", "store_gsp_url", "Graph Store Protocol endpoint of the remote store (optional; used for fast graph reads)."),
    Setting("ISIC_BASE_IRI", "base_iri", "Base of this instance's IRIs (default http://localhost:5000/); must end with '/'."),
    Setting("ISIC_CREDENTIALS", "credentials", "JSON file of the networks' write credentials (hashes only; default ./data/credentials.json)."),
    Setting("ISIC_PEERS", "peers", "JSON file of the registered peers, the other instances this one queries and harvests (default ./data/peers.json)."),
    Setting("ISIC_ADMIN_TOKEN", "admin_token", "Administrator credential of the server (unset: administration over HTTP is off)."),
    Setting("ISIC_QUERY_TIMEOUT", "query_timeout", "Timeout of one query in seconds (default 30)."),
    Setting("ISIC_QUERY_MAX_DEPTH", "query_max_depth", "Deepest nesting of braces, parentheses and brackets a query may have (default 64)."),
    Setting("ISIC_RESULT_LIMIT", "result_limit", "Most rows (or triples) one query answers; the answer says when it was cut (default 10000)."),
    Setting("ISIC_QUERY_CACHE", "query_cache", "MiB of query answers kept until the next write this instance makes (default 64; 0: off, for remote stores that other programs write to)."),
    Setting("ISIC_CLIENT_BUDGET", "client_budget", "Seconds of query time one client (IP address) may use per minute; over it, 429 with Retry-After (default 120)."),
    Setting("ISIC_CLIENT_CONCURRENCY", "client_concurrency", "Costly requests (queries, validations, maps and other derived pages, whole graphs, dumps) one client may have running at once; past it, 429 with Retry-After (default 3)."),
    Setting("ISIC_CLIENT_CONNECTIONS", "client_connections", "Open connections one client address may hold; past it, new ones are closed at once (default 32; trusted proxies are not capped)."),
    Setting("ISIC_TRUSTED_PROXIES", "trusted_proxies", "Comma-separated addresses or networks of the reverse proxies in front of the server; from them, the client is the address they put in X-Forwarded-For (default empty: the TCP peer is the client, X-Forwarded-For is ignored)."),
)


@dataclass(frozen=True)
class Settings:
    """Everything configurable, passed explicitly to whoever needs it."""

    store_path: Path | None = field(default=Path("data/store"))
    credentials_path: Path = field(default=Path("data/credentials.json"))
    peers_path: Path = field(default=Path("data/peers.json"))
    store_url: str | None = None
    store_update_url: str | None = None
    store_gsp_url: str | None = None
    base_iri: str = "http://localhost:5000/"
    admin_token: str | None = None
    query_timeout: float = 30.0
    query_max_depth: int = 64
    result_limit: int = 10_000
    client_budget: float = 120.0
    query_cache: float = 64.0
    client_concurrency: int = 3
    client_connections: int = 32
    trusted_proxies: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.base_iri.startswith(("http://", "https://")) or not self.base_iri.endswith("/") \
                or not is_iri(self.base_iri):
            raise ConfigError(f"ISIC_BASE_IRI must be an http(s) IRI ending with '/', got {self.base_iri!r}")
        if self.query_timeout <= 0:
            raise ConfigError("ISIC_QUERY_TIMEOUT must be a positive number of seconds")
        for name, value in (("ISIC_QUERY_MAX_DEPTH", self.query_max_depth), ("ISIC_RESULT_LIMIT", self.result_limit),
                            ("ISIC_CLIENT_BUDGET", self.client_budget),
                            ("ISIC_CLIENT_CONCURRENCY", self.client_concurrency),
                            ("ISIC_CLIENT_CONNECTIONS", self.client_connections)):
            if value <= 0:
                raise ConfigError(f"{name} must be positive, got {value}")
        if self.query_cache < 0:
            raise ConfigError(f"ISIC_QUERY_CACHE must be 0 (off) or more MiB, got {self.query_cache}")
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ConfigError(f"ISIC_TRUSTED_PROXIES holds {proxy!r}, which is not an IP address or network") \
                    from None

    @property
    def instance_folder(self) -> Path:
        """The folder of the instance's own files: the credentials' folder, which the processes serving one
        store share."""
        return self.credentials_path.parent

    @property
    def write_lock_path(self) -> Path:
        """The file that the processes writing to one store lock around each update."""
        return self.instance_folder / "writes.lock"

    @property
    def search_index_path(self) -> Path:
        """The full-text search index (SQLite), derived from the store and rebuilt at will."""
        return self.instance_folder / "search.sqlite"

    @property
    def update_url(self) -> str | None:
        """The remote update endpoint, derived from the query endpoint when not given."""
        if self.store_url is None:
            return None
        if self.store_update_url:
            return self.store_update_url
        if self.store_url.endswith("/query"):
            return self.store_url[: -len("query")] + "update"
        return self.store_url

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from a config file (ISIC_CONFIG), then the environment, then overrides."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        config_path = env.get("ISIC_CONFIG")
        if config_path:
            values.update(_read_config_file(Path(config_path)))
        for setting in SETTINGS_DOC:
            if setting.key != "-" and env.get(setting.env):
                values[setting.key] = env[setting.env]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls._from_values(values)

    @classmethod
    def _from_values(cls, values: Mapping[str, Any]) -> Settings:
        known = {s.key for s in SETTINGS_DOC}
        unknown = set(values) - known
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        kwargs: dict[str, Any] = {}
        if "store" in values:
            kwargs["store_path"] = Path(values["store"]) if values["store"] != ":memory:" else None
        if "credentials" in values:
            kwargs["credentials_path"] = Path(values["credentials"])
        if "peers" in values:
            kwargs["peers_path"] = Path(values["peers"])
        for key in ("store_url", "store_update_url", "store_gsp_url", "base_iri", "admin_token"):
            if key in values:
                kwargs[key] = str(values[key])
        for key, kind in (("query_timeout", float), ("query_max_depth", int), ("result_limit", int),
                          ("client_budget", float), ("query_cache", float), ("client_concurrency", int),
                          ("client_connections", int)):
            if key in values:
                try:
                    kwargs[key] = kind(values[key])
                except ValueError:
                    raise ConfigError(f"ISIC_{key.upper()} must be a number, got {values[key]!r}") from None
        if "trusted_proxies" in values:
            kwargs["trusted_proxies"] = _address_list(values["trusted_proxies"])
        return cls(**kwargs)

    def with_(self, **changes: Any) -> Settings:
        """A copy with some settings changed."""
        return replace(self, **changes)


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None



def _address_list(value: Any) -> tuple[str, ...]:
    """Addresses from a comma-separated string (the environment) or a list (the config file)."""
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else None
    if items is None:
        raise ConfigError(f"ISIC_TRUSTED_PROXIES must be a comma-separated list of addresses, got {value!r}")
    return tuple(str(item).strip() for item in items if str(item).strip())
