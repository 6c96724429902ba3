"""Validated ingestion: parse -> validate with what the batch needs from the store -> one atomic write + provenance."""

from __future__ import annotations

import datetime
import difflib
from contextlib import nullcontext
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Callable, Collection, Sequence
from urllib.parse import unquote

from pyoxigraph import Literal, NamedNode, Triple

from isic_graph.errors import (
    LookalikeTerm,
    NotFound,
    NotOwner,
    SheetRefused,
    UndeclaredTerm,
    UsageError,
    ValidationFailed,
)
from isic_graph.ingest import ownership, retraction, settling
from isic_graph.ingest.changes import (
    ChangeList,
    after_write,
    change_list,
    deletions,
    inverse_paths,
    kept_paths,
    replaced,
    table_classes,
)
from isic_graph.ingest.classes import check_class_positions, unknown_classes
from isic_graph.ingest.documents import Batch, Document
from isic_graph.ingest.identity import (
    key_holders,
    recompute_identity,
    update_identity,
)
from isic_graph.ingest.ownercheck import check_batch, lookalike_of
from isic_graph.ingest.reading import read_batch
from isic_graph.ingest.sheetmodel import tables as sheet_tables
from isic_graph.ingest.targets import dangling
from isic_graph.ingest.unknownrefs import check_named
from isic_graph.ingest.vocabulary import describes_vocabulary_term
from isic_graph.privacy import personal_data_in_iri
from isic_graph.rdf import resources
from isic_graph.rdf.iris import host_problem
from isic_graph.rdf.namespaces import (
    DCTERMS,
    FOAF,
    ISIC,
    OWL,
    PROV,
    RDF_TYPE,
    SCHEMA,
    SH,
    SHAPES_IRI,
    VOCABULARY,
    VOID,
    XSD,
    Graphs,
    check_slug,
)
from isic_graph.sparql.default_graph import Written, subjects_of
from isic_graph.sparql.guard import Checked, declarations, expand
from isic_graph.sparql.terms import iri, iris, is_iri, literal
from isic_graph.sparql.updates import delete_data, has_blank_node, insert_data
from isic_graph.store.base import Store
from isic_graph.store.results import term_value
from isic_graph.validation.identifiers import wrong_keys
from isic_graph.validation.personal import personal_data_in
from isic_graph.validation.validator import Issue, ValidationReport, Validator

VOCABULARY_NAMESPACES = (VOCABULARY,)
OWL_IMPORTS = OWL + "imports"
VALUES_CHUNK = 400
PERSON_CLASSES = (FOAF + "Person", SCHEMA + "Person")  # the classes isics:PersonShape targets
HELD_BY = ISIC + "heldBy"
KEY_COMPONENT = "https://w3id.org/isic/shapes#CheckKeyConstraintComponent"  # results of the checks of _issues
KNOWN_COMPONENT = "https://w3id.org/isic/shapes#KnownLessonConstraintComponent"


class Mode(str, Enum):
    """replace: the network's whole graph; upsert: only the descriptions of the batch's subjects; tables
    (sheets only): the resources of the tables the batch holds, those it leaves out removed (changes.py)."""

    REPLACE = "replace"
    UPSERT = "upsert"
    TABLES = "tables"


@dataclass(frozen=True)
class IngestResult:
    """What an accepted batch changed."""

    network: str
    graph: str
    mode: Mode
    triples: int
    subjects: int
    activity: str
    sha256: str
    created: bool  # the network's graph did not exist before
    changes: ChangeList = ChangeList(())
    published: tuple[tuple[str, str], ...] = ()  # (IRI, class local name) of each resource the batch describes
    dry_run: bool = False  # nothing was written
    withdrawn: tuple[str, ...] = ()  # the projects and lessons it removes: recorded as retracted (410 Gone)
    links: tuple[retraction.Link, ...] = ()  # the statements left pointing at them (other networks' first)
    written: bool = True  # False: nothing was written (a dry run, or a batch that changes no triple of the graph)


def check(batch: Batch, store: Store | None, validator: Validator, graphs: Graphs, network: str | None,
          mode: Mode = Mode.REPLACE, owners: bool = True, strict: bool = True,
          replacing: Collection[str] = ()) -> ValidationReport:
    """Validate a batch with what it needs from the store: the types of the resources it references,
    and the roles that hold the persons it describes. As a network's, with a store, it must also state
    nothing about another's subject (NotOwner; owners=False when the caller checked that already).

    In upsert mode, the resources of the network's graph that point at a subject of the batch are validated with
    it (pointing_at): the batch replaces its subjects' descriptions, and what points at them must still conform.

    strict: new data also passes the checks the shapes cannot make (SIRET keys; with a store, the lessons
    it confirms or contradicts are known: see targets.py; every subject it describes has a class: untyped, one the
    shapes check, and no resource of the instance is used as a class: classes.py);
    data stored before them (a backup restored, a peer's copy) is kept and served without them (identity links
    come from valid numbers only).
    replacing: graphs the batch is about to replace besides the network's (a harvest's copies of a peer's
    graphs): what they hold now is not looked up, as what the batch references must be in the batch or stay."""
    if mode is Mode.UPSERT and batch.tables:  # a sheet's upsert describes again its tables' rows, as `tables` does
        mode = Mode.TABLES
    _check_vocabulary_untouched(batch, graphs)
    if strict:
        check_declared(batch)
        check_class_positions(batch, graphs.base)
    if network is not None:
        _check_attribution(batch, graphs, network)
        if owners and store is not None:
            check_batch(store, graphs, ownership.network(graphs, network), batch)
        if strict and store is not None and mode is Mode.TABLES:  # a row's project, partnership: the network's
            try:
                check_named(store, graphs, batch, network)
            except SheetRefused:  # a sheet holding personal data is refused for it first, by the report below
                if not personal_data_in(batch.triples):  # (looked for here only: the report looks for it anyway)
                    raise
    context: list[Triple] = []
    focus = None
    checked = batch  # what is validated: the batch, and in upsert mode what in the graph points at its subjects
    if store is not None and network is not None and mode is Mode.UPSERT:
        pointing = pointing_at(store, graphs.network(network), batch)
        if pointing:
            checked = Batch((*batch.triples, *pointing), batch.sources)
    if store is not None:
        exclude = graphs.network(network) if network is not None and mode is Mode.REPLACE else None
        context = referenced_types(store, checked, exclude, replacing) \
            + stored_roles(store, checked, graphs, network, mode, replacing)
        if context:
            focus = checked.subjects
    report = validator.check(checked.triples, context, focus)
    if strict:
        exclude = graphs.network(network) if network is not None and mode is Mode.REPLACE else None
        issues = ([] if mode is Mode.TABLES else untyped(batch, store, graphs, network)) + unknown_classes(
            batch) + _issues(batch, store, graphs, exclude)
        report = validator.with_issues(report, issues, batch.triples)
    return report.located(batch.locations, batch.columns) if batch.locations else report


