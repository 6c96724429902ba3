"""The check that what a network writes, or a peer's harvest brings, states nothing about a subject another owns.

Who owns what is in ownership.py. What counts as a statement about a subject: every triple whose subject it is, and
the triples that attach something to it as their object (ATTACHING: a collection sheet `isic:describes` it, a
lesson is `isic:learnedFrom` it, `owl:sameAs` and the other identity links, which would merge two descriptions; an
identity link to an IRI nobody owns, such as Wikidata's, claims nothing). Any other link to another's subject (a
project carried by the CAF, a lesson that confirms another network's lesson) is what linked data is for, and is
shown on the target's page as an incoming link.

A row about another's subject is accepted as a reference when it only repeats the subject's identity (IDENTITY: its
type, label, SIRET / RNA / INSEE code, territory level and enclosing territory, actor type) exactly as its owner's
graphs hold it (a literal's language tag and datatype included); so networks list Rennes or the CAF without
describing them. One rule for every owner: network, peer or instance.

These checks read properties by their one spelling (ATTACHING, IDENTITY): a property or class written otherwise than
its vocabulary writes it (lookalike_of: `https://www.w3.org/2002/07/owl#sameAs`, `owl#%73ameAs`, `owl#SameAs`) is
refused before them in a network's submission (ingestion.py) and left out of a harvest (keep_owned), never read as
the term: stored as written, it would still pass for the term with a reader or another store. A resource of this
instance is written one way: two spellings of it differing only by case, in a batch or against the spelling its
owner first published, are refused (_check_one_spelling), and so is a new identifier differing from a stored one of
the same kind only by case or separators (`les_incompris`, `les--incompris` for `les-incompris`: _check_no_twin).
"""

from __future__ import annotations

import datetime
import functools
import re
from collections import defaultdict
from typing import Iterable, NamedTuple, Sequence

from pyoxigraph import Literal, NamedNode, Triple

from isic_graph.errors import NotOwner, UsageError
from isic_graph.ingest.documents import Batch
from isic_graph.ingest.ownership import (
    ATTACHING,
    ATTRIBUTED,
    CHUNK,
    IDENTITY,
    PART_OF,
    SUBJECT,
    Owner,
    claim_records,
    claim_update,
    id_key,
    is_orphan,
    key,
    peer,
    record,
    resolve,
    space_key_of,
    space_update,
)
from isic_graph.ingest.sheetmodel import column_names
from isic_graph.rdf.iris import KEPT, in_space, normal, scheme_blind, scheme_twin
from isic_graph.rdf.labels import pick_literal
from isic_graph.rdf.namespaces import NAME_PROPERTIES, PROV, RDF_TYPE, XSD, Graphs, curie
from isic_graph.rdf.vocabularies import canonical, same_key
from isic_graph.sparql.default_graph import Written
from isic_graph.sparql.terms import iri as sparql_iri
from isic_graph.store.base import Store
from isic_graph.store.results import term_value
from isic_graph.validation.personal import personal_data_in

# the path under `id/` of this instance's IRIs: a kind, then names of letters, digits, hyphens and underscores
MINTED_PATH = re.compile(r"[a-z][a-z-]*(?:/[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)+(?:#[A-Za-z0-9_-]+)?")


# the properties the checks read by name: none of them may be written in another case either (`owl#SameAs`)
KNOWN_TERMS = frozenset({*ATTACHING, *IDENTITY, *NAME_PROPERTIES, PROV + "wasAttributedTo"} - {"http://schema.org/sameAs"})


KNOWN_KEYS = {same_key(term): term for term in sorted(KNOWN_TERMS)}


@functools.lru_cache(maxsize=KEPT)
def lookalike_of(iri: str) -> str | None:
    """The one spelling of a vocabulary's term an IRI is a look-alike of (rdf/vocabularies.py; and for a term the
    checks read by name, another case of it), else None."""
    spelling = canonical(iri)
    if spelling is None and iri not in KNOWN_TERMS:
        spelling = KNOWN_KEYS.get(same_key(iri))
    return spelling


