"""Write credentials of the networks: bearer tokens, of which only a SHA-256 hash is kept."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from isic_graph.errors import NotFound, UsageError
from isic_graph.rdf.namespaces import check_slug
from isic_graph.store.jsonfile import read_records, write_entries


@dataclass(frozen=True)
class NetworkCredential:
    """A registered network: its slug, name, token hash and dates."""

    slug: str
    name: str
    token_sha256: str
    created: str
    revoked: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked is None


class CredentialStore:
    """The networks' credentials, in a JSON file written atomically (replace on rename)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def add(self, slug: str, name: str) -> str:
        """Register a network (or give it a new token) and return the token, shown only this once."""
        check_slug(slug)
        if not name.strip():
            raise UsageError("a network needs a name (--name)", fr="un réseau a besoin d'un nom (--name)")
        token = secrets.token_urlsafe(32)
        entries = self._read()
        entries[slug] = NetworkCredential(slug, name.strip(), _hash(token), _now())
        self._write(entries)
        return token

    def revoke(self, slug: str) -> None:
        entries = self._read()
        if slug not in entries or not entries[slug].active:
            raise NotFound(f"no active network {slug!r}", fr=f"aucun réseau actif {slug!r}")
        entries[slug] = NetworkCredential(**{**asdict(entries[slug]), "revoked": _now()})
        self._write(entries)

    def list(self) -> list[NetworkCredential]:
        return sorted(self._read().values(), key=lambda c: c.slug)

    def network_for(self, token: str) -> str | None:
        """The slug whose active token this is; every entry is compared, in constant time each."""
        digest = _hash(token)
        found = None
        for entry in self._read().values():
            if hmac.compare_digest(entry.token_sha256, digest) and entry.active:
                found = entry.slug
        return found

    def _read(self) -> dict[str, NetworkCredential]:
        return read_records(self.path, "networks", NetworkCredential)

    def _write(self, entries: dict[str, NetworkCredential]) -> None:
        write_entries(self.path, "networks", {slug: asdict(entry) for slug, entry in entries.items()})


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