def refuse_empty(batch: Batch) -> Batch:
    """The batch, unless it holds nothing (an empty file, a failed export: it would empty the graph): UsageError."""
    if not batch.triples and not batch.tables:
        raise UsageError("the submission holds no statement (an empty file, or comments only); nothing was changed. "
                         "To withdraw all of a network's data, DELETE its graph (/graph-store?graph=…)",
                         "l'envoi ne contient aucune donnée (un fichier vide, ou des commentaires seulement) ; "
                         "rien n'a été modifié. Pour retirer toutes les données d'un réseau, supprimez son graphe "
                         "(DELETE /graph-store?graph=…)")
    return batch


def refuse_mixed(documents: Sequence[Document]) -> None:
    """Sheet tables (CSV files, workbooks) and RDF files in one submission: UsageError. A table follows the sheet's
    rules (a table present replaces its rows, a deleted row removes its resource), an RDF file replaces each
    subject's description whole; sent together, one would change what the other means."""
    tables = sorted(d.name for d in documents if d.format.rdf_format is None)
    rdf = sorted(d.name for d in documents if d.format.rdf_format is not None)
    if tables and rdf:
        raise UsageError(f"a submission holds either the sheet's tables or RDF files, not both: send the tables "
                         f"({', '.join(tables)}) and the RDF files ({', '.join(rdf)}) separately; nothing was changed",
                         f"un envoi contient soit les tableaux de la fiche, soit des fichiers RDF, pas les deux : "
                         f"envoyez séparément les tableaux ({', '.join(tables)}) et les fichiers RDF "
                         f"({', '.join(rdf)}) ; rien n'a été modifié")