def check_batch(store: Store, graphs: Graphs, owner: Owner, batch: Batch) -> list[str]:
    """Refuse (NotOwner) a batch stating anything about a subject another owns, but rows that repeat
    its identity as stored; the IRIs the batch will claim (nobody's yet, or the owner's by rule only)."""
    stated = _statements(batch.triples)
    for iri in stated:
        if misspelt_as_ours(graphs, iri):
            raise misspelt_refusal(graphs, iri)
    found = resolve(store, graphs, stated)
    references: list[tuple[str, Owner, Triple]] = []
    for iri, (other, _) in found.items():
        if other == owner:
            continue
        for t, attached in stated[iri]:
            if _describing(t, attached, iri):
                raise _refusal(store, graphs, batch, iri, other, owner, t)
            references.append((iri, other, t))
    matching = _matching(store, graphs, references)
    for iri, other, t in references:
        if t not in matching:
            raise _refusal(store, graphs, batch, iri, other, owner, t)
    ours = [iri for iri in stated if iri.startswith(graphs.base + "id/")]
    _check_one_spelling(store, graphs, batch, ours,
                        [iri for iri, (other, recorded) in found.items() if other == owner and recorded])
    _check_no_twin(store, graphs, batch, [iri for iri in ours if iri not in found or not found[iri][1]])
    claimed: dict[str, str] = {}
    if owner.kind == "network":  # its own IRI, recorded once it publishes (a peer sharing the base may not take it)
        claimed[key(graphs, owner.agent)] = owner.agent
    for iri, statements in stated.items():
        if _published(statements) and (iri not in found or (found[iri][0] == owner and not found[iri][1])):
            claimed.setdefault(key(graphs, iri), iri)
    return sorted(claimed.values())


def _check_one_spelling(store: Store, graphs: Graphs, batch: Batch, ours: Sequence[str], held: Sequence[str]) -> None:
    """One resource of this instance is written one way: two IRIs of the batch that differ only by case
    (`…/organisation/org-a` and `…/organisation/ORG-A`), or one written otherwise than the owner first published it
    (`held`: recorded as the owner's), would be two resources that one owner, one page and a reader take for one."""
    first: dict[str, str] = {}
    for iri in sorted(ours):
        other = first.setdefault(twin_key(graphs, iri), iri)
        if other != iri:
            raise _twin(batch, iri, other)
    recorded: dict[str, str] = {}
    for start in range(0, len(held), CHUNK):
        part = {record(graphs, key(graphs, iri)): iri for iri in held[start:start + CHUNK]}
        for row in store.select(f"SELECT ?r ?s WHERE {{ VALUES ?r {{ {' '.join(map(sparql_iri, part))} }} GRAPH "
                                f"{sparql_iri(graphs.ownership)} {{ ?r <{SUBJECT}> ?s }} }}").rows:
            recorded[part[term_value(row["r"])]] = term_value(row["s"])
    for iri, spelling in sorted(recorded.items()):
        if spelling != normal(iri) and spelling.lower() == iri.lower():
            raise _twin(batch, iri, spelling, stored=True)


SEPARATORS = re.compile(r"[-_]+")


def twin_key(graphs: Graphs, iri: str) -> str:
    """What two identifiers of this instance's resources that a reader takes for one share: the key (ownership.key,
    in lower case) with, under `id/`, each name's runs of `-` and `_` made one `-` and none at its ends
    (`les_incompris`, `les--incompris` and `les-incompris-` are `les-incompris`)."""
    k = key(graphs, iri)
    head = id_key(graphs)
    if not k.startswith(head):
        return k
    path, mark, fragment = k[len(head):].partition("#")
    return head + "/".join(SEPARATORS.sub("-", name).strip("-") for name in path.split("/")) + mark + fragment


