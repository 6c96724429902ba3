"""Submitted documents read into a batch of triples: parsing (never fetching anything), JSON-LD contexts,
blank-node skolemisation."""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
import unicodedata
from functools import cache, lru_cache
from typing import IO, Any, Iterable, Iterator, Mapping, Sequence
from xml.etree import ElementTree

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, RdfFormat, Triple, parse, serialize

from isic_graph.errors import DocumentTooLarge, ParseError, UndefinedKey, UsageError
from isic_graph.ingest.documents import (
    ESCAPE,
    JSON_STRING,
    LIMITS,
    LOCATION,
    MARKS,
    Batch,
    Document,
    DocumentLimits,
)
from isic_graph.ingest.tabular import read_tables
from isic_graph.privacy import personal_data
from isic_graph.rdf import resources
from isic_graph.rdf.context import document_loader
from isic_graph.rdf.formats import CONTROL, Format
from isic_graph.rdf.namespaces import CONTEXT_IRI
from isic_graph.sparql.guard import deepest_nesting
from isic_graph.store.results import term_value
from isic_graph.validation.validator import Location

MAX_NAME = 255  # characters of a file's name: what file systems allow
BOM = "\ufeff".encode()  # a byte-order mark in UTF-8
SURROGATE = re.compile("[\ud800-\udfff]")  # half of a UTF-16 pair, which JSON's \\u escapes can write alone
HIDDEN = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))  # control, format (invisible), unassigned characters


def read_batch(documents: Sequence[Document], base_iri: str, limits: DocumentLimits = LIMITS,
               top: str | None = None) -> Batch:
    """Parse every document of a submission into one skolemised batch of triples, within the limits; top: the IRI
    a blank node that hangs from no subject is part of (a network's submission: the network's own, see skolemise)."""
    if not documents:
        raise UsageError("nothing to ingest: no file given", "rien à publier : aucun fichier n'est donné")
    _refuse_unfit_names(documents)

    triples: list[Triple] = []
    tabular = [d for d in documents if d.format.rdf_format is None]
    locations: Mapping[str, Location] = {}
    columns: Mapping[tuple[str, str, str, str], str] = {}
    present: frozenset[str] = frozenset()
    if tabular:
        table_batch = read_tables(tabular, base_iri, limits)
        triples.extend(table_batch.triples)
        locations, columns = table_batch.locations, table_batch.columns
        present = table_batch.tables
    for doc in documents:
        if doc.format.rdf_format is not None:
            for triple in _read(doc, base_iri, limits):
                if len(triples) >= limits.max_triples:
                    raise DocumentTooLarge(f"the submission holds more than {limits.max_triples} triples; "
                                           "split it into several submissions",
                                           f"l'envoi contient plus de {limits.max_triples} triplets ; "
                                           "répartissez-le en plusieurs envois")
                triples.append(triple)
    return Batch(tuple(skolemise(triples, base_iri, top)), tuple(documents), locations, columns, present)


def _refuse_unfit_names(documents: Sequence[Document]) -> None:
    """A file's name is published with what it brought (the ingestion's `dcterms:source`): it holds no personal data
    either, no control or invisible character (NUL, a right-to-left override that shows it reversed), and is no longer
    than a file system allows. Refused naming the file's rank and what is wrong, never the name."""
    for number, doc in enumerate(documents, start=1):
        if len(doc.name) > MAX_NAME or any(unicodedata.category(c) in HIDDEN for c in doc.name):
            raise UsageError(f"the name of file {number} of {len(documents)} is longer than {MAX_NAME} characters or "
                             "holds a control or invisible character; rename the file",
                             f"le nom du fichier {number} sur {len(documents)} dépasse {MAX_NAME} caractères ou "
                             "contient un caractère de contrôle ou invisible ; renommez le fichier")
        if kinds := personal_data(doc.name):
            en, fr = " and ".join(k.en for k in kinds), " et ".join(k.fr for k in kinds)
            raise UsageError(f"the name of file {number} of {len(documents)} holds {en}; rename the file: a file's "
                             "name is published with the data, and no personal data is published here (groups, not "
                             "people)",
                             f"le nom du fichier {number} sur {len(documents)} contient {fr} ; renommez le fichier : "
                             "son nom est publié avec les données, et aucune donnée personnelle n'est publiée ici "
                             "(des groupes, pas des personnes)")


