"""Identifiers checked past their format: a SIRET's check key (python-stdnum's, which knows La Poste's
exception), an RNA number's format (it has no key), an intercommunality's SIREN key (python-stdnum's), a
priority neighbourhood's (QPV) code format.

The shapes check the written form (14 digits; W and 9 digits); a value of that form whose key is wrong is
found here, so each mistake is reported once. Identity links (ingest/identity.py) are drawn only from
numbers that pass `valid`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

import pyoxigraph
from stdnum.fr import siren as siren_number
from stdnum.fr import siret as siret_number

from isic_graph.rdf.namespaces import ISIC
from isic_graph.store.results import term_value

SIRET = ISIC + "siret"
RNA = ISIC + "rna"
SIREN = ISIC + "siren"
QPV = ISIC + "qpvCode"
SIRET_FORM = re.compile(r"[0-9]{14}")
RNA_FORM = re.compile(r"W[0-9]{9}")
SIREN_FORM = re.compile(r"[0-9]{9}")
QPV_FORM = re.compile(r"Q[NP][0-9A-Z]{6}")


def valid_siret(value: str) -> bool:
    """Fourteen digits, no space, and a right key (the Luhn key, or La Poste's digit sum)."""
    return SIRET_FORM.fullmatch(value) is not None and siret_number.is_valid(value)


def valid_rna(value: str) -> bool:
    """W followed by nine digits."""
    return RNA_FORM.fullmatch(value) is not None


def valid_siren(value: str) -> bool:
    """Nine digits, no space, and a right Luhn key (an intercommunality's SIREN, python-stdnum's check)."""
    return SIREN_FORM.fullmatch(value) is not None and siren_number.is_valid(value)


def valid_qpv(value: str) -> bool:
    """A priority neighbourhood's code: QP or QN and six digits or capitals (QP035001, QN05907M)."""
    return QPV_FORM.fullmatch(value) is not None


VALID: Mapping[str, Callable[[str], bool]] = {SIRET: valid_siret, RNA: valid_rna, SIREN: valid_siren,
                                              QPV: valid_qpv}


def valid(predicate: str, value: str) -> bool:
    """Whether an identifier (by its property) may identify: True for properties that are no identifier."""
    check = VALID.get(predicate)
    return check is None or check(value)


@dataclass(frozen=True)
class WrongKey:
    """An identifier written in the right form whose check key is wrong."""

    subject: str
    predicate: str
    value: str

    def messages(self) -> dict[str, str]:
        kind = "SIRET" if self.predicate == SIRET else "SIREN"
        return {"fr": f"Le numéro {kind} {self.value} n'existe pas : sa clé de contrôle (le dernier chiffre) est "
                      "fausse. Recopiez-le depuis un avis de situation Sirene ou annuaire-entreprises.data.gouv.fr.",
                "en": f"The {kind} number {self.value} does not exist: its check key (the last digit) is wrong. "
                      "Copy it from the Sirene register (annuaire-entreprises.data.gouv.fr)."}


KEYED = {SIRET: (SIRET_FORM, valid_siret), SIREN: (SIREN_FORM, valid_siren)}  # numbers with a check key


def wrong_keys(triples: Iterable[pyoxigraph.Triple]) -> list[WrongKey]:
    """The SIRETs (14 digits) and SIRENs (9 digits) of these triples written in their form whose key is wrong,
    in order."""
    found = {WrongKey(term_value(t.subject), t.predicate.value, t.object.value) for t in triples
             if t.predicate.value in KEYED and isinstance(t.object, pyoxigraph.Literal)
             and KEYED[t.predicate.value][0].fullmatch(t.object.value)
             and not KEYED[t.predicate.value][1](t.object.value)}
    return sorted(found, key=lambda k: (k.subject, k.value))