def _check_no_twin(store: Store, graphs: Graphs, batch: Batch, new: Sequence[str]) -> None:
    """A new identifier of this instance that differs from a stored one of the same kind only by case or separators
    (`les_incompris` or `les--incompris` when `les-incompris` is stored, whoever owns it) is refused: a reader, a
    search and a page would take the two for one resource."""
    wanted: dict[str, str] = {}
    for iri in sorted(new):
        wanted.setdefault(twin_key(graphs, iri), iri)
    kinds = sorted({iri[len(graphs.base):].split("/")[1] for iri in wanted.values()})
    if not kinds:
        return
    of_kinds = " || ".join(f"STRSTARTS(STR(?s), {Literal(graphs.base + f'id/{kind}/')})" for kind in kinds)
    rows = store.select(f"SELECT DISTINCT ?s WHERE {{ GRAPH {sparql_iri(graphs.ownership)} {{ ?r <{SUBJECT}> ?s }} "
                        f"FILTER({of_kinds}) }}").rows  # one reading of the records for every kind
    by_kind: dict[str, list[str]] = {kind: [] for kind in kinds}
    for row in rows:
        stored = term_value(row["s"])
        by_kind[stored[len(graphs.base):].split("/")[1]].append(stored)
    for kind in kinds:  # kind by kind, as the store gave them: the first twin found is said
        for stored in by_kind[kind]:
            new_iri = wanted.get(twin_key(graphs, stored))
            if new_iri is not None and key(graphs, stored) != key(graphs, new_iri):
                raise _twin(batch, new_iri, stored, stored=True)


def _twin(batch: Batch, iri: str, other: str, stored: bool = False) -> UsageError:
    """The refusal of a resource written in two ways, suggesting the one stored, else the one in lower case (else the
    first)."""
    spelling = iri if iri == iri.lower() and not stored else other
    where = batch.locations.get(iri)
    at = {lang: f" ({where.describe(lang)})" if where else "" for lang in ("fr", "en")}
    before = {"en": "as it is stored" if stored else "in the same submission",
              "fr": "tel qu'il est enregistré" if stored else "dans le même envoi"}
    return UsageError(f"<{iri}>{at['en']} differs from <{other}> ({before['en']}) only by case or separators (`-`, "
                      f"`_`): an identifier names one resource; write <{spelling}> everywhere; nothing was stored",
                      f"<{iri}>{at['fr']} ne diffère de <{other}> ({before['fr']}) que par les majuscules ou les "
                      f"séparateurs (`-`, `_`) : un "
                      f"identifiant nomme une seule ressource ; écrivez <{spelling}> partout ; rien n'a été enregistré")


def _published(statements: list[tuple[Triple, bool]]) -> bool:
    """Whether the statements publish their IRI (describe it, or attach a sheet or lesson to it), or only
    link it as the same as another (owl:sameAs <http://www.wikidata.org/…> claims nothing)."""
    return any(not attached or t.predicate.value in PART_OF for t, attached in statements)


def described_beyond_identity(triples: Iterable[Triple]) -> set[str]:
    """The IRIs these triples state more of than their identity: what a network may state only of its own subjects
    (check_batch refuses it of another's)."""
    return {iri for iri, statements in _statements(triples).items()
            if any(_describing(t, attached, iri) for t, attached in statements)}


def _describing(t: Triple, attached: bool, iri: str) -> bool:
    """Whether a statement about an IRI (see _statements) describes it, not only repeats its identity."""
    return attached or t.predicate.value not in IDENTITY or term_value(t.subject) != iri


def _statements(triples: Iterable[Triple]) -> dict[str, list[tuple[Triple, bool]]]:
    """The triples stating something about each IRI: those it is the subject of (or a blank node of it
    is), and those attaching something to it (True)."""
    stated: dict[str, list[tuple[Triple, bool]]] = defaultdict(list)
    for t in triples:
        stated[term_value(t.subject).split("#genid-")[0]].append((t, False))
        if t.predicate.value in ATTACHING and isinstance(t.object, NamedNode):
            stated[t.object.value.split("#genid-")[0]].append((t, True))
    return stated