def parse_document(doc: Document, base_iri: str, limits: DocumentLimits = LIMITS) -> list[Triple]:
    """Parse one RDF document into triples; datasets, remote JSON-LD contexts and oversized content are refused."""
    triples: list[Triple] = []
    for triple in _read(doc, base_iri, limits):
        if len(triples) >= limits.max_triples:
            raise DocumentTooLarge(f"{doc.name} holds more than {limits.max_triples} triples; "
                                   "split it into several submissions",
                                   f"{doc.name} contient plus de {limits.max_triples} triplets ; "
                                   "répartissez-le en plusieurs envois")
        triples.append(triple)
    return triples


def _read(doc: Document, base_iri: str, limits: DocumentLimits) -> Iterator[Triple]:
    """The triples of one RDF document, each checked as it is parsed; pyoxigraph's errors become ours."""
    if doc.format.dataset:
        raise UsageError(f"{doc.name}: {doc.format.name} holds named graphs; submit Turtle, N-Triples or JSON-LD "
                         "(the graph is chosen by the network)",
                         f"{doc.name} : le format {doc.format.name} contient des graphes nommés ; envoyez du Turtle, "
                         "du N-Triples ou du JSON-LD (le graphe est celui du réseau)")
    text = _check_text(doc, limits)
    jsonld = doc.format.name == "jsonld"
    # a byte-order mark (Notepad's, LibreOffice's UTF-8 with BOM) is no character of the text: read without it
    data = _inline_contexts(doc.name, text, limits) if jsonld else doc.data.removeprefix(BOM)
    if jsonld:
        _check_keys(doc.name, data, base_iri)
    yield from read_stream(doc.name, doc.format, data, base_iri, limits, positions=not jsonld)


def read_stream(name: str, fmt: Format, source: bytes | IO[bytes], base_iri: str,
                limits: DocumentLimits = LIMITS, positions: bool = True) -> Iterator[Triple]:
    """The triples of an RDF graph document read as it is parsed (from bytes, or from a file a block at a
    time), each term checked; pyoxigraph's errors become ours. positions: the errors give line and column."""
    try:
        for quad in parse(source, format=fmt.rdf_format, base_iri=base_iri):
            if not isinstance(quad.graph_name, DefaultGraph):
                raise _named_graph(name, quad.graph_name)
            triple = quad.triple
            _check_terms(name, triple, limits)
            yield triple
    except SyntaxError as exc:
        detail = _shown(LOCATION.sub("", exc.msg), 300)
        if exc.lineno is None or not positions:  # JSON-LD is parsed as normalised by _inline_contexts: no position
            raise ParseError(f"{name} is not valid {fmt.name}: {detail}",
                             f"le fichier {name} n'est pas du {fmt.label} lisible ; {_reader_said(detail)}") from None
        raise ParseError(f"{name} is not valid {fmt.name} at line {exc.lineno}, column {exc.offset}: "
                         f"{detail}", f"le fichier {name} n'est pas du {fmt.label} lisible, ligne {exc.lineno}, "
                                  f"colonne {exc.offset} ; {_reader_said(detail)}") from None
    except MemoryError:  # pyoxigraph's buffer limit (16 MiB) for one token
        raise DocumentTooLarge(f"{name} holds a token (a literal or an IRI) too large to read",
                               f"{name} contient un terme (un texte ou une IRI) trop grand pour être lu") from None
    except ValueError as exc:
        raise ParseError(f"{name} could not be read: {_shown(str(exc), 300)}",
                         f"le fichier {name} ne peut pas être lu ; {_reader_said(_shown(str(exc), 300))}") from None


