"""Settings: one frozen object, read from the environment and an optional TOML file.

Each field of Settings declares its setting once (`setting(...)`: variable, file key, default, parser, check,
meaning); SETTINGS reads the declarations back, and the reading of the environment and the file, the docs'
table (`settings_table`, `isic-graph settings`) and `isic-graph serve --help` are drawn from them."""

from __future__ import annotations

import gc
import ipaddress
import math
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable, Mapping, TypeVar
from urllib.parse import urlsplit

from isic_graph.errors import ConfigError
from isic_graph.sparql.terms import is_iri

T = TypeVar("T")
MIGRATION_AT_START = ("migrate", "refuse")
# Python's cyclic garbage collector, for every process of the tool: a young-generation pass every 10,000 new objects
# rather than 700. The validator's rdflib graphs and pySHACL's views of them make hundreds of thousands of objects
# that live long, and the default made the collector walk them over and over: with this, the page crawl and hostile
# input tests (the application in-process) take 9 % less CPU, the validation, sheet form and publishing tests 14 %
# less, for 3 to 12 % more memory at its peak (measured on those tests, one process each).
COLLECTOR_THRESHOLDS = (10_000, 10, 10)  # what `serve` does with a store of an older edition of the model


@dataclass(frozen=True)
class Setting:
    """One setting, declared once: the Settings attribute, its environment variable and config-file key, its
    default, how a raw value is read, what makes a value wrong, and what it means (the docs and --help say it)."""

    name: str  # the attribute of Settings ("" for the config file, which names the others' source)
    env: str
    key: str  # top-level key in the TOML file ("" when the file cannot set it)
    default: Any
    parse: Callable[[Any], Any]
    help: str
    check: Callable[[Any], str | None] = lambda value: None  # what is wrong with a value (None: nothing)
    shown_default: str | None = None  # the default as the docs say it, when the value alone does not

    @property
    def default_text(self) -> str:
        """The default as the settings table shows it."""
        if self.shown_default is not None:
            return self.shown_default
        value = self.default
        if value is None or value == ():
            return ""
        if isinstance(value, Path):
            return f"`{value}`" if value.is_absolute() else f"`./{value}`"
        if isinstance(value, float):
            return f"`{value:g}`"
        return f"`{value}`"


def setting(env: str, key: str, default: T, parse: Callable[[Any], T | None], help: str,
            check: Callable[[T], str | None] | None = None, shown_default: str | None = None) -> T:
    """A field of Settings that carries its own declaration (read back as SETTINGS)."""
    declared = {"env": env, "key": key, "parse": parse, "help": help, "shown_default": shown_default,
                **({"check": check} if check is not None else {})}
    return field(default=default, metadata={"setting": declared})


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("a text")
    return value


def _path(value: Any) -> Path:
    return Path(_text(value))


def _store_path(value: Any) -> Path | None:
    return None if value == ":memory:" else _path(value)


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError("a number") from None
    if not math.isfinite(number) or abs(number) > 1e9:  # `inf`, `nan`, `1e12`: past any time or size meant
        raise ValueError("a finite number of at most 1,000,000,000")
    return number


def _integer(value: Any) -> int:
    number = _number(value)
    if not number.is_integer():
        raise ValueError("a whole number")
    return int(number)


def _address_list(value: Any) -> tuple[str, ...]:
    """Addresses from a comma-separated string (the environment) or a list (the config file)."""
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else None
    if items is None:
        raise ValueError("a comma-separated list of addresses")
    return tuple(str(item).strip() for item in items if str(item).strip())


def _start_migration(value: str) -> str | None:
    return None if value in MIGRATION_AT_START else f"must be one of {', '.join(MIGRATION_AT_START)}, got {value!r}"


def _positive(value: float) -> str | None:
    return None if value > 0 else f"must be positive, got {value}"