class Kept(NamedTuple):
    """What keep_owned keeps of a peer's triples, the subjects it leaves out (sorted), and those the peer is the
    first to publish here, to be recorded as its own once they are stored (record_claims)."""
    triples: tuple[Triple, ...]
    left_out: tuple[str, ...]
    claimed: tuple[str, ...]


def keep_owned(store: Store, graphs: Graphs, name: str, uri_space: str | None, triples: Sequence[Triple]) -> Kept:
    """A harvested peer's triples about the subjects it owns, with the rows repeating the identity of
    another's subject as its owner states it; the subjects of the triples left out; and those it claims.

    The peer owns the IRIs under its URI space (under this instance's own base, those nobody here published
    first; outside it, all of them, whatever was recorded before the peer was registered); with no known URI
    space, what it publishes here first.
    Nothing is written: the subjects it is first to publish here are recorded by record_claims, and those it
    claimed but that were not stored are released by release_claims. A triple whose property (or class)
    is a look-alike of a vocabulary's term (`https://www.w3.org/2002/07/owl#sameAs`) is left out, as a network's
    submission holding one is refused: no spelling gets round the identity-link rule.
    """
    lookalikes = {t for t in triples if lookalike_of(t.predicate.value) is not None or (
        t.predicate.value == RDF_TYPE and isinstance(t.object, NamedNode) and lookalike_of(t.object.value) is not None)}
    stated = _statements(triples)
    mine = peer(graphs, name)
    found = resolve(store, graphs, stated)
    space = space_key_of(graphs, uri_space) if uri_space else None
    own = key(graphs, graphs.base)
    claimed: list[str] = []
    references: list[tuple[str, Owner, Triple]] = []
    refused: set[Triple] = set(lookalikes)  # a property or class spelt otherwise than its vocabulary: left out
    for iri, statements in stated.items():
        owner, recorded = found.get(iri, (None, False))
        inside = space is None or in_space(space, key(graphs, iri))
        claimable = owner is None or (not recorded and owner.kind == "network")  # a network never published here
        if (key(graphs, iri).startswith(own) and not _spelled_as_ours(graphs, iri)) or (
                inside and normal(iri) != iri and not is_orphan(graphs, iri)):
            refused.update(t for t, _ in statements)
        elif (owner == mine and recorded) or (owner is None and not _published(statements)):
            continue
        elif owner == mine or (inside and claimable):  # its own by rule (its registered space): recorded now
            claimed.append(iri)
        elif owner is None:
            refused.update(t for t, _ in statements)
        else:
            for t, attached in statements:
                if _describing(t, attached, iri):
                    refused.add(t)
                else:
                    references.append((iri, owner, t))
    matching = _matching(store, graphs, references)
    refused.update(t for _, _, t in references if t not in matching)
    kept = tuple(t for t in triples if t not in refused)
    left_out = {iri for iri, statements in stated.items() if any(t in refused for t, _ in statements)}
    return Kept(kept, tuple(sorted(left_out)), tuple(sorted(set(claimed) - left_out)))


def record_claims(store: Store, graphs: Graphs, name: str, uri_space: str | None, claimed: Sequence[str],
                  now: datetime.datetime | None = None) -> None:
    """Record the peer's URI space, and the subjects it claimed (keep_owned) as its own."""
    mine = peer(graphs, name)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    activity = f"{graphs.base}id/harvest/{name}/{now.strftime('%Y%m%dT%H%M%S%fZ')}-ownership"
    operations = [space_update(graphs, name, uri_space)]
    claimed = sorted(set(claimed))
    if claimed:
        operations.append(f"INSERT DATA {{ GRAPH {sparql_iri(graphs.ownership)} {{ {sparql_iri(activity)} a "
                          f"<{PROV}Activity> ; "
                          f'<{PROV}endedAtTime> "{now.isoformat()}"^^<{XSD}dateTime> ; '
                          f"<{PROV}wasAssociatedWith> {sparql_iri(mine.agent)} }} }}")
        operations.append(claim_update(graphs, mine, claimed, activity))
    store.update(" ;\n".join(operations),
                 written=Written(subjects=[mine.agent, activity, *claim_records(graphs, claimed)]))