def _named_graph(name: str, graph: NamedNode | BlankNode) -> ParseError:
    """A graph document's statements put in a named graph (JSON-LD: an object holding both `@graph` and `@id`, or
    `@graph` inside a node): the graph is the network's, chosen by where the document is sent, never by it."""
    shown = f"<{_shown(graph.value)}>" if isinstance(graph, NamedNode) else "sans nom"
    shown_en = f"<{_shown(graph.value)}>" if isinstance(graph, NamedNode) else "without a name"
    return ParseError(f"{name} puts statements in a named graph ({shown_en}: a JSON-LD object holding both @graph and "
                      "@id, or @graph inside a node); send them in the default graph (drop that object's @id, or "
                      "put its @graph at the top): the graph they go to is the one they are sent to",
                      f"{name} place des énoncés dans un graphe nommé ({shown} : un objet JSON-LD qui a à la fois "
                      "@graph et @id, ou un @graph dans un nœud) ; envoyez-les dans le graphe par défaut (retirez "
                      "l'@id de cet objet, ou mettez son @graph au premier niveau) : le graphe où ils vont est celui "
                      "où ils sont envoyés")


def _reader_said(detail: str) -> str:
    """The parser's own words (in English: it has no others), framed in French as what the reader said."""
    return f"le lecteur RDF dit, en anglais : « {detail} »"


def _check_terms(name: str, triple: Triple, limits: DocumentLimits) -> None:
    """Refuse RDF 1.2 triple terms and directional literals (nothing downstream reads them) and literals or IRIs past
    the limits."""
    if not _writable_property(triple.predicate.value):
        shown = _shown(triple.predicate.value)
        raise ParseError(f"{name}: the property <{shown}> cannot be written in RDF/XML, one of the formats this "
                         "instance publishes: its IRI must end with a name that starts with a letter or _ (…/name, "
                         "…#name)",
                         f"{name} : la propriété <{shown}> ne peut pas être écrite en RDF/XML, un des formats que "
                         "publie cette instance : son IRI doit finir par un nom qui commence par une lettre ou _ "
                         "(…/nom, …#nom)")
    for term in (triple.subject, triple.predicate, triple.object):
        if isinstance(term, Triple):
            raise ParseError(f"{name}: RDF 1.2 triple terms and reified triples (<< … >>) are not accepted; "
                             "describe the statement with plain triples",
                             f"{name} : les triplets RDF 1.2 imbriqués (<< … >>) ne sont pas acceptés ; décrivez "
                             "l'énoncé par des triplets simples")
        if isinstance(term, Literal):
            if getattr(term, "direction", None) is not None:  # "…"@ar--rtl: rdflib, which validates, cannot read it
                raise ParseError(f"{name}: RDF 1.2 literals with a base direction (@{term.language}--{term.direction}) "
                                 "are not accepted; write the language tag alone",
                                 f"{name} : les textes RDF 1.2 avec une direction (@{term.language}--"
                                 f"{term.direction}) ne sont pas acceptés ; écrivez l'étiquette de langue seule")
            control = CONTROL.search(term.value)
            if control:  # written as an escape (\u0000): the text read, not the file, holds it
                subject, where = _shown(term_value(triple.subject)), _shown(triple.predicate.value)
                raise ParseError(f"{name}: a literal of <{subject}> <{where}> holds the control character "
                                 f"U+{ord(control.group()):04X}; text may not hold control characters",
                                 f"{name} : un texte de <{subject}> <{where}> contient le caractère de contrôle "
                                 f"U+{ord(control.group()):04X} ; un texte ne peut pas en contenir")
            if len(term.value) > limits.max_literal:
                raise DocumentTooLarge(f"{name}: a literal of <{_shown(term_value(triple.subject))}> "
                                       f"<{_shown(triple.predicate.value)}> is longer than {limits.max_literal} "
                                       "characters", f"{name} : un texte de <{_shown(term_value(triple.subject))}> "
                                       f"<{_shown(triple.predicate.value)}> a plus de {limits.max_literal} "
                                       "caractères")
            iri = term.datatype.value
        else:
            iri = term.value if isinstance(term, NamedNode) else ""
        if len(iri) > limits.max_iri:
            raise DocumentTooLarge(f"{name}: the IRI <{_shown(iri)}> is longer than {limits.max_iri} characters",
                                   f"{name} : l'IRI <{_shown(iri)}> a plus de {limits.max_iri} caractères")