def ingest(store: Store, validator: Validator, graphs: Graphs, documents: Sequence[Document], network: str,
           mode: Mode = Mode.REPLACE, now: datetime.datetime | None = None, dry_run: bool = False,
           removing: frozenset[str] = frozenset(),
           confirms: Callable[[ChangeList], bool] | None = None) -> IngestResult:
    """Ingest one batch into a network's graph: all of it, or nothing when it fails to parse or validate,
    or states anything about a subject another owns (see ownership.py); the subjects it is first to
    publish become the network's. A dry run checks all the same and answers the change list, writing nothing.
    removing (upsert only): resources whose description the network's graph no longer holds after it (the
    partners and fundings an edit through the form takes out).
    confirms: whether the change list the write would make is the one that was agreed to (a confirmation of a
    preview); when it is not, nothing is written and the answer is the dry run's, with the change list of now."""
    check_slug(network)
    refuse_mixed(documents)
    batch = refuse_empty(read_batch(documents, graphs.base, top=graphs.network_resource(network)))
    if mode is Mode.TABLES and not batch.tables:
        raise UsageError("mode tables takes the sheet's tables only (CSV files, .xlsx or .ods workbooks)",
                         "le mode tables ne prend que les tableaux de la fiche (fichiers CSV, classeurs .xlsx ou "
                         ".ods)")
    sheet = bool(batch.tables)  # a sheet: what a table sent states, the others' statements kept (changes.py)
    _check_vocabulary_untouched(batch, graphs)  # the plain refusals first (check repeats them, for dry runs)
    check_declared(batch)
    check_class_positions(batch, graphs.base)
    _check_attribution(batch, graphs, network)
    if mode is Mode.REPLACE and sheet:  # before the shapes: "no class"
        _check_whole_sheet(batch, store.select(f"SELECT DISTINCT ?t WHERE {{ GRAPH {iri(graphs.network(network))} "
                                               "{ ?s a ?t } }").values("t"))
    if not dry_run:
        settling.migrate(store, graphs)
    owner = ownership.network(graphs, network)
    claimed = check_batch(store, graphs, owner, batch)
    report = check(batch, store, validator, graphs, network, mode, owners=False)
    if not report.conforms:
        raise ValidationFailed(f"the submission does not conform to the shapes "
                               f"({len(report.violations)} problem(s)); nothing was stored", report,
                               fr=f"la soumission n'est pas conforme aux formes ({len(report.violations)} "
                                  "problème(s)) ; rien n'a été enregistré")
    now = now or datetime.datetime.now(datetime.timezone.utc)
    graph = graphs.network(network)
    # The graph read is the graph written to (a write is its difference): no other write comes between.
    with nullcontext() if dry_run else store.writing():
        if not dry_run:  # again under the lock: a write that came while this one was checked may own a subject now
            claimed = check_batch(store, graphs, owner, batch)
        stored = store.graph_triples(graph)
        resources, paths = _replaced(stored, batch, mode)
        removing = removing - batch.subjects if mode is Mode.UPSERT and not sheet else frozenset()
        resources |= removing
        kept = kept_paths(batch.tables) if sheet and mode is not Mode.REPLACE else frozenset()
        operations = _graph_write(graph, batch, mode, sheet, resources, paths, kept, removing)
        # The change list is the difference the write makes, subject by subject: the same operations, run on a copy.
        after = after_write(stored, graph, operations)
        changes = change_list(stored, after)
        published = tuple((s, t.rsplit("#", 1)[-1]) for s, t in sorted(_typed(batch.triples).items()))
        created = not stored
        if sheet:  # a table's row removed while another table sent still states about it (an RDF upsert may
            _check_none_left_half(batch, stored, after)  # keep another's identity rows, which have no type)
        withdrawn = tuple(c.iri for c in changes.of("removed") if ISIC + c.cls in retraction.WITHDRAWABLE)
        if parts := _parts_of(store, graphs, batch, withdrawn, after):  # as the withdrawal link takes them
            operations = [*operations, *_delete_descriptions(graph, parts)]
            after = after_write(stored, graph, operations)
            changes = change_list(stored, after)
            withdrawn = tuple(c.iri for c in changes.of("removed") if ISIC + c.cls in retraction.WITHDRAWABLE)
        gone = {c.iri for c in changes.of("removed")}  # what this write removes links to nothing once it is written
        links = tuple(sorted((k for k in retraction.links_to(store, graphs, graph, withdrawn)
                              if k.subject.split("#genid-")[0] not in gone), key=lambda k: k.holder == network))
        if dry_run or confirms is not None and not confirms(changes):
            return IngestResult(network, graph, mode, len(batch.triples), len(batch.subjects), "", batch.sha256,
                                created, changes, published, dry_run=True, withdrawn=withdrawn, links=links,
                                written=False)
        if not changes.changes and not _unrecorded(store, graphs, claimed):
            # The graph would hold the same triples: no publication. Nothing is written, so no ingestion is recorded,
            # no modified date moves, and the store's version (the ETags of pages and dumps) stays.
            return IngestResult(network, graph, mode, len(batch.triples), len(batch.subjects), "", batch.sha256, False,
                                changes, published, written=False)
        activity = f"{graphs.base}id/ingestion/{now.strftime('%Y%m%dT%H%M%S%fZ')}-{batch.sha256[:12]}"
        removed, added = set(stored) - set(after), set(after) - set(stored)
        difference = _difference(graph, removed, added, len(stored))
        operations = list(operations) if difference is None else difference
        operations.append(f"DELETE WHERE {{ GRAPH {iri(graphs.metadata)} {{ {iri(graph)} <{DCTERMS}modified> ?m }} }}")
        records = _provenance(activity, graph, graphs, network, batch, mode, validator.shapes_version, now)
        operations.append(insert_data(graphs.metadata, records))
        if claimed:
            operations.append(ownership.claim_update(graphs, owner, claimed, activity))
        if withdrawn:  # as a retraction: the removed project or lesson answers 410, and others find their links to it
            reason = (f"retiré par un dépôt de la fiche du réseau (mode {mode.value}) : sa ligne n'y est plus" if
                      mode is Mode.TABLES else f"retiré par un dépôt du réseau (mode {mode.value}) : il n'y est plus")
            removal = retraction.removal_record(graphs, network, withdrawn, reason, now)
            operations.append(insert_data(graphs.metadata, removal))
            records = [*records, *removal]
        touched = set() if difference is None else subjects_of(removed | added)
        store.update(" ;\n".join(operations), written=Written(
            graphs=[graph] if difference is None else [],
            subjects={graph, *touched, *subjects_of(records), *ownership.claim_records(graphs, claimed)}))
        # What the write may join or part in the identity graph: the resources whose identifiers, or the type that
        # makes them count, it changes (as a migration's, admin/migration.py).
        update_identity(store, graphs, key_holders(removed | added))
        return IngestResult(network, graph, mode, len(batch.triples), len(batch.subjects), activity, batch.sha256,
                            created, changes, published, withdrawn=withdrawn, links=links)


def _check_none_left_half(batch: Batch, stored: Sequence[Triple], after: Sequence[Triple]) -> None:
    """Refuse a write that leaves a resource without its class but with statements: a project whose row is gone from
    projects.csv while another table sent (fundings.csv, groups.csv…) still names it, published with no type, no
    title, and its lessons kept."""
    typed = {term_value(t.subject) for t in after if t.predicate.value == RDF_TYPE}
    left = {term_value(t.subject) for t in after}
    for t in stored:
        subject = term_value(t.subject)
        if t.predicate.value == RDF_TYPE and subject in left and subject not in typed:
            _, _, en, fr = _where(batch, subject)
            raise UsageError(f"<{subject}> is no longer described (its row is gone from its table), but a table sent "
                             f"still names it{en}: remove those rows too, or keep its row; nothing was stored",
                             f"<{subject}> n'est plus décrit (sa ligne n'est plus dans son tableau), mais un tableau "
                             f"envoyé le nomme encore{fr} : retirez aussi ces lignes, ou gardez la sienne ; rien n'a "
                             "été enregistré")