def release_claims(store: Store, graphs: Graphs, name: str, iris: Sequence[str]) -> None:
    """Take back the peer's records of subjects it claimed and that no copy of it holds after all (left out, or
    its harvest failed): it owns by record only what it published here."""
    if not iris:
        return
    records = claim_records(graphs, sorted(set(iris)))
    agent = sparql_iri(peer(graphs, name).agent)
    operations = [f"DELETE {{ GRAPH {sparql_iri(graphs.ownership)} {{ ?r ?p ?o }} }} WHERE {{ VALUES ?r "
                  f"{{ {' '.join(sparql_iri(r) for r in records[start:start + CHUNK])} }} "
                  f"GRAPH {sparql_iri(graphs.ownership)} {{ ?r <{ATTRIBUTED}> {agent} ; ?p ?o }} }}"
                  for start in range(0, len(records), CHUNK)]
    store.update(" ;\n".join(operations), written=Written(subjects=records))


def forget_claims(store: Store, graphs: Graphs, name: str) -> None:
    """Take back every record of the peer (what it published here, the harvests that recorded it, its URI space):
    it is no longer registered."""
    own, agent = sparql_iri(graphs.ownership), sparql_iri(peer(graphs, name).agent)
    its = f"{{ ?r <{ATTRIBUTED}> {agent} }} UNION {{ ?r <{PROV}wasAssociatedWith> {agent} }}"
    records = [row["r"].value for row in store.select(f"SELECT DISTINCT ?r WHERE {{ GRAPH {own} {{ {its} }} }}").rows]
    store.update(f"DELETE {{ GRAPH {own} {{ ?r ?p ?o }} }} WHERE {{ GRAPH {own} {{ {its} ?r ?p ?o }} }} ;\n"
                 f"{space_update(graphs, name, None)}", written=Written(subjects=[*records, peer(graphs, name).agent]))


def _matching(store: Store, graphs: Graphs, references: list[tuple[str, Owner, Triple]]) -> set[Triple]:
    """The reference rows stated in a graph of their subject's owner, exactly: the same IRI, or the same
    literal (its text, language tag and datatype; "Victim network"@x-hacked is not "Victim network"@en, a
    name written in a language its owner never used would be a new statement about another's resource)."""
    held: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    pairs = sorted({(term_value(t.subject), t.predicate.value) for _, _, t in references})
    for start in range(0, len(pairs), CHUNK):
        values = " ".join(f"({sparql_iri(s)} {sparql_iri(p)})" for s, p in pairs[start:start + CHUNK])
        for row in store.select(f"SELECT ?s ?p ?o ?g WHERE {{ VALUES (?s ?p) {{ {values} }} "
                                f"GRAPH ?g {{ ?s ?p ?o }} }}").rows:
            held[(term_value(row["s"]), term_value(row["p"]), _text(row["o"]))].add(term_value(row["g"]))
    return {t for _, other, t in references
            if any(_holds(graphs, other, g) for g in held.get((term_value(t.subject), t.predicate.value,
                                                               _text(t.object)),
                                                                ()))}


def _text(term: object) -> str:
    """A term as compared: an IRI, or a literal's text with its language tag (in lower case, as BCP 47 compares
    them) or its datatype."""
    if isinstance(term, Literal):
        return f'"{term.value}"' + (f"@{term.language.lower()}" if term.language else f"^^<{term.datatype.value}>")
    return f"<{term_value(term)}>"  # type: ignore[arg-type]