def _base_iri(value: str) -> str | None:
    if not (value.startswith(("http://", "https://")) and value.endswith("/") and is_iri(value)):
        return f"must be an http(s) IRI ending with '/', got {value!r}"
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018  (read for its check: a port past 65535 or not a number)
    except ValueError:
        return f"has an invalid port, got {value!r}"
    if not parts.hostname or "@" in parts.netloc or parts.query or parts.fragment or "?" in value or "#" in value:
        return (f"must name a host, with no user information (it would be published in every IRI), query or "
                f"fragment, got {value!r}")
    return None


def _cache_size(value: float) -> str | None:
    return None if value >= 0 else f"must be 0 (off) or more MiB, got {value}"


def _networks(value: tuple[str, ...]) -> str | None:
    for proxy in value:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            return f"holds {proxy!r}, which is not an IP address or network"
    return None


def _origins(value: tuple[str, ...]) -> str | None:
    for origin in value:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") or (
                parts.query or parts.fragment or "@" in parts.netloc):
            return f"holds {origin!r}, which is not an http(s) origin (scheme, host and port)"
    return None


CONFIG_FILE = Setting("", "ISIC_CONFIG", "", None, _path,
                      "path of a TOML config file, the keys at its top level; the environment wins over it")


@dataclass(frozen=True)
class Settings:
    """Everything configurable, passed explicitly to whoever needs it; each field declares its setting."""

    store_path: Path | None = setting(
        "ISIC_STORE", "store", Path("data/store"), _store_path,
        "directory of the embedded Oxigraph store (`:memory:`: in memory)")
    store_url: str | None = setting(
        "ISIC_STORE_URL", "store_url", None, _text,
        "SPARQL 1.1 query endpoint of a remote store; when set, the embedded store is not used")
    store_update_url: str | None = setting(
        "ISIC_STORE_UPDATE_URL", "store_update_url", None, _text, "its update endpoint",
        shown_default="the query URL with `/query` replaced by `/update`")
    store_gsp_url: str | None = setting(
        "ISIC_STORE_GSP_URL", "store_gsp_url", None, _text,
        "its Graph Store Protocol endpoint (optional, faster graph reads)")
    base_iri: str = setting(
        "ISIC_BASE_IRI", "base_iri", "http://localhost:5000/", _text,
        "base of this instance's IRIs, an http(s) IRI ending with `/`", _base_iri)
    credentials_path: Path = setting(
        "ISIC_CREDENTIALS", "credentials", Path("data/credentials.json"), _path,
        "JSON file of the networks' write credentials, hashes only")
    peers_path: Path = setting(
        "ISIC_PEERS", "peers", Path("data/peers.json"), _path,
        "JSON file of the registered peers, the other instances this one queries and harvests")
    admin_token: str | None = setting(
        "ISIC_ADMIN_TOKEN", "admin_token", None, _text, "administrator credential of the server",
        shown_default="none: administration over HTTP is off")
    query_timeout: float = setting(
        "ISIC_QUERY_TIMEOUT", "query_timeout", 30.0, _number, "timeout of one query, in seconds", _positive)
    query_max_depth: int = setting(
        "ISIC_QUERY_MAX_DEPTH", "query_max_depth", 64, _integer,
        "deepest nesting of `{ ( [` a query may have", _positive)
    result_limit: int = setting(
        "ISIC_RESULT_LIMIT", "result_limit", 10_000, _integer,
        "most rows (or triples) one query answers, the cut always said", _positive)
    client_budget: float = setting(
        "ISIC_CLIENT_BUDGET", "client_budget", 120.0, _number,
        "seconds of query time one client (IP address) may use per minute; over it, 429 with Retry-After",
        _positive)
    query_cache: float = setting(
        "ISIC_QUERY_CACHE", "query_cache", 64.0, _number,
        "MiB of query answers and pages kept until the next write this instance makes, and with them the pages' "
        "questions to the store (0: all off, for remote stores that other programs write to)", _cache_size)
    client_concurrency: int = setting(
        "ISIC_CLIENT_CONCURRENCY", "client_concurrency", 2, _integer,
        "costly requests (queries, validations, maps and other derived pages, whole graphs, dumps, and every "
        "write and dry run, whoever's token it carries) one client may have running at once, and one token from "
        "any number of addresses; past it, 429 with Retry-After", _positive)
    costly_slots: int = setting(
        "ISIC_COSTLY_SLOTS", "costly_slots", 6, _integer,
        "costly requests the server runs at once, all clients together; keep it below `serve --threads` (8), so "
        "that cheap requests and refusals always find a thread. Half the slots are kept for clients that have "
        "none running: one that does gets 429 when only those are free; when none is free, 503 `server-busy` "
        "with Retry-After", _positive)
    client_connections: int = setting(
        "ISIC_CLIENT_CONNECTIONS", "client_connections", 32, _integer,
        "open connections one client address (an IPv6 /64) may hold; past it, new ones are closed at once "
        "(trusted proxies are not capped)", _positive)
    trusted_proxies: tuple[str, ...] = setting(
        "ISIC_TRUSTED_PROXIES", "trusted_proxies", (), _address_list,
        "addresses or networks of the reverse proxies in front of the server, comma-separated (a list in the "
        "file); from them the client is the address they put in `X-Forwarded-For`", _networks,
        "none: the TCP peer is the client and `X-Forwarded-For` is ignored")
    served_origins: tuple[str, ...] = setting(
        "ISIC_SERVED_ORIGINS", "served_origins", (), _address_list,
        "the other origins (`https://host[:port]`) the pages are served at, comma-separated (a list in the file): "
        "a proxy's public address or a second name, when it is not the base IRI's; the forms that write are "
        "accepted from pages at the base IRI's origin and these only", _origins,
        "none: the base IRI's origin only")
    migration_at_start: str = setting(
        "ISIC_MIGRATION_AT_START", "migration_at_start", "migrate", _text,
        "what `serve` does with a store of an older edition of the model: `migrate` it (all or nothing, its "
        "data kept; what no longer conforms is logged per network) or `refuse` to start until `isic-graph "
        "migrate` is run; a store of a newer edition is always refused", _start_migration)

    def __post_init__(self) -> None:
        for declared in SETTINGS:
            problem = declared.check(getattr(self, declared.name))
            if problem is not None:
                raise ConfigError(f"{declared.env} {problem}")

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
        """Build settings from a config file (ISIC_CONFIG), then the environment, then overrides (by file key)."""
        env = os.environ if environ is None else environ
        raw: dict[str, Any] = {}  # by config-file key
        config_path = env.get(CONFIG_FILE.env)
        if config_path:
            raw.update(_read_config_file(Path(config_path)))
        unknown = set(raw) - {s.key for s in SETTINGS}
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        raw.update({s.key: env[s.env] for s in SETTINGS if env.get(s.env)})
        raw.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**{s.name: _parsed(s, raw[s.key]) for s in SETTINGS if s.key in raw})

    def with_(self, **changes: Any) -> Settings:
        """A copy with some settings changed."""
        return replace(self, **changes)


def _parsed(declared: Setting, value: Any) -> Any:
    try:
        return declared.parse(value)
    except ValueError as exc:
        raise ConfigError(f"{declared.env} must be {exc}, got {value!r}") from None


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


SETTINGS: tuple[Setting, ...] = tuple(Setting(f.name, default=f.default, **f.metadata["setting"])
                                      for f in fields(Settings))


def settings_table() -> str:
    """The settings as the docs show them: a Markdown table, the config file first."""
    rows = ["| variable | key | default | meaning |", "|---|---|---|---|"]
    for declared in (CONFIG_FILE, *SETTINGS):
        key = f"`{declared.key}`" if declared.key else ""
        rows.append(f"| `{declared.env}` | {key} | {declared.default_text} | {declared.help} |")
    return "\n".join(rows) + "\n"


def tune_collector() -> None:
    """Set the collector's thresholds (COLLECTOR_THRESHOLDS) for this process: the command line and the dry runs'
    processes do at their start."""
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