def _check_whole_sheet(batch: Batch, classes: Collection[str]) -> None:
    """Mode replace takes a network's whole graph from the tables sent: a table left out whose resources the graph
    holds (of these classes) would take them away, and the tables sent would be refused for what links to them ("has
    no class")."""
    held = set(classes)
    missing = [t.file for t in sheet_tables() if t.file not in batch.tables and table_classes([t.file]) & held]
    if missing:
        raise UsageError(f"mode replace replaces the network's whole graph with what is sent, and {', '.join(missing)} "
                         "is missing, whose resources the network publishes (they would be taken away): send the "
                         "whole sheet (a table with its row of titles alone removes all its rows), or use the default "
                         "mode, where a table left out changes nothing; nothing was stored",
                         f"le mode replace remplace tout le graphe du réseau par ce qui est envoyé, et il manque "
                         f"{', '.join(missing)}, dont le réseau publie des ressources (elles seraient retirées) : "
                         "envoyez toute la fiche (un tableau réduit à sa ligne de titres en retire toutes les lignes), "
                         "ou le mode par défaut, où un tableau absent ne change rien ; rien n'a été enregistré")


def _parts_of(store: Store, graphs: Graphs, batch: Batch, withdrawn: Sequence[str],
              after: Sequence[Triple]) -> frozenset[str]:
    """What a write that removes projects or lessons (their rows gone from a table sent) also takes away, as their
    withdrawal does (retraction.plan: a project's lessons, its collection sheet, what is only its own): left, its
    lessons stayed published, drawn from a project answering 410. A batch that still makes something part of what it
    removes (a lesson of the project in the lessons table sent: ownership.PART_OF) is refused at that row: which of
    the two is meant, it cannot say. Its other links to it (a workaround that resolves a lesson) are reported, as
    other networks' are."""
    if not withdrawn:
        return frozenset()
    gone = set(withdrawn)
    for t in batch.triples:
        if t.predicate.value in ownership.PART_OF and isinstance(t.object, NamedNode) and t.object.value in gone \
                and term_value(t.subject) not in gone:
            _, _, en, fr = _where(batch, term_value(t.subject))
            raise UsageError(f"<{term_value(t.subject)}>{en} links to <{t.object.value}>, which this submission "
                             "removes (its row is no longer in its table): remove that link too, or keep the row; "
                             "nothing was stored",
                             f"<{term_value(t.subject)}>{fr} renvoie à <{t.object.value}>, que cet envoi retire (sa "
                             "ligne n'est plus dans son tableau) : retirez aussi ce lien, ou gardez la ligne ; rien "
                             "n'a été enregistré")
    still = {term_value(t.subject) for t in after}
    parts: set[str] = set()
    for resource in withdrawn:
        try:
            parts |= set(retraction.plan(store, graphs, resource).withdrawn)
        except (UsageError, NotFound):  # no network's: nothing of its own to take
            continue
    return frozenset(p for p in parts - gone if p in still and p not in batch.subjects)


def _difference(graph: str, removed: set[Triple], added: set[Triple], held: int) -> list[str] | None:
    """The operations that take out of a graph holding `held` triples what a write removes and put in what it adds:
    a small change to a large graph costs what it changes, not what the graph holds. None (the write's own
    operations are sent, and the graph taken out of the default graph and put back whole) when the difference is
    not smaller than the graph (a first write, a sheet replaced wholesale: measured slower subject by subject), or
    when a triple to take out or put in has a blank node, which DELETE DATA cannot name."""
    if len(removed) + len(added) >= held or any(has_blank_node(t) for t in (*removed, *added)):
        return None
    return [*([delete_data(graph, removed)] if removed else []), insert_data(graph, added)]


def _unrecorded(store: Store, graphs: Graphs, claimed: Sequence[str]) -> bool:
    """Whether a claim would record an owner: some IRI the batch claims has no ownership record yet (the network's own
    IRI is claimed by every batch, and recorded once)."""
    found = ownership.resolve(store, graphs, claimed)
    return any(iri not in found or not found[iri][1] for iri in claimed)


def _graph_write(graph: str, batch: Batch, mode: Mode, sheet: bool, resources: frozenset[str],
                 paths: frozenset[str], kept: frozenset[str], removing: frozenset[str]) -> list[str]:
    """The update operations that write a batch into the network's graph (and to no other graph)."""
    operations = []
    if mode is Mode.REPLACE:
        operations.append(f"DROP SILENT GRAPH {iri(graph)}")
    elif mode is Mode.TABLES or sheet:  # upsert of tables: their rows only, none removed
        again = resources & batch.subjects  # described again: what absent tables state of them stays
        operations.extend(deletions(graph, again, paths, kept) + deletions(graph, resources - again, paths))
    else:
        operations.extend(_delete_descriptions(graph, batch.subjects | removing))
        if removing:  # and what the network's graph says of them elsewhere (a committee naming a removed partner)
            operations.append(f"DELETE {{ GRAPH {iri(graph)} {{ ?s ?p ?r }} }} WHERE {{ VALUES ?r {{ "
                              f"{iris(sorted(removing))} }} GRAPH {iri(graph)} {{ ?s ?p ?r }} }}")
    operations.append(insert_data(graph, batch.triples))
    return operations


def _replaced(stored: list[Triple], batch: Batch, mode: Mode) -> tuple[frozenset[str], frozenset[str]]:
    """The resources an ingestion describes again or removes, and the inverse properties it replaces."""
    if mode is Mode.TABLES:
        return replaced(stored, batch.triples, batch.tables), inverse_paths(batch.tables)
    if mode is Mode.UPSERT and batch.tables:  # the rows sent, each by its table's class; none removed
        return replaced((), batch.triples, batch.tables), inverse_paths(batch.tables)
    if mode is Mode.UPSERT:
        return frozenset(s for s in batch.subjects if "#genid-" not in s), frozenset()
    return frozenset(term_value(t.subject) for t in stored) | batch.subjects, frozenset()