def _holds(graphs: Graphs, owner: Owner, graph: str) -> bool:
    """Whether a graph states what an owner says."""
    if owner.kind == "network":
        return graph == graphs.network(owner.name)
    if owner.kind == "peer":
        return graph.startswith(f"{graphs.peer_prefix}{owner.name}/")
    return not graph.startswith((graphs.network_prefix, graphs.peer_prefix)) \
        and graph not in (graphs.metadata, graphs.identity, graphs.ownership)


def misspelt_as_ours(graphs: Graphs, iri: str) -> bool:
    """Whether an IRI is one of this instance's in another spelling: under its base in any spelling (either web
    scheme, another case, `%`-encoded…) and not written as its IRIs are."""
    return _under_base(key(graphs, iri), key(graphs, graphs.base)) and not _spelled_as_ours(graphs, iri)


def misspelt_refusal(graphs: Graphs, iri: str) -> UsageError:
    """The refusal of an IRI misspelt_as_ours, saying how this instance's IRIs are written."""
    return UsageError(f"<{iri}> is not written as this instance's IRIs are (<{graphs.base}id/KIND/NAME>, names of "
                      "letters, digits and hyphens, in normal form): write it as they are; nothing was stored",
                      f"<{iri}> n'est pas écrit comme les IRI de cette instance (<{graphs.base}id/TYPE/NOM>, noms de "
                      "lettres, chiffres et tirets, sous forme normale) : écrivez-le comme elles ; rien n'a été "
                      "enregistré")


def _under_base(iri_key: str, base_key: str) -> bool:
    """Whether an IRI's key is under the base's, or would be with the other web scheme (`https://` for `http://` and
    the reverse): the same host's page, which a reader takes for this instance's IRI."""
    return scheme_blind(iri_key).startswith(scheme_blind(base_key))


def _spelled_as_ours(graphs: Graphs, iri: str) -> bool:
    """Whether an IRI under this instance's base is written as its IRIs are: its very base, normal form,
    and under `id/` a kind and names of letters, digits, hyphens and underscores (no `.`, `;`, `?`, `%`:
    `…/les-incompris.` or `…/les-incompris?x` would be look-alikes of `…/les-incompris`)."""
    if _under_base(key(graphs, iri), id_key(graphs)) and not (
            iri.startswith(graphs.base + "id/") and MINTED_PATH.fullmatch(iri[len(graphs.base) + 3:])):
        return False  # `…/ID/…`, `…/%69d/…` too: a look-alike of a resource's IRI
    return iri.startswith(graphs.base) and (normal(iri) == iri or normal(graphs.base) != graphs.base
                                            or is_orphan(graphs, iri))


def _refusal(store: Store, graphs: Graphs, batch: Batch, iri: str, other: Owner, owner: Owner,
             t: Triple) -> NotOwner:
    """The refusal names the subject (with its name as stored), the property (as the sheet's columns name it) and
    the row, never the value (it may be personal data in a form no search recognises); and, for a subject written
    otherwise than its owner writes it (the other web scheme), how to write it."""
    where = batch.locations.get(term_value(t.subject)) or batch.locations.get(iri)
    row = where.describe("en") if where else None
    ligne = f" ({where.describe('fr')})" if where else ""
    spelt = _owners_spelling(store, graphs, iri)
    if spelt is not None and spelt != iri:  # its identity repeated under another spelling is no reference to it
        citing = {"en": f"Its owner writes it <{spelt}>: name it so.", "fr": f"Son propriétaire l'écrit <{spelt}> : "
                                                                               "nommez-le ainsi."}
    else:
        citing = CITING
    named = _stored_name(store, spelt or iri)
    called = {lang: f" ({_quoted(named, lang)})" if named else "" for lang in ("fr", "en")}
    words = _property_words(t.predicate.value, (term_value(c.object) for c in batch.triples
                                                if c.subject == t.subject and c.predicate.value == RDF_TYPE))
    short = curie(t.predicate.value)  # a property no column names is said once: not `isic:describes (isic:describes)`
    said = {lang: short if words[lang] == short else f"{_quoted(words[lang], lang)} ({short})" for lang in ("fr", "en")}
    if term_value(t.subject) == iri:
        what = {"en": f"state its {said['en']}", "fr": f"en écrire la propriété {said['fr']}"}
    else:  # a link to it from another resource (a sheet describing it, a lesson learned from it, an identity link)
        what = {"en": f"link <{term_value(t.subject)}> to it by {said['en']}",
                "fr": f"y rattacher <{term_value(t.subject)}> par {said['fr']}"}
    return NotOwner(f"<{iri}>{called['en']} belongs to {other.describe()}, which alone describes it; "
                    f"{owner.describe()} may not {what['en']}{' (' + row + ')' if row else ''}; nothing was stored. "
                    f"{citing['en']}", iri, other.agent, row,
                    fr=f"<{iri}>{called['fr']} appartient {other.describe('fr à')}, qui seul le décrit ; "
                       f"{owner.describe('fr')} ne peut pas {what['fr']}{ligne} ; rien n'a été enregistré. "
                       f"{citing['fr']}", row_fr=where.describe("fr") if where else None)


