"""The thesauri as a sheet's cells name their concepts: by code, French or English label, or alternative label,
whatever the case and accents; and the closest labels when a cell names none."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from typing import Mapping

from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from isic_graph.rdf import resources
from isic_graph.rdf.namespaces import SKOS
from isic_graph.rdf.vocabularies import is_vocabulary_term, same_key

SEPARATORS = re.compile(r"[\s\-_'’.]+")


@lru_cache(maxsize=4096)  # the same headers, labels and cells come back row after row, sheet after sheet
def plain(text: str) -> str:
    """A name as compared: no accents, no case, hyphens, underscores, apostrophes and spaces alike."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return SEPARATORS.sub(" ", bare.casefold()).strip()


def singular(name: str) -> str:
    """A plain name with each word's plural mark dropped (French and English: -s, -x)."""
    return " ".join(w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in name.split(" "))


@dataclass(frozen=True)
class Concept:
    iri: str
    code: str
    labels: Mapping[str, str]  # language -> prefLabel

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("fr") or self.code


@dataclass(frozen=True, eq=False)
class Scheme:
    """One thesaurus: its concepts in order, and every name a cell may give one."""

    iri: str
    labels: Mapping[str, str]
    concepts: tuple[Concept, ...]
    names: Mapping[str, Concept]  # plain(name) -> concept
    written: Mapping[str, str]  # plain(name) -> the name as the thesaurus writes it
    languages: Mapping[str, str] = field(default_factory=dict)  # plain(name) -> its language ("": a code)

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("fr") or self.iri.rsplit("/", 1)[-1]

    def find(self, cell: str) -> Concept | None:
        """The concept a cell names: by one of its names (code, labels, alternative labels); else in the singular
        (`élus`: `Élu`); else by the first of two things its French label joins (`isolement`: `Isolement et
        lien social`) when no other concept's name holds it. A word within a name is not enough (`Familles` is not
        `Départs en vacances des familles`): such a cell is refused with the closest names."""
        key = plain(cell)
        found = self.names.get(key) or self.singular.get(singular(key))
        return found if found is not None or len(key) < 4 else self.heads.get(key)

    @cached_property
    def heads(self) -> Mapping[str, Concept]:
        """What a French label `A et B` names first, A, by which alone a cell may name the concept: when no other
        concept's name holds it. Not the first words of any label: `Outil` is no `Outil de suivi`, nor `Social` a
        `Social grocery`, to a reader writing of any tool or anything social."""
        heads = {}
        for concept in self.concepts:
            head = plain(concept.labels.get("fr", "")).partition(" et ")[0]
            if head and head not in self.names and not any(
                    f" {head} " in f" {name} " for name, other in self.names.items() if other.iri != concept.iri):
                heads[head] = concept
        return heads

    @cached_property
    def singular(self) -> Mapping[str, Concept]:
        out: dict[str, Concept] = {}
        for name, concept in self.names.items():
            out.setdefault(singular(name), concept)
        return out

    def closest(self, cell: str, lang: str, count: int = 3) -> list[str]:
        """The names closest to a cell, best first, each with its concept's label in `lang` when it differs."""
        found: dict[str, str] = {}
        heads = {name.split(" ")[0]: name for name in self.names if " " in name and len(name.split(" ")[0]) > 4}
        candidates = {**heads, **{name: name for name in self.names}}  # a name, or the first word of a long one
        best = difflib.get_close_matches(plain(cell), list(candidates), n=1, cutoff=0.6)
        near = difflib.get_close_matches(plain(cell), list(candidates), n=count * 3, cutoff=0.8)
        for name in dict.fromkeys(candidates[n] for n in best + near):  # the closest, and any nearly as close
            concept = self.names[name]
            if concept.iri not in found:
                label = concept.label(lang)
                written = self.written.get(name, label)
                said = self.languages.get(name, lang) in ("", lang)  # a name in another language: the label
                found[concept.iri] = written if plain(written) == plain(label) else f"{written} ({label})" if said \
                    else label
        return list(found.values())[:count]


@cache
def schemes() -> Mapping[str, Scheme]:
    """Every thesaurus of the ontology, by scheme IRI."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    alternatives: dict[str, list[tuple[str, str]]] = defaultdict(list)
    members: dict[str, list[str]] = defaultdict(list)
    notations: dict[str, str] = {}
    for path in resources.thesaurus_files():
        for quad in parse(path=str(path), format=RdfFormat.TURTLE):
            subject, predicate, value = quad.subject, quad.predicate.value, quad.object
            if not isinstance(subject, NamedNode):
                continue
            if predicate == SKOS + "prefLabel" and isinstance(value, Literal):
                labels[subject.value].setdefault(value.language or "", value.value)
            elif predicate == SKOS + "altLabel" and isinstance(value, Literal):
                alternatives[subject.value].append((value.language or "", value.value))
            elif predicate == SKOS + "notation" and isinstance(value, Literal):
                notations[subject.value] = value.value
            elif predicate == SKOS + "inScheme" and isinstance(value, NamedNode):
                members[value.value].append(subject.value)
    out = {}
    for scheme, iris in members.items():
        concepts = tuple(Concept(iri, notations.get(iri) or iri.rsplit("/", 1)[-1], dict(labels[iri]))
                         for iri in dict.fromkeys(iris))
        names: dict[str, Concept] = {}
        written: dict[str, str] = {}
        languages: dict[str, str] = {}
        for pick in (lambda c: [("", c.code)], lambda c: list(c.labels.items()), lambda c: alternatives[c.iri]):
            for concept in concepts:  # codes first, then labels, then alternative labels: the first claim holds
                for language, name in pick(concept):
                    names.setdefault(plain(name), concept)
                    written.setdefault(plain(name), name)
                    languages.setdefault(plain(name), language)
        out[scheme] = Scheme(scheme, dict(labels[scheme]), concepts, names, written, languages)
    return out


__all__ = ["Concept", "Scheme", "plain", "schemes"]


def describes_vocabulary_term(iri: str) -> bool:
    """Whether an IRI, in any spelling, is a term of a vocabulary only the instance describes (rdf/vocabularies.py:
    the shared vocabulary, RDF, RDFS, OWL, XSD, SKOS, Dublin Core, FOAF, PROV, ORG, DCAT, schema.org… with either web
    scheme), or one its ontology and thesauri describe from another vocabulary. A network's statement about one would
    stand beside the ontology's in the published union."""
    return is_vocabulary_term(iri) or same_key(iri) in described_keys()


@cache
def described_keys() -> frozenset[str]:
    """The keys of the terms the ontology and thesauri describe."""
    described: set[str] = set()
    for path in (resources.ontology_file(), *resources.thesaurus_files()):
        with path.open("rb") as source:
            described.update(same_key(t.subject.value)
                             for t in parse(source, RdfFormat.TURTLE) if isinstance(t.subject, NamedNode))
    return frozenset(described)