def _typed(triples: Sequence[Triple]) -> dict[str, str]:
    return {term_value(t.subject): term_value(t.object) for t in triples
            if t.predicate.value == RDF_TYPE and term_value(t.object).startswith(ISIC)}


def touched_networks(update: Checked, graphs: Graphs) -> list[str] | None:
    """The network graphs an update names (GRAPH, WITH, INTO, DROP…, by IRI or prefixed name), or None
    when it may write any graph (GRAPH ?var, DROP ALL, ADD / MOVE / COPY)."""
    tokens = update.tokens
    for i, token in enumerate(tokens):
        following = tokens[i + 1:i + 3]
        if token.is_word("ADD", "MOVE", "COPY") \
                or (token.is_word("GRAPH") and following[:1] and following[0].kind == "var") \
                or (token.is_word("DROP", "CLEAR")
                    and any(t.is_word("ALL", "NAMED") for t in following[:1 + following[0].is_word("SILENT")]
                            if following)):
            return None
    prefixes, base = declarations(tokens)
    named = {name for token in tokens if (name := expand(token, prefixes, base)) is not None}
    return sorted(name for name in named if name.startswith(graphs.network_prefix))


def after_raw_update(store: Store, graphs: Graphs, update: Checked, now: datetime.datetime | None = None) -> None:
    """After an update that did not go through ingestion (the administrator's SPARQL update): the network
    graphs it names (all of them, when it may write any) are marked modified now, so that their dumps get
    new ETags and harvesters fetch them again, and the identity graph is recomputed."""
    touched = touched_networks(update, graphs)
    if touched is not None:  # a name that is no IRI names no graph the update could have written
        touched = [graph for graph in touched if is_iri(graph)]
    else:  # every network graph, emptied ones too (CLEAR leaves them): the ones `GRAPH ?g { }` finds below
        touched = store.select(f"SELECT ?g WHERE {{ GRAPH ?g {{ }} FILTER(STRSTARTS(STR(?g), "
                               f"{literal(graphs.network_prefix)})) }}").values("g")
    stamp = literal((now or datetime.datetime.now(datetime.timezone.utc)).isoformat(), XSD + "dateTime")
    metadata = iri(graphs.metadata)
    if touched:  # the subjects settled are the graphs stamped, the emptied ones with the others
        store.update(f"""DELETE {{ GRAPH {metadata} {{ ?g <{DCTERMS}modified> ?m }} }}
INSERT {{ GRAPH {metadata} {{ ?g <{DCTERMS}modified> {stamp} }} }}
WHERE {{ VALUES ?g {{ {iris(touched)} }} GRAPH ?g {{ }}
OPTIONAL {{ GRAPH {metadata} {{ ?g <{DCTERMS}modified> ?m }} }} }}""",
                     written=Written(subjects=touched))
    recompute_identity(store, graphs)


def referenced_types(store: Store, batch: Batch, exclude_graph: str | None,
                     replacing: Collection[str] = ()) -> list[Triple]:
    """rdf:type triples, from the store, of the IRIs the batch points to but does not describe (none read from the
    graphs excluded: those the batch replaces)."""
    subjects = batch.subjects
    objects = (t.object for t in batch.triples if t.predicate.value != RDF_TYPE)
    targets = sorted({o.value for o in objects if isinstance(o, NamedNode) and o.value not in subjects
                      and not o.value.startswith(VOCABULARY_NAMESPACES)})
    found: list[Triple] = []
    excluded = sorted({*replacing, *([exclude_graph] if exclude_graph else [])})
    graph_filter = f"FILTER({' && '.join(f'?g != {iri(g)}' for g in excluded)})" if excluded else ""
    for start in range(0, len(targets), VALUES_CHUNK):
        values = iris(targets[start:start + VALUES_CHUNK])
        rows = store.select(f"SELECT DISTINCT ?s ?t WHERE {{ VALUES ?s {{ {values} }} "
                            f"GRAPH ?g {{ ?s a ?t }} {graph_filter} }}").rows
        found.extend(Triple(row["s"], NamedNode(RDF_TYPE), row["t"]) for row in rows)  # type: ignore[arg-type]
    return found


def pointing_at(store: Store, graph: str, batch: Batch) -> list[Triple]:
    """The descriptions, in a network's graph, of the resources that point at a subject of an upsert but are not
    described again by it (a lesson learned from a project it describes, a sheet describing it, a project carried
    by an organisation it describes): with each, its blank nodes (`#genid-`). An upsert replaces its subjects'
    descriptions, so these must still conform with the new ones (a lesson's project must still be a project)."""
    roots = sorted(s for s in batch.subjects if "#genid-" not in s)
    target = iri(graph)
    holders: set[str] = set()
    for start in range(0, len(roots), VALUES_CHUNK):
        rows = store.select(f"SELECT DISTINCT ?x WHERE {{ VALUES ?r {{ {iris(roots[start:start + VALUES_CHUNK])} }} "
                            f"GRAPH {target} {{ ?x ?p ?r }} FILTER(?p != <{RDF_TYPE}>) }}").rows
        holders.update(term_value(row["x"]).split("#genid-")[0] for row in rows)
    holders = {h for h in holders if h not in batch.subjects and is_iri(h)}
    found: list[Triple] = []
    ordered = sorted(holders)
    for start in range(0, len(ordered), VALUES_CHUNK):
        part = ordered[start:start + VALUES_CHUNK]
        strings = ", ".join(literal(h) for h in part)
        rows = store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {target} {{ ?s ?p ?o }} FILTER(?s IN "
                            f"({', '.join(map(iri, part))}) "
                            f'|| (CONTAINS(STR(?s), "#genid-") && STRBEFORE(STR(?s), "#genid-") IN ({strings}))) '
                            "}").rows
        found.extend(Triple(row["s"], row["p"], row["o"]) for row in rows)  # type: ignore[arg-type]
    return found