@lru_cache(maxsize=4096)
def _writable_property(iri: str) -> bool:
    """Whether RDF/XML, as the dumps and pages write it, names this property with a well-formed element (an IRI
    ending in `/`, `#`, `:` or digits leaves it no name)."""
    written = serialize([Triple(NamedNode("urn:x:s"), NamedNode(iri), Literal("v"))], format=RdfFormat.RDF_XML)
    try:
        ElementTree.fromstring(written or b"")
    except ElementTree.ParseError:
        return False
    return True


def _check_text(doc: Document, limits: DocumentLimits) -> str:
    """The document's text, once invalid UTF-8, control characters (NUL…) and deep nesting are refused."""
    try:
        text = doc.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(doc.data[:exc.start].decode("utf-8"), exc.start)
        raise ParseError(f"{doc.name}: invalid UTF-8 (byte 0x{doc.data[exc.start]:02X}) at line {line}, "
                         f"column {column}; save the file as UTF-8",
                         f"{doc.name} : UTF-8 invalide (octet 0x{doc.data[exc.start]:02X}) ligne {line}, "
                         f"colonne {column} ; enregistrez le fichier en UTF-8") from None
    control = CONTROL.search(text)
    if control:
        line, column = _position(text, control.start())
        raise ParseError(f"{doc.name}: control character U+{ord(control.group()):04X} at line {line}, "
                         f"column {column}; text fields may not hold control characters",
                         f"{doc.name} : caractère de contrôle U+{ord(control.group()):04X} ligne {line}, "
                         f"colonne {column} ; un texte ne peut pas en contenir")
    neutral = ESCAPE.sub("__", text)  # same length: same offsets
    if sum(map(neutral.count, MARKS)) > limits.max_marks:  # counted at C speed, before the scan in Python
        raise DocumentTooLarge(f"{doc.name} is too large to read: more than {limits.max_marks} brackets, quotes "
                               "and IRIs; split it into several submissions",
                               f"{doc.name} est trop grand pour être lu : plus de {limits.max_marks} crochets, "
                               "guillemets et IRI ; répartissez-le en plusieurs envois")
    depth, where = deepest_nesting(neutral, limits.max_depth)
    if depth > limits.max_depth:
        line, column = _position(text, where)
        raise ParseError(f"{doc.name} nests more than {limits.max_depth} levels deep (line {line}, column {column})",
                         f"{doc.name} imbrique plus de {limits.max_depth} niveaux (ligne {line}, colonne {column})")
    return text