def _owners_spelling(store: Store, graphs: Graphs, iri: str) -> str | None:
    """The subject as its ownership record spells it (its own record, else its twin's in the other web scheme)."""
    k = key(graphs, iri)
    records = [record(graphs, k)] + ([record(graphs, twin)] if (twin := scheme_twin(k)) is not None else [])
    rows = store.select(f"SELECT ?r ?s WHERE {{ VALUES ?r {{ {' '.join(map(sparql_iri, records))} }} GRAPH "
                        f"{sparql_iri(graphs.ownership)} {{ ?r <{SUBJECT}> ?s }} }}").rows
    spelt = {term_value(row["r"]): term_value(row["s"]) for row in rows}
    return next((spelt[r] for r in records if r in spelt), None)


def _quoted(text: str, lang: str) -> str:
    return f"« {text} »" if lang == "fr" else f'"{text}"'


def _stored_name(store: Store, iri: str) -> str | None:
    """The subject's name as its owner's graphs give it (French first), if any and not personal data."""
    rows = store.select(f"SELECT DISTINCT ?name WHERE {{ {sparql_iri(iri)} ?p ?name FILTER(?p IN "
                        f"({', '.join(sparql_iri(p) for p in NAME_PROPERTIES)}) && isLiteral(?name)) }} LIMIT 20").rows
    found = pick_literal([row["name"] for row in rows if isinstance(row["name"], Literal)], "fr")
    if found is None or personal_data_in([Triple(NamedNode(iri), NamedNode(NAME_PROPERTIES[0]), found)]):
        return None
    return found.value if len(found.value) <= 80 else found.value[:77] + "…"


def _property_words(predicate: str, classes: Iterable[str]) -> dict[str, str]:
    """A property as the sheet's columns name it for one of the subject's classes (or for all the classes they
    describe, when they name it alike), in French and in English; else as the ontology writes it."""
    by_class = column_names().get(predicate, {})
    names = next((by_class[c] for c in classes if c in by_class), None)
    if names is None and len({tuple(sorted(n.items())) for n in by_class.values()}) == 1:
        names = next(iter(by_class.values()))
    return {lang: (names or {}).get(lang) or (names or {}).get("fr") or curie(predicate) for lang in ("fr", "en")}


# what the author of a refused sheet can do: a row that repeats a known resource's identity is read as a reference
CITING = {"en": "To name it without describing it, give only its type, its name and its identifiers (SIRET, RNA, "
                "INSEE code) as they are stored.",
          "fr": "Pour le citer sans le décrire, ne reprenez que son type, son nom et ses identifiants (SIRET, RNA, "
                "code INSEE) tels qu'ils sont enregistrés."}


__all__ = ["Kept", "check_batch", "forget_claims", "keep_owned", "record_claims", "release_claims"]