def stored_roles(store: Store, batch: Batch, graphs: Graphs, network: str | None, mode: Mode,
                 replacing: Collection[str] = ()) -> list[Triple]:
    """The stored roles that hold the persons the batch describes: their isic:heldBy and rdf:type triples.

    A person may be published in one submission and the role they hold in another; what the ingestion
    is about to replace (the network's graph, or in upsert mode the descriptions of the batch's subjects;
    the graphs `replacing` names) does not count.
    """
    persons = sorted({term_value(t.subject) for t in batch.triples
                      if t.predicate.value == RDF_TYPE and term_value(t.object) in PERSON_CLASSES})
    own = graphs.network(network) if network is not None else None
    found: list[Triple] = []
    for start in range(0, len(persons), VALUES_CHUNK):
        values = iris(persons[start:start + VALUES_CHUNK])
        rows = store.select(f"SELECT DISTINCT ?g ?h ?role ?person ?t WHERE {{ VALUES ?person {{ {values} }} "
                            f"GRAPH ?g {{ ?role <{HELD_BY}> ?person }} GRAPH ?h {{ ?role a ?t }} }}").rows
        for row in rows:
            replaced = mode is Mode.REPLACE or term_value(row["role"]).split("#genid-")[0] in batch.subjects
            if replaced and own in (term_value(row["g"]), term_value(row["h"])):
                continue
            if {term_value(row["g"]), term_value(row["h"])} & set(replacing):
                continue
            found.append(Triple(row["role"], NamedNode(HELD_BY), row["person"]))  # type: ignore[arg-type]
            found.append(Triple(row["role"], NamedNode(RDF_TYPE), row["t"]))  # type: ignore[arg-type]
    return found


def untyped(batch: Batch, store: Store | None, graphs: Graphs, network: str | None,
            messages: dict[str, str] | None = None) -> list[Issue]:
    """The subjects the batch describes with no class (rdf:type): replace and upsert replace a subject's description
    with the batch's, so one without a class would be left with no class, no name, none of its required fields, and
    no shape would check it. (`tables` replaces the rows of its tables, each given its class by its table; what one
    table states of another's resource, a funding's project, leaves that resource's description in place; that resource
    must be the network's already: unknownrefs.py.)
    A row about another's subject that only repeats its identity (ownercheck.py) describes
    nothing and is no such subject; without a store to tell whose a subject is, a subject given only identity
    properties is taken for one. messages: what the issues say (by default, to the author of a submission).
    A blank node is part of the subject it hangs from, and needs no class of its own; one that hangs from no subject
    (a JSON-LD node without `@id`, a Turtle `[]` subject: a `#genid-` node no triple of the batch points at) is a
    resource the network describes, and needs one as any other: it is no reference to another's resource either."""
    typed = {term_value(t.subject) for t in batch.triples if t.predicate.value == RDF_TYPE}
    pointed = {t.object.value for t in batch.triples if isinstance(t.object, NamedNode) and "#genid-" in t.object.value}
    top = {s for s in batch.subjects if "#genid-" in s and s not in pointed}
    without = sorted(s for s in batch.subjects if ("#genid-" not in s or s in top) and s not in typed)
    if not without:
        return []
    if store is not None and network is not None:
        mine = ownership.network(graphs, network)
        others = {s for s, (owner, _) in ownership.resolve(store, graphs, without).items()
                  if owner != mine and s not in top}
    else:
        others = {s for s in without if s not in top and all(
            t.predicate.value in ownership.IDENTITY for t in batch.triples if term_value(t.subject) == s)}
    # an IRI that is personal data (`https://t.me/jeandupont`) is reported as such, masked: never named here
    return [Issue(s, RDF_TYPE, None, messages or UNTYPED, TYPED_COMPONENT) for s in without
            if s not in others and not personal_data_in_iri(s)]


UNTYPED = {"fr": "Cette ressource n'a pas de classe (rdf:type) : un envoi remplace la description enregistrée d'une "
                 "ressource par la sienne, en entier (dans tous les modes, upsert compris) ; donnez sa classe "
                 "(isic:Project, isic:Organisation, isic:Lesson…) et tous ses champs obligatoires, avec le champ "
                 "ajouté ou modifié.",
           "en": "This resource has no class (rdf:type): a submission replaces a resource's stored description with "
                 "its own, whole (in every mode, upsert included); give its class (isic:Project, isic:Organisation, "
                 "isic:Lesson…) and all its required fields, with the field added or changed."}
TYPED_COMPONENT = "https://w3id.org/isic/shapes#TypedResourceConstraintComponent"


def _issues(batch: Batch, store: Store | None, graphs: Graphs, exclude_graph: str | None) -> list[Issue]:
    """What the shapes cannot see: SIRETs whose key is wrong, and (with a store) links to unknown lessons."""
    found = [Issue(k.subject, k.predicate, Literal(k.value), k.messages(), KEY_COMPONENT)
             for k in wrong_keys(batch.triples)]
    if store is not None:
        found += [Issue(d.subject, d.predicate, NamedNode(d.target), d.messages(), KNOWN_COMPONENT)
                  for d in dangling(store, graphs, batch, exclude_graph)]
    return found