def _position(text: str, offset: int) -> tuple[int, int]:
    """Line and column (both from 1) of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _shown(text: str, size: int = 80) -> str:
    """A submitted value as an error message quotes it: cut to a readable length."""
    return text if len(text) <= size else text[:size] + "…"


@cache
def _context() -> Any:
    return json.loads(resources.context_file().read_text(encoding="utf-8"))["@context"]


def _inline_contexts(name: str, text: str, limits: DocumentLimits) -> bytes:
    """The JSON-LD document as pyoxigraph will parse it: the project's context inlined, every other refused.

    The document is written again from what was checked (so duplicate keys or NaN cannot make the
    checked and the parsed documents differ); `@context` is looked for everywhere, including the
    scoped contexts of term definitions.
    """
    values = JSON_STRING.sub("", ESCAPE.sub("__", text))
    if values.count(",") + values.count(":") + 1 > limits.max_json_values:  # members and elements, roughly
        raise DocumentTooLarge(f"{name} holds more than {limits.max_json_values} JSON values; "
                               "split it into several submissions", f"{name} contient plus de "
                               f"{limits.max_json_values} valeurs JSON ; répartissez-le en plusieurs envois")

    def refuse_constant(constant: str) -> Any:
        raise ParseError(f"{name}: JSON has no {constant}; write numbers as numbers",
                         f"{name} : {constant} n'existe pas en JSON ; écrivez les nombres comme des nombres")

    def finite(number: str) -> float:
        value = float(number)
        if not math.isfinite(value):
            raise ParseError(f"{name}: the number {_shown(number, 40)} is out of range",
                             f"{name} : le nombre {_shown(number, 40)} est hors limites")
        return value

    try:
        tree = json.loads(text.removeprefix("\ufeff"), parse_constant=refuse_constant, parse_float=finite)
    except json.JSONDecodeError as exc:
        raise ParseError(f"{name} is not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                         f"{name} n'est pas du JSON valide, ligne {exc.lineno}, colonne {exc.colno}") from None
    except ValueError:  # an integer of thousands of digits: Python refuses to convert it
        raise ParseError(f"{name} holds a number too long to read",
                         f"{name} contient un nombre trop long pour être lu") from None
    except RecursionError:  # nesting was measured before; this is the last safety net
        raise ParseError(f"{name} nests too deeply to be read", f"{name} est trop imbriqué pour être lu") from None

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(x) for x in node]
        if isinstance(node, str):
            return whole(node)
        if not isinstance(node, dict):
            return node
        return {whole(key): _resolve_context(name, value) if key == "@context" else walk(value)
                for key, value in node.items()}

    def whole(text: str) -> str:
        """A text of the document, refused when it holds half of a UTF-16 pair (`"\\ud800"` alone): no character,
        which the RDF reader took for a document cut short."""
        lone = SURROGATE.search(text)
        if lone:
            code = f"\\u{ord(lone.group()):04x}"
            shown = _shown(SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text), 40)
            raise ParseError(f"{name}: the text {shown!r} holds {code}, half of a UTF-16 pair without its other half: "
                             "no character; write the character itself",
                             f"{name} : le texte « {shown} » contient {code}, une moitié de paire UTF-16 sans "
                             "l'autre : ce n'est pas un caractère ; écrivez le caractère lui-même")
        return text

    return json.dumps(walk(tree)).encode("utf-8")


def _check_keys(name: str, data: bytes, base_iri: str) -> None:
    """Refuse a JSON-LD document holding a key that is neither a keyword, nor a term of its context, nor an IRI
    (`titel`, `modalités`): JSON-LD drops such a key and its value without a word, and the value would be lost.
    Expansion (pyld's, as the JSON-LD API defines it) tells them, with every context the document scopes."""
    from pyld import jsonld as pyld

    dropped: list[str] = []

    def on_dropped(key: Any) -> None:
        if isinstance(key, str) and key not in dropped:  # (`@foo`, no keyword: JSON-LD ignores it, and its value)
            dropped.append(key)

    tree = json.loads(data)
    keyword_like = _keyword_like(tree)  # (read before expansion, which may take the tree apart)
    stating = len(_top_objects(tree)[1])
    try:
        expanded = pyld.expand(tree, {"documentLoader": document_loader, "base": base_iri},
                               on_property_dropped=on_dropped)
    except Exception as exc:  # noqa: BLE001 — pyld fails on some documents with KeyError…: on errors of theirs
        # ({"@context": {"@id": null, "@language": null}}), which pyoxigraph, reading it next, says in its words; and
        # on some it reads (`"@vocab": null`), whose dropped keys then went unseen: those are refused
        if _reads_as_json_ld(data, base_iri):
            raise ParseError(f"{name}: this JSON-LD could not be read whole to make sure that none of its keys would "
                             f"be dropped (the JSON-LD processor says: {_shown(repr(exc), 120)}); write its context "
                             f"without what it stumbles on (`\"@vocab\": null`, for one), or use the project's "
                             f"context ({CONTEXT_IRI}); nothing was stored",
                             f"{name} : ce JSON-LD n'a pu être lu en entier pour vérifier qu'aucune de ses clés ne "
                             f"serait perdue (le lecteur JSON-LD dit : {_shown(repr(exc), 120)}) ; écrivez son "
                             f"contexte sans ce qui l'arrête (`\"@vocab\": null`, par exemple), ou utilisez le "
                             f"contexte du projet ({CONTEXT_IRI}) ; rien n'a été enregistré") from None
        return
    if not dropped:
        dropped += keyword_like or _dropped_when_made_rdf(name, expanded)
    if not dropped and isinstance(expanded, list) and len(expanded) < stating:  # one is missing: which?
        _refuse_floating(name, json.loads(data), base_iri)
    if not dropped:
        return
    key = dropped[0]
    terms = [t for t in _context() if not t.startswith("@") and isinstance(_context()[t], (str, dict))
             and ":" not in t]
    close = difflib.get_close_matches(key, terms, n=1, cutoff=0.6) or \
        difflib.get_close_matches(_plain_key(key), terms, n=1, cutoff=0.6)
    more = f" (and {len(dropped) - 1} more: {', '.join(_shown(k, 40) for k in dropped[1:5])})" if len(dropped) > 1 \
        else ""
    more_fr = f" (et {len(dropped) - 1} de plus : {', '.join(_shown(k, 40) for k in dropped[1:5])})" \
        if len(dropped) > 1 else ""
    hint = f"; did you mean {close[0]!r}?" if close else "."
    hint_fr = f" ; vouliez-vous dire « {close[0]} » ?" if close else "."
    shown = _shown(key, 80)
    raise UndefinedKey(f"{name}: the key {shown!r}{more} is no term of the JSON-LD context and no IRI: its value "
                       f"would be dropped{hint} Write a term of the context ({CONTEXT_IRI}) or a full IRI; nothing "
                       "was stored", _shown(key, 200), close[0] if close else None,
                       fr=f"{name} : la clé « {shown} »{more_fr} n'est ni un terme du contexte JSON-LD ni une IRI : "
                          f"sa valeur serait perdue{hint_fr} Écrivez un terme du contexte ({CONTEXT_IRI}) ou une IRI "
                          "complète ; rien n'a été enregistré")


def _keyword_like(tree: Any) -> list[str]:
    """The keys written as a keyword that JSON-LD 1.1 does not define (`@foo`, `@Titre`), outside contexts:
    expansion ignores them and their values, without calling them dropped."""
    from pyld import jsonld as pyld

    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key.startswith("@") and key not in pyld.KEYWORDS and key not in found:
                    found.append(key)
                if key != "@context":
                    walk(value)

    walk(tree)
    return found


def _top_objects(tree: Any) -> tuple[Any, list[dict[str, Any]]]:
    """The context over a document's top objects (those of its top list, or of its top `@graph`), and those of them
    that state something: each is one node once expanded, unless JSON-LD drops it whole (`{"@id": …}` alone states
    nothing, and is dropped harmlessly)."""
    if isinstance(tree, dict) and set(tree) <= {"@context", "@graph"} and isinstance(tree.get("@graph"), list):
        context, items = tree.get("@context"), tree["@graph"]
    elif isinstance(tree, list):
        context, items = None, tree
    else:
        return None, []
    return context, [item for item in items if isinstance(item, dict) and set(item) - {"@context", "@id"}]


def _refuse_floating(name: str, tree: Any, base_iri: str) -> None:
    """Refuse a document one of whose top objects JSON-LD drops whole, with no word from the processor: a list or a
    value on its own (`{"@list": [{…a node…}]}`), and every node it holds. Each top object is expanded alone, to name
    it (only once the expanded document was found to miss one)."""
    from pyld import jsonld as pyld

    context, stating = _top_objects(tree)
    for item in stating:
        own = {k: v for k, v in item.items() if k != "@context"}
        scoped = [c for c in (context, item.get("@context")) if c is not None]
        alone = {"@context": scoped if len(scoped) > 1 else scoped[0], **own} if scoped else own
        if not pyld.expand(alone, {"documentLoader": document_loader, "base": base_iri}):
            shown = _shown(json.dumps(own, ensure_ascii=False), 80)
            raise ParseError(f"{name}: the object {shown} at the top of the document is a list or a value on its own, "
                             "which JSON-LD drops when the document is read as RDF, with every node it holds; put it "
                             "under a property of a node; nothing was stored",
                             f"{name} : l'objet {shown} au premier niveau du document est une liste ou une valeur "
                             "seule, que JSON-LD abandonne à la lecture du document en RDF, avec tous les nœuds "
                             "qu'elle contient ; placez-la sous une propriété d'un nœud ; rien n'a été enregistré")


def _reads_as_json_ld(data: bytes, base_iri: str) -> bool:
    """Whether pyoxigraph reads a JSON-LD document (else it says what is wrong, in its words)."""
    try:
        for _ in parse(data, format=RdfFormat.JSON_LD, base_iri=base_iri):
            pass
    except (SyntaxError, ValueError):
        return False
    return True


def _dropped_when_made_rdf(name: str, expanded: Any) -> list[str]:
    """What the expanded document holds that making RDF of it drops without a word: the keys that are blank node
    identifiers (`_:p`, a property RDF has no place for; returned, to be refused as undefined keys), and, refused
    here, a node or a class named by no absolute IRI (a relative `@id` once `@base` is null, `"@type": "@json"` on a
    node) and a text whose language tag is none (`"@language": "pas une langue"`), each as the reader checks it."""
    keys: list[str] = []

    def refuse(what_en: str, what_fr: str, value: str) -> None:
        raise ParseError(f"{name}: {what_en} {_shown(value, 80)!r} would be dropped when the document is read as RDF; "
                         "nothing was stored",
                         f"{name} : {what_fr} « {_shown(value, 80)} » serait perdu à la lecture du document en RDF ; "
                         "rien n'a été enregistré")

    def named(value: Any, what_en: str, what_fr: str) -> None:
        if isinstance(value, str) and not value.startswith("_:"):
            try:
                NamedNode(value)
            except ValueError:
                refuse(what_en + " (no absolute IRI)", what_fr + " (pas une IRI absolue)", value)

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict):
            return
        if "@value" in node:
            if isinstance(node.get("@language"), str):
                try:
                    Literal("", language=node["@language"])
                except ValueError:
                    refuse("the language tag", "l'étiquette de langue", node["@language"])
            return
        named(node.get("@id"), "the node", "le nœud")
        for cls in node.get("@type", []) if isinstance(node.get("@type"), list) else []:
            named(cls, "the class", "la classe")
        for key, value in node.items():
            if key.startswith("_:") and key not in keys:
                keys.append(key)
            if key != "@value":
                walk(value)

    walk(expanded)
    return keys


