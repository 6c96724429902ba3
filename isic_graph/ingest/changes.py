"""What a sheet upload changes in a network's graph: the rule by table, and the list of changes by resource.

A table (a CSV file, a sheet of a workbook) absent from an upload changes nothing; a table present
replaces that table's resources: the resources of its classes that the network's graph holds and the
upload does not are removed (an operator removes a resource by deleting its row), the others are
described again. The change list names each resource added, changed or removed by its title or label,
so that a person can read what a publication will do before it is done: it is the difference between the
network's graph before and after the write, subject by subject (the write's operations run on a copy in memory),
so that a project whose links a row of another table adds, moves or removes is named too.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, Store, Triple

from isic_graph.ingest.sheetmodel import table_named
from isic_graph.ingest.sheetmodel import tables as all_tables
from isic_graph.rdf.namespaces import DCTERMS, ISIC, RDF_TYPE, RDFS
from isic_graph.rdf.resources import ontology_triples
from isic_graph.sparql.terms import iri, iris
from isic_graph.store.results import term_value

VALUES_CHUNK = 400
NAMES = (DCTERMS + "title", RDFS + "label", ISIC + "statement")
KINDS = ("added", "changed", "removed")
TEXT_TYPES = frozenset({"http://www.w3.org/2001/XMLSchema#string",  # kept by a store as they are written
                        "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"})
WORDS = {"fr": {"added": "ajouté", "changed": "modifié", "removed": "retiré", "none": "Aucun changement."},
         "en": {"added": "added", "changed": "changed", "removed": "removed", "none": "No change."}}
# What a class's resources are called, singular and plural, in a change list and a success message.
CLASS_WORDS = {
    "Project": {"fr": ("projet", "projets"), "en": ("project", "projects")},
    "Lesson": {"fr": ("enseignement", "enseignements"), "en": ("lesson", "lessons")},
    "Organisation": {"fr": ("organisation", "organisations"), "en": ("organisation", "organisations")},
    "Territory": {"fr": ("territoire", "territoires"), "en": ("territory", "territories")},
    "Network": {"fr": ("réseau", "réseaux"), "en": ("network", "networks")},
    "PartnerRole": {"fr": ("partenaire", "partenaires"), "en": ("partner", "partners")},
    "Partnership": {"fr": ("partenariat", "partenariats"), "en": ("partnership", "partnerships")},
    "Funding": {"fr": ("financement", "financements"), "en": ("funding", "fundings")},
    "CollectionSheet": {"fr": ("fiche de collecte", "fiches de collecte"),
                        "en": ("collection sheet", "collection sheets")},
}


@functools.lru_cache(maxsize=256)
def class_label(cls: str, lang: str) -> str:
    """A class of the model by its label in the ontology, in the language asked, with a small first letter
    (`ProfessionalRole`: « rôle professionnel »); else its local name."""
    return (_ontology_label(ISIC + cls, lang) if cls else None) or cls


def _ontology_label(iri: str, lang: str) -> str | None:
    """A term's label in the ontology, in the language asked, with a small first letter (« CAF… » keeps its
    capitals); None when it has none."""
    for t in ontology_triples():
        if isinstance(t.subject, NamedNode) and t.subject.value == iri and t.predicate.value == RDFS + "label" \
                and isinstance(t.object, Literal) and t.object.language == lang:
            text = t.object.value
            return text[:1].lower() + text[1:] if text[1:2].islower() else text
    return None


@dataclass(frozen=True)
class Change:
    """One resource the upload adds, changes or removes."""

    kind: str  # added, changed, removed
    iri: str
    name: str  # its title, label or statement; else its identifier
    cls: str  # local name of its class (Project, Lesson…)
    emptied: tuple[str, ...] = ()  # a changed resource's properties (`…@fr`: in a language) left with no value

    def describe(self, lang: str = "fr") -> str:
        word = CLASS_WORDS.get(self.cls, {}).get(lang, (class_label(self.cls, lang),))[0] or (
            "ressource" if lang == "fr" else "resource")  # with no class (data stored before classes were checked)
        emptied = ", ".join(_shown(p, lang, self.cls) for p in self.emptied)
        if lang == "fr":
            return f"{WORDS[lang][self.kind]} : {word} « {self.name} »" + (f" (vidé : {emptied})" if emptied else "")
        return f"{WORDS[lang][self.kind]}: {word} '{self.name}'" + (f" (emptied: {emptied})" if emptied else "")

    def to_dict(self) -> dict[str, object]:
        return {"change": self.kind, "iri": self.iri, "name": self.name, "class": self.cls,
                "emptied": list(self.emptied)}


@dataclass(frozen=True)
class ChangeList:
    """The changes an upload makes, resource by resource, added first, then changed, then removed."""

    changes: tuple[Change, ...]

    def of(self, kind: str) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == kind)

    def describe(self, lang: str = "fr") -> str:
        lang = lang if lang in WORDS else "fr"
        if not self.changes:
            return WORDS[lang]["none"]
        return "\n".join(c.describe(lang) for c in self.changes)

    def to_dict(self) -> dict[str, object]:
        return {kind: [c.to_dict() for c in self.of(kind)] for kind in KINDS}


def _shown(said: str, lang: str, cls: str) -> str:
    """An emptied value in words: its property, and the language of a text (« Description (en anglais) »)."""
    path, _, language = said.partition("@")
    name = property_label(path, lang, cls)
    if not language:
        return name
    languages = {"fr": {"fr": "en français", "en": "en anglais"}, "en": {"fr": "in French", "en": "in English"}}
    return f"{name} ({languages[lang].get(language, language)})"


@functools.lru_cache(maxsize=1024)
def property_label(path: str, lang: str, cls: str = "") -> str:
    """A property of a class's resources as the sheet's columns name it (a project's `genese`: « Genèse (le
    pourquoi) »), else by its label in the ontology, with a small first letter; else its local name."""
    for table in all_tables():
        roles = {role for role, type_ in table.types.items() if type_ == ISIC + cls}
        for column in table.columns:
            if column.path == path and column.subject in roles and not column.inverse and column.names.get(lang):
                return column.names[lang]
    return _ontology_label(path, lang) or path.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def counted(subjects: Iterable[tuple[str, str]], lang: str = "fr") -> str:
    """Resources counted in words by class: `1 projet, 2 enseignements` (classes without a word are left out)."""
    counts: dict[str, int] = defaultdict(int)
    for _, cls in subjects:
        counts[cls] += 1
    lang = lang if lang in WORDS else "fr"
    parts = []
    for cls, words in CLASS_WORDS.items():
        if counts.get(cls) and cls != "CollectionSheet":
            one, many = words[lang]
            parts.append(f"{counts[cls]} {one if counts[cls] == 1 else many}")
    return ", ".join(parts)


def table_classes(tables: Iterable[str]) -> frozenset[str]:
    """The classes whose resources the named tables describe."""
    found: set[str] = set()
    for name in tables:
        table = table_named(name)
        if table is not None:
            found.update(table.types.values())
    return frozenset(found)


def inverse_paths(tables: Iterable[str]) -> frozenset[str]:
    """The properties a table's cells state about another table's resources (a funding's project)."""
    present = [t for name in tables if (t := table_named(name)) is not None]
    return frozenset(c.path for t in present for c in t.columns if c.inverse)


def kept_paths(tables: Iterable[str]) -> frozenset[str]:
    """The properties of the present tables' resources that absent tables state (a project's `isic:funding`,
    written in fundings.csv): replacing a project keeps them, so that no table is lost by leaving its file out."""
    present = {t.file for name in tables if (t := table_named(name)) is not None}
    absent = [t for t in all_tables() if t.file not in present]
    direct = {c.path for t in all_tables() if t.file in present for c in t.columns if not c.inverse}
    return frozenset(c.path for t in absent for c in t.columns if c.inverse) - direct


def replaced(stored: Iterable[Triple], batch: Iterable[Triple], tables: Iterable[str]) -> frozenset[str]:
    """The resources an upload of these tables describes again or removes: those of the tables' classes,
    in the network's graph or in the upload."""
    classes = table_classes(tables)
    return frozenset(term_value(t.subject) for source in (stored, batch) for t in source
                     if t.predicate.value == RDF_TYPE and term_value(t.object) in classes)


def deletions(graph: str, resources: Iterable[str], paths: Iterable[str],
              kept: Iterable[str] = ()) -> list[str]:
    """SPARQL operations removing the descriptions of these resources from a graph (but the `kept` properties,
    which tables absent from the upload state), and the statements of the given properties (the tables'
    inverse columns) that point to them."""
    roots = sorted(resources)
    inverse = sorted(paths)
    keep = f" FILTER(?p NOT IN ({', '.join(iri(p) for p in sorted(kept))}))" if kept else ""
    target = iri(graph)
    operations = []
    for start in range(0, len(roots), VALUES_CHUNK):
        values = iris(roots[start:start + VALUES_CHUNK])
        operations.append(f"DELETE {{ GRAPH {target} {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s {{ {values} }} "
                          f"GRAPH {target} {{ ?s ?p ?o }}{keep} }}")
        if inverse:
            operations.append(f"DELETE {{ GRAPH {target} {{ ?x ?p ?s }} }} WHERE {{ VALUES ?s {{ {values} }} "
                              f"VALUES ?p {{ {iris(inverse)} }} GRAPH {target} {{ ?x ?p ?s }} }}")
    return operations


def after_write(stored: Iterable[Triple], graph: str, operations: Sequence[str]) -> list[Triple]:
    """The triples a graph holding `stored` holds after the update operations that write to it (those of an
    ingestion: deletions, then the batch inserted), run on a copy in memory: what the write will leave, known
    before it is made."""
    memory = Store()
    name = NamedNode(graph)
    memory.extend(Quad(t.subject, t.predicate, t.object, name) for t in stored)
    if operations:
        memory.update(" ;\n".join(operations))
    return [quad.triple for quad in memory.quads_for_pattern(None, None, None, name)]


def change_list(before: Iterable[Triple], after: Iterable[Triple]) -> ChangeList:
    """The resources a write adds, changes or removes: every subject whose triples differ between the graph
    before and after it (a skolemised blank node's, `X#genid-…`, are its owner's), added when it had none,
    removed when it has none left, changed otherwise."""
    old_triples, new_triples = _as_stored(before), _as_stored(after)
    old, new = _by_owner(old_triples), _by_owner(new_triples)
    types = {**_types(old_triples), **_types(new_triples)}
    others = {**_types(old_triples, any_class=True), **_types(new_triples, any_class=True)}  # a class of no ontology
    names = {**_names(old_triples), **_names(new_triples)}
    described = {term_value(t.subject): term_value(t.object) for t in [*old_triples, *new_triples]
                 if t.predicate.value == ISIC + "describes"}  # a collection sheet is named by its project
    names.update({sheet: names[what] for sheet, what in described.items() if sheet not in names and what in names})
    changes = []
    for resource in sorted(old.keys() | new.keys(), key=lambda r: ((names.get(r) or r).casefold(), r)):
        was, now = old.get(resource, set()), new.get(resource, set())
        if was == now:
            continue
        kind = "added" if not was else "removed" if not now else "changed"
        cls = _local(types.get(resource) or others.get(resource, ""))
        emptied = tuple(sorted({_said(t) for t in was if term_value(t.subject) == resource}
                               - {_said(t) for t in now if term_value(t.subject) == resource}))
        changes.append(Change(kind, resource, names.get(resource) or resource.rstrip("/").rsplit("/", 1)[-1], cls,
                              emptied if kind == "changed" else ()))
    order = {kind: i for i, kind in enumerate(KINDS)}
    return ChangeList(tuple(sorted(changes, key=lambda c: order[c.kind])))


def _said(triple: Triple) -> str:
    """What a triple gives a value of: its property, and the language of a text (`…/description@fr`)."""
    language = getattr(triple.object, "language", None)
    return f"{triple.predicate.value}@{language}" if language else triple.predicate.value


def _by_owner(triples: Iterable[Triple]) -> Mapping[str, set[Triple]]:
    """The triples by the resource they describe: a subject's own, and its skolemised blank nodes'."""
    found: dict[str, set[Triple]] = defaultdict(set)
    for t in triples:
        found[term_value(t.subject).split("#genid-")[0]].add(t)
    return found


def _as_stored(triples: Iterable[Triple]) -> list[Triple]:
    """The triples as a store keeps them, literals in their canonical form (a `3500.00` decimal is kept as
    `3500`), so that a value sent again as it was written is not a change. Only literals of a datatype other than
    a string's have another form there: the others are kept as they are, without going through a store."""
    plain: list[Triple] = []
    typed: list[Triple] = []
    for t in triples:
        (typed if isinstance(t.object, Literal) and t.object.datatype.value not in TEXT_TYPES else plain).append(t)
    if not typed:
        return plain
    memory = Store()
    memory.extend(Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in typed)
    return plain + [quad.triple for quad in memory]


def _types(triples: Iterable[Triple], any_class: bool = False) -> dict[str, str]:
    """Each subject's class (the first by IRI, when it has several: whatever order the triples come in)."""
    found: dict[str, str] = {}
    for t in triples:
        if t.predicate.value == RDF_TYPE and (any_class or term_value(t.object).startswith(ISIC)):
            subject, cls = term_value(t.subject), term_value(t.object)
            found[subject] = min(found.get(subject, cls), cls)
    return found


def _local(cls: str) -> str:
    """A class of the ontology by its local name (Project); another by its IRI (foaf:Person, a class of no ontology
    in data stored before classes were checked), which no word of CLASS_WORDS nor withdrawal mistakes for one."""
    return cls[len(ISIC):] if cls.startswith(ISIC) else cls


def _names(triples: Iterable[Triple]) -> dict[str, str]:
    found: dict[str, tuple[int, str]] = {}
    for t in triples:
        if t.predicate.value in NAMES:
            rank = NAMES.index(t.predicate.value) * 2 + (0 if getattr(t.object, "language", None) in ("fr", None)
                                                         else 1)
            subject, named = term_value(t.subject), (rank, term_value(t.object) or "")
            found[subject] = min(found.get(subject, named), named)  # the first by rank, then by text: in any order
    return {s: v for s, (_, v) in found.items()}


__all__ = ["Change", "ChangeList", "after_write", "change_list", "counted", "deletions", "inverse_paths", "kept_paths",
           "replaced", "table_classes"]