def _check_vocabulary_untouched(batch: Batch, graphs: Graphs) -> None:
    """Data only: no statement about a vocabulary's term (the shared vocabulary's, or a well-known one's, in any
    spelling: NotOwner, the instance's), no look-alike of a term as a property or a class (LookalikeTerm), no IRI
    whose host names none (UsageError), no shapes (the server's are the only ones), no imports."""
    first: dict[str, str] = {}  # each IRI, in any position, and the subject of its first triple (to locate it)
    properties: dict[str, str] = {}  # each property and class, the same
    for t in batch.triples:
        subject = term_value(t.subject)
        if isinstance(t.subject, NamedNode):
            first.setdefault(subject, subject)
        first.setdefault(t.predicate.value, subject)
        properties.setdefault(t.predicate.value, subject)
        if isinstance(t.object, NamedNode):
            first.setdefault(t.object.value, subject)
            if t.predicate.value == RDF_TYPE:
                properties.setdefault(t.object.value, subject)
    own = not describes_vocabulary_term(graphs.base)  # the IRIs written with the base are no vocabulary's terms
    for value, subject in first.items():
        if not (own and value.startswith(graphs.base)):
            _check_host(batch, value, subject)
    for subject in sorted(batch.subjects):
        if not (own and subject.startswith(graphs.base)) and (
                subject.startswith(VOCABULARY_NAMESPACES) or describes_vocabulary_term(subject)):
            raise _vocabulary_refusal(batch, graphs, subject)
    for value, subject in properties.items():
        _check_spelling(batch, value, subject)
    for t in batch.triples:  # a SHACL term in any position (a type, a property, a superclass…), or an import
        used = next((term.value for term in (t.predicate, t.object, t.subject)
                     if isinstance(term, NamedNode) and (term.value.startswith(SH) or term.value == OWL_IMPORTS)),
                    None)
        if used is not None:
            raise UsageError(f"<{term_value(t.subject)}> uses <{used}>: submissions hold data only; the shapes "
                             "that check them are the server's own, and nothing is imported",
                             f"<{term_value(t.subject)}> utilise <{used}> : un envoi ne contient que des données ; "
                             "les formes qui les vérifient sont celles du serveur, et rien n'est importé")


def _where(batch: Batch, subject: str) -> tuple[str | None, str | None, str, str]:
    """Where a subject comes from in a sheet (file and row, in English, then in French), and the same as an aside
    in English and French (None and "" for a Turtle or JSON-LD file, which has no rows)."""
    where = batch.locations.get(subject) or batch.locations.get(subject.split("#genid-")[0])
    if where is None:
        return None, None, "", ""
    return where.describe("en"), where.describe("fr"), f" ({where.describe('en')})", f" ({where.describe('fr')})"


def _vocabulary_refusal(batch: Batch, graphs: Graphs, subject: str) -> NotOwner:
    """A statement about a vocabulary's term: the instance's, which alone describes it (its ontology, the well-known
    vocabularies it uses), whoever states it and in whatever spelling."""
    row, row_fr, en, fr = _where(batch, subject)
    return NotOwner(f"<{subject}> belongs to the shared vocabulary or to a vocabulary it uses, which no network can "
                    f"redefine: this instance alone describes its terms{en}; nothing was stored",
                    subject, graphs.base, row,
                    fr=f"<{subject}> appartient au vocabulaire commun ou à un vocabulaire qu'il emploie, qu'aucun "
                       f"réseau ne peut redéfinir : cette instance seule en décrit les termes{fr} ; rien n'a été "
                       "enregistré", row_fr=row_fr)


def _check_host(batch: Batch, value: str, subject: str) -> None:
    problem = host_problem(value)
    if problem is not None:
        _, _, en, fr = _where(batch, subject)
        raise UsageError(f"<{value}> is not an IRI this server takes: {problem[0]}{en}; nothing was stored",
                         f"<{value}> n'est pas une IRI que ce serveur accepte : {problem[1]}{fr} ; rien n'a été "
                         "enregistré")


def _check_spelling(batch: Batch, value: str, subject: str) -> None:
    """A property or class of a vocabulary is written as the vocabulary writes it: a look-alike (`HTTP://WWW.W3.ORG/…`,
    `https://www.w3.org/…`, `owl#%73ameAs`, `http://schema.org/…`, `owl#SameAs`) would pass for the term with its
    readers while every check here reads it as another IRI."""
    spelling = lookalike_of(value)
    if spelling is not None:
        row, row_fr, en, fr = _where(batch, subject)
        raise LookalikeTerm(f"<{value}> is a look-alike of <{spelling}>, spelt otherwise{en}: write <{spelling}>; "
                            "nothing was stored", value, spelling, row,
                            fr=f"<{value}> imite <{spelling}>, écrit autrement{fr} : écrivez <{spelling}> ; rien n'a "
                               "été enregistré", row_fr=row_fr)


@cache
def declared_terms() -> frozenset[str]:
    """The terms the shared ontology declares: every IRI of its namespace it describes (classes, properties, the
    first edition's deprecated terms, still read)."""
    return frozenset(t.subject.value for t in resources.ontology_triples()
                     if isinstance(t.subject, NamedNode) and t.subject.value.startswith(ISIC))


def check_declared(batch: Batch) -> None:
    """A property or class in the ontology's namespace is one it declares: `modalite`, `titre` or `Modalities` in
    its namespace would be published as a statement no page, query or peer reads (new data only: data stored
    before a term was withdrawn is kept). The refusal names the term, the resource and the declared term it may
    be."""
    declared = declared_terms()
    for t in batch.triples:
        for term, is_property in ((t.predicate, True), (t.object if t.predicate.value == RDF_TYPE else None, False)):
            if isinstance(term, NamedNode) and term.value.startswith(ISIC) and term.value not in declared:
                raise _undeclared(batch, term.value, term_value(t.subject), is_property)