def _plain_key(key: str) -> str:
    """A key without its accents (`modalités` -> `modalites`), to find the term it may be."""
    return "".join(c for c in unicodedata.normalize("NFKD", key) if not unicodedata.combining(c))


def _resolve_context(name: str, value: Any) -> Any:
    """A context with the project's own inlined; remote, local (file:) and imported contexts refused."""
    if isinstance(value, list):
        return [_resolve_context(name, v) for v in value]
    if isinstance(value, str):
        if value == CONTEXT_IRI:
            return _context()
        raise ParseError(f"{name}: remote JSON-LD context {_shown(value)!r} is not fetched; use {CONTEXT_IRI} "
                         "or an inline context", f"{name} : le contexte JSON-LD distant « {_shown(value)} » n'est "
                         f"pas téléchargé ; utilisez {CONTEXT_IRI} ou un contexte en ligne")
    if isinstance(value, dict):
        if "@import" in value:
            raise ParseError(f"{name}: JSON-LD @import of remote contexts is not supported; use an inline context",
                             f"{name} : l'@import de contextes JSON-LD distants n'est pas pris en charge ; "
                             "utilisez un contexte en ligne")
        return {key: {**term, "@context": _resolve_context(name, term["@context"])}  # a scoped context
                if isinstance(term, dict) and "@context" in term else term for key, term in value.items()}
    return value  # null, or an invalid context that pyoxigraph refuses


def skolemise(triples: Iterable[Triple], base_iri: str, top: str | None = None) -> list[Triple]:
    """Replace blank nodes by stable IRIs `{owner}#genid-{hash}`, so that re-ingesting is idempotent.

    The owner is the IRI subject the blank node hangs from; the hash covers the node's content,
    so the same description always gets the same IRI. Cycles of blank nodes are refused.
    A blank node that hangs from no subject (a JSON-LD node without `@id`, a Turtle `[]` subject) is part of `top`:
    in a network's submission, the network's own IRI (`{base}id/network/{slug}`), so that it is the network's as
    its description is, and no two networks' nodes share an IRI; elsewhere (reference data, a harvested copy, a
    check made for no network), of `{base}.well-known/genid`, an IRI of the instance, which no network or peer may
    describe (ownership.py).
    """
    triples = list(triples)
    by_subject: dict[BlankNode, list[Triple]] = {}
    owners: dict[BlankNode, list[Triple]] = {}
    for t in triples:
        if isinstance(t.subject, BlankNode):
            by_subject.setdefault(t.subject, []).append(t)
        if isinstance(t.object, BlankNode):
            owners.setdefault(t.object, []).append(t)
    if not by_subject and not owners:
        return triples
    digests = _digests(by_subject, owners)
    orphan = top or base_iri + ".well-known/genid"
    owned = _owners(owners, orphan)
    iris: dict[BlankNode, NamedNode] = {}

    def iri(node: BlankNode) -> NamedNode:
        if node not in iris:
            iris[node] = NamedNode(f"{owned.get(node, orphan)}#genid-{digests[node]}")
        return iris[node]

    out = []
    for t in triples:
        s = iri(t.subject) if isinstance(t.subject, BlankNode) else t.subject
        o = iri(t.object) if isinstance(t.object, BlankNode) else t.object
        out.append(Triple(s, t.predicate, o))
    return list(dict.fromkeys(out))