def _undeclared(batch: Batch, term: str, subject: str, is_property: bool) -> UndeclaredTerm:
    name = term[len(ISIC):]
    names = sorted(iri[len(ISIC):] for iri in declared_terms())
    same_kind = [n for n in names if n[:1].islower() == is_property] or names
    close = next((n for n in names if n.lower() == name.lower()), None) or next(
        iter(difflib.get_close_matches(name, same_kind, n=1, cutoff=0.6)), None) or next(
        iter(difflib.get_close_matches(name.lower(), [n.lower() for n in same_kind], n=1, cutoff=0.6)), None)
    if close is not None and close not in names:  # found in lower case: the declared spelling
        close = next(n for n in same_kind if n.lower() == close)
    row, row_fr, en, fr = _where(batch, subject)
    kind_en, kind_fr = ("property", "La propriété") if is_property else ("class", "La classe")
    hint_en = f"; did you mean isic:{close} (<{ISIC}{close}>)?" if close else "."
    hint_fr = f" ; vouliez-vous dire isic:{close} (<{ISIC}{close}>) ?" if close else "."
    return UndeclaredTerm(f"The {kind_en} isic:{name} (<{term}>) of <{subject}>{en} is not declared by the ontology"
                          f"{hint_en} A term of the ontology's namespace is one it declares; nothing was stored",
                          term, subject, None if close is None else ISIC + close, row,
                          fr=f"{kind_fr} isic:{name} (<{term}>) de <{subject}>{fr} n'est pas déclarée par "
                             f"l'ontologie{hint_fr} Un terme de l'espace de noms de l'ontologie est un terme qu'elle "
                             "déclare ; rien n'a été enregistré", row_fr=row_fr)


def _check_attribution(batch: Batch, graphs: Graphs, network: str) -> None:
    expected = graphs.network_resource(network)
    for t in batch.triples:
        if t.predicate.value == PROV + "wasAttributedTo" and term_value(t.object) != expected \
                and term_value(t.object).startswith(graphs.base + "id/network/"):
            row, row_fr, en, fr = _where(batch, term_value(t.subject))  # a sheet's `reseau` cell: its file and row
            if row is not None and row_fr is not None:  # a sheet: said in its words
                said = unquote(term_value(t.object).rsplit("/", 1)[-1])
                raise UsageError(f"[{row}] the network is '{said}', but the sheet is sent for network "
                                 f"'{network}': write '{network}' in the column 'reseau', or send the sheet with "
                                 f"'{said}''s token",
                                 f"[{row_fr}] le réseau est « {said} », mais la fiche est envoyée pour le réseau "
                                 f"« {network} » : écrivez « {network} » dans la colonne « reseau », ou envoyez la "
                                 f"fiche avec le jeton de « {said} »")
            raise UsageError(f"<{term_value(t.subject)}>{en} is attributed to <{term_value(t.object)}>, "
                             f"but the submission is for network {network!r} (<{expected}>)",
                             f"<{term_value(t.subject)}>{fr} est attribué à <{term_value(t.object)}>, "
                             f"mais l'envoi est celui du réseau « {network} » (<{expected}>)")


def _delete_descriptions(graph: str, subjects: frozenset[str]) -> list[str]:
    roots = sorted(s for s in subjects if "#genid-" not in s)
    operations = []
    target = iri(graph)
    for start in range(0, len(roots), VALUES_CHUNK):
        values = iris(roots[start:start + VALUES_CHUNK])
        operations.append(f"DELETE {{ GRAPH {target} {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s {{ {values} }} "
                          f"GRAPH {target} {{ ?s ?p ?o }} }}")
        strings = ", ".join(literal(s) for s in roots[start:start + VALUES_CHUNK])
        operations.append(f"DELETE {{ GRAPH {target} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {target} {{ ?s ?p ?o }} "
                          f'FILTER(CONTAINS(STR(?s), "#genid-") && STRBEFORE(STR(?s), "#genid-") IN ({strings})) }}')
    return operations


def _provenance(activity: str, graph: str, graphs: Graphs, network: str, batch: Batch, mode: Mode,
                shapes_version: str, now: datetime.datetime) -> list[Triple]:
    a, g, net = NamedNode(activity), NamedNode(graph), NamedNode(graphs.network_resource(network))
    source = NamedNode(f"ni:///sha-256;{batch.sha256}")
    shapes = NamedNode(f"{SHAPES_IRI}/{shapes_version}")
    stamp = _literal(now.isoformat(), XSD + "dateTime")

    def t(s: NamedNode, p: str, o: NamedNode | Literal) -> Triple:
        return Triple(s, NamedNode(p), o)

    return [
        t(a, RDF_TYPE, NamedNode(PROV + "Activity")),
        t(a, PROV + "endedAtTime", stamp),
        t(a, PROV + "wasAssociatedWith", net),
        t(a, PROV + "used", source),
        t(a, PROV + "used", shapes),
        t(a, DCTERMS + "type", _literal(mode.value)),
        t(a, VOID + "triples", _literal(str(len(batch.triples)), XSD + "integer")),
        t(source, RDF_TYPE, NamedNode(PROV + "Entity")),
        t(source, DCTERMS + "identifier", _literal(f"sha256:{batch.sha256}")),
        *[t(source, DCTERMS + "source", _literal(doc.name)) for doc in batch.sources],
        t(shapes, RDF_TYPE, NamedNode(PROV + "Entity")),
        t(shapes, OWL + "versionInfo", _literal(shapes_version)),
        t(g, PROV + "wasGeneratedBy", a),
        t(g, PROV + "wasAttributedTo", net),
        t(g, DCTERMS + "modified", stamp),
    ]


def _literal(value: str, datatype: str | None = None) -> Literal:
    return Literal(value, datatype=NamedNode(datatype)) if datatype else Literal(value)