def _digests(by_subject: Mapping[BlankNode, list[Triple]],
             owners: Mapping[BlankNode, list[Triple]]) -> dict[BlankNode, str]:
    """A content hash per blank node, children first, by an explicit depth-first walk (lists can be long)."""
    digests: dict[BlankNode, str] = {}
    on_path: set[BlankNode] = set()
    for root in [*by_subject, *owners]:
        stack: list[tuple[BlankNode, bool]] = [(root, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                lines = sorted(f"{t.predicate} " + ("_:" + digests[t.object] if isinstance(t.object, BlankNode)
                                                    else str(t.object)) for t in by_subject.get(node, []))
                digests[node] = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
                on_path.discard(node)
                continue
            if node in digests:
                continue
            if node in on_path:
                raise UsageError("blank nodes that refer to each other in a cycle cannot be stored; give them IRIs",
                                 "des nœuds anonymes qui renvoient les uns aux autres en cercle ne peuvent pas être "
                                 "enregistrés ; donnez-leur des IRI")
            on_path.add(node)
            stack.append((node, True))
            stack.extend((t.object, False) for t in by_subject.get(node, [])
                         if isinstance(t.object, BlankNode) and t.object not in digests)
    return digests


def _owners(owners: Mapping[BlankNode, list[Triple]], orphan: str) -> dict[BlankNode, str]:
    """The IRI each blank node hangs from: the first IRI subject up its chain of blank-node parents."""
    found: dict[BlankNode, str] = {}
    for start in owners:
        path: list[BlankNode] = []
        on_path: set[BlankNode] = set()  # a set beside the list: chains can be long, and may loop
        node: BlankNode | None = start
        result = orphan
        while node is not None and node not in found:
            path.append(node)
            on_path.add(node)
            refs = owners.get(node, [])
            named = next((t.subject for t in refs if isinstance(t.subject, NamedNode)), None)
            if named is not None:
                result = term_value(named).split("#genid-")[0]
                break
            node = next((t.subject for t in refs if isinstance(t.subject, BlankNode) and t.subject not in on_path),
                        None)
        else:
            if node is not None:
                result = found[node]
        for visited in path:
            found[visited] = result
    return found
