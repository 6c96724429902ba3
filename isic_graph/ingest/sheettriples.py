"""The triples a filled collection-sheet form stands for: one project, its lessons, its collection sheet and its blocks.

They are ingested like any submission: the same shapes, the same path, all or nothing. What the form covers is
said with them (SheetTriples.covered), so that an edit replaces only that (formedit.py). An edit form shows the
project's stored partners and fundings as blocks carrying their IRIs (hidden `id`, and a partner's
`partnership`): sent back unchanged they describe the same resources; a block emptied takes its resource out.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from pyoxigraph import Literal, NamedNode, Triple

from isic_graph.errors import UsageError
from isic_graph.ingest.documents import LIMITS, cell_length
from isic_graph.ingest.lexical import DATATYPE_KINDS, lexical, refusal
from isic_graph.ingest.listing import joined
from isic_graph.ingest.sheetfilled import FilledSheet, entries
from isic_graph.ingest.sheetform import BLOCKS, Field, block_fields, fields, partnership_fields, slug
from isic_graph.privacy import EMAIL_ADDRESS, address_in_identifier, personal_data
from isic_graph.rdf.formats import CONTROL
from isic_graph.rdf.namespaces import (
    DCTERMS,
    ISIC,
    PROV,
    RDF_LANG_STRING,
    RDF_TYPE,
    XSD,
    Graphs,
)

KEPT_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
RELATIVE = re.compile(r"[a-z][a-z-]{0,39}/[A-Za-z0-9][A-Za-z0-9._/-]{0,199}")  # `type/identifier` under id/


def sheet_iri(sheet: FilledSheet, graphs: Graphs, network: str) -> str:
    """The collection sheet's IRI (one per project), when no stored sheet describes the project."""
    return f"{graphs.base}id/sheet/{_project_slug(sheet, network)}"


def project_iri(sheet: FilledSheet, graphs: Graphs, network: str) -> str:
    return f"{graphs.base}id/project/{_project_slug(sheet, network)}"


def _project_slug(sheet: FilledSheet, network: str) -> str:
    title = (sheet.get("project.title") or ["projet"])[0]
    given = sheet.get("project.id")
    return _kept_slug(given[0]) if given else _kept_slug(f"{network}-{slug(title)}", carried=False)


def _kept_slug(text: str, carried: bool = True) -> str:
    """An identifier the form carries (a stored resource's) as it is, anything else made a slug. A carried one (a
    hidden field, which a person may edit) holding personal data is refused: made a slug, it would be published in
    an IRI no search recognises it in (`jean.dupont@exemple.fr` → `jean-dupont-exemple-fr`); so is one that spells an
    address with dashes already (`jean-dupont-gmail-com`)."""
    text = text.strip()
    if carried and (kinds := personal_data(text) or ([EMAIL_ADDRESS] if address_in_identifier(text) else [])):
        raise UsageError(f"an identifier the form carries holds {' and '.join(k.en for k in kinds)}; open the form "
                         "again from its page: no personal data is published here (groups, not people)",
                         f"un identifiant porté par le formulaire contient {' et '.join(k.fr for k in kinds)} ; "
                         "rouvrez le formulaire depuis sa page : aucune donnée personnelle n'est publiée ici (des "
                         "groupes, pas des personnes)")
    return text if KEPT_SLUG.fullmatch(text) else slug(text)


@dataclass(frozen=True)
class SheetTriples:
    """What a filled form stands for: its triples, which form block each described IRI is (for the errors),
    what the form covers (subject, property, language of its texts or None: what an edit replaces; every
    other property of those subjects is kept), and the values the form could not read, by field."""

    triples: list[Triple]
    blocks: dict[str, str]
    covered: frozenset[tuple[str, str, str | None]]
    problems: dict[str, list[str]]
    removed: frozenset[str] = frozenset()  # stored partners, fundings and partnerships the user took out


def sheet_triples(sheet: FilledSheet, graphs: Graphs, network: str, lang: str,
                  today: datetime.date | None = None, created: str | None = None,
                  record_iri: str | None = None) -> SheetTriples:
    """The triples a filled form stands for.

    created: the date the collection sheet was first written, when it is edited (else today);
    record_iri: the stored collection sheet describing the project, when there is one."""
    project_slug = _project_slug(sheet, network)
    project = NamedNode(project_iri(sheet, graphs, network))
    blocks = {project.value: "project"}
    covered: set[tuple[str, str, str | None]] = {(project.value, RDF_TYPE, None)}
    problems: dict[str, list[str]] = {}
    described = {(kind, i): NamedNode(_block_iri(sheet, graphs, kind, i, project_slug))
                 for kind in BLOCKS for i in sheet.blocks(kind)}
    ids = f"{graphs.base}id/"
    partnerships = {i: p for i, p in sheet.stored("partner", "partnership").items() if _stored(p, ids)}
    default_partnership = next(iter(sorted(partnerships.items())), (0, f"{ids}partnership/{project_slug}"))[1]
    # the project's partners and fundings are all shown: what the form leaves out of them is taken out
    covered |= {(project.value, ISIC + "funding", None), (project.value, ISIC + "partnership", None)}
    aliases = {f"#{kind}.{i}": node.value for (kind, i), node in described.items()}
    triples = [Triple(project, NamedNode(RDF_TYPE), NamedNode(ISIC + "Project"))]
    described_partnerships: set[str] = set()
    triples += _values(project, "project", fields("project"), sheet, lang, covered, problems, aliases, ids)
    for (kind, i), node in described.items():
        blocks[node.value] = f"{kind}.{i}"
        triples.append(Triple(node, NamedNode(RDF_TYPE), NamedNode(BLOCKS[kind].type)))
        covered.add((node.value, RDF_TYPE, None))
        triples += _values(node, f"{kind}.{i}", block_fields(kind), sheet, lang, covered, problems, aliases, ids)
        if kind == "funding":
            triples.append(Triple(project, NamedNode(ISIC + "funding"), node))
        elif kind == "partner":
            partnership = NamedNode(partnerships.get(i, default_partnership))
            triples += [Triple(partnership, NamedNode(RDF_TYPE), NamedNode(ISIC + "Partnership")),
                        Triple(partnership, NamedNode(ISIC + "partner"), node),
                        Triple(project, NamedNode(ISIC + "partnership"), partnership)]
            covered |= {(partnership.value, RDF_TYPE, None), (partnership.value, ISIC + "partner", None)}
            if partnership.value not in described_partnerships:  # the first block of a partnership describes it
                described_partnerships.add(partnership.value)
                triples += _values(partnership, f"{kind}.{i}", partnership_fields(), sheet, lang, covered, problems,
                                   aliases, ids)
    named = {_kept_slug(v) for i in sheet.lessons() for v in sheet.get(f"lesson.{i}.id")[:1]}
    for i in sheet.lessons():
        own = sheet.get(f"lesson.{i}.id")
        number = i + 1
        while not own and f"{project_slug}-{number}" in named:  # a new lesson beside stored ones: a name of its own
            number += 1
        lesson = NamedNode(f"{graphs.base}id/lesson/{_kept_slug(own[0]) if own else f'{project_slug}-{number}'}")
        blocks[lesson.value] = f"lesson.{i}"
        triples += [Triple(lesson, NamedNode(RDF_TYPE), NamedNode(ISIC + "Lesson")),
                    Triple(lesson, NamedNode(ISIC + "learnedFrom"), project)]
        covered |= {(lesson.value, RDF_TYPE, None), (lesson.value, ISIC + "learnedFrom", None)}
        triples += _values(lesson, f"lesson.{i}", fields("lesson"), sheet, lang, covered, problems, aliases, ids)
    record = NamedNode(record_iri or sheet_iri(sheet, graphs, network))
    blocks[record.value] = "sheet"
    day = Literal((today or datetime.date.today()).isoformat(), datatype=NamedNode(XSD + "date"))
    triples += [Triple(record, NamedNode(RDF_TYPE), NamedNode(ISIC + "CollectionSheet")),
                Triple(record, NamedNode(ISIC + "describes"), project),
                Triple(record, NamedNode(PROV + "wasAttributedTo"), NamedNode(graphs.network_resource(network))),
                Triple(record, NamedNode(DCTERMS + "created"),
                       Literal(created, datatype=NamedNode(XSD + "date")) if created else day),
                Triple(record, NamedNode(DCTERMS + "modified"), day)]
    covered |= {(record.value, p, None) for p in (RDF_TYPE, ISIC + "describes", PROV + "wasAttributedTo",
                                                  DCTERMS + "created", DCTERMS + "modified")}
    triples += _values(record, "sheet", fields("sheet"), sheet, lang, covered, problems, aliases, ids)
    kept = {node.value for node in described.values()} | {s for s, _, _ in covered}
    removed = {iri for kind in ("partner", "funding") for iri in sheet.stored(kind).values() if _stored(iri, ids)}
    removed |= set(partnerships.values())
    return SheetTriples(list(dict.fromkeys(triples)), blocks, frozenset(covered), problems,
                        frozenset(removed - kept))


def _stored(iri: str, own: str) -> bool:
    """Whether a hidden field names one of this instance's resources (anything else is not used)."""
    if not iri.startswith(own) or "#" in iri:
        return False
    try:
        NamedNode(iri)
    except ValueError:
        return False
    return True


def _block_iri(sheet: FilledSheet, graphs: Graphs, kind: str, i: int, project_slug: str) -> str:
    """The IRI a block describes: an organisation by its name, a territory by its level and INSEE code, a partner
    and a funding by the project and the organisation (the same partner or funder of a project is one resource)."""
    def first(key: str) -> str:
        return (sheet.get(f"{kind}.{i}.{key}") or [""])[0].strip()

    def tail(value: str) -> str:
        return slug(value.rstrip("/").rsplit("/", 1)[-1].removeprefix("#")) if value else ""

    if kind == "organisation":
        name = slug(first("label")) if first("label") else f"{project_slug}-organisation-{i + 1}"
        return f"{graphs.base}id/organisation/{name}"
    if kind == "territory":
        code = slug(first("inseeCode") or first("label") or f"{project_slug}-{i + 1}")
        return f"{graphs.base}id/territory/{tail(first('territoryLevel')) or 'territoire'}/{code}"
    stored = first("id")
    if stored:
        _kept_slug(stored)  # refused if it holds personal data
    if stored and _stored(stored, f"{graphs.base}id/"):  # the stored partner or funding an edit form shows
        return stored
    named = first("agent" if kind == "partner" else "funder")
    alias = re.fullmatch(r"#organisation\.(\d{1,4})", named)
    if alias:  # an organisation described in the same form
        named = _block_iri(sheet, graphs, "organisation", int(alias.group(1)), project_slug)
    own = tail(named) or str(i + 1)
    return f"{graphs.base}id/{'partner-role' if kind == 'partner' else 'funding'}/{project_slug}-{own}"


def _values(subject: NamedNode, prefix: str, known: Sequence[Field], sheet: FilledSheet, lang: str,
            covered: set[tuple[str, str, str | None]], problems: dict[str, list[str]],
            aliases: Mapping[str, str], ids: str = "") -> list[Triple]:
    found = []
    for f in known:
        name = f"{prefix}.{f.key}"
        covered.add((subject.value, f.path, lang if f.datatype == RDF_LANG_STRING else None))
        given = list(entries(f, sheet.get(name)))
        if (length := cell_length(joined(given))) > LIMITS.max_cell:  # the cell of the sheet downloaded holds them
            problems.setdefault(name, []).append(_too_long(length, lang))
            continue
        for value in given:
            term: NamedNode | Literal | None
            if (unreadable := _not_text(value, lang)) is not None:  # refused beside its field, what was typed kept
                problems.setdefault(name, []).append(unreadable)
                continue
            if f.kind == "link" and ids and RELATIVE.fullmatch(value):
                value = ids + value  # `group/x`, `lesson/y`: a resource of this instance, as in the CSV sheet
            if f.kind in ("choice", "link"):
                try:
                    term = NamedNode(aliases.get(value, value))  # `#organisation.0`: the one described below
                except ValueError:
                    term = Literal(value)  # not an IRI: the shapes will say so, beside the field
            elif f.datatype == RDF_LANG_STRING:
                term = Literal(value, language=lang)
            elif f.datatype in DATATYPE_KINDS:
                kind = DATATYPE_KINDS[f.datatype]
                written = lexical(kind, value)
                if written is None:
                    why = refusal(kind, value)
                    problems.setdefault(name, []).append(f"« {value[:80]} » : {why[0]}" if lang == "fr"
                                                         else f"'{value[:80]}': {why[1]}")
                    continue
                term = Literal(written, datatype=NamedNode(f.datatype))
            elif f.datatype and f.datatype != XSD + "string":
                term = Literal(value, datatype=NamedNode(f.datatype))
            else:
                term = Literal(value)
            found.append(Triple(subject, NamedNode(f.path), term))
    return found


def _not_text(value: str, lang: str) -> str | None:
    """Why a value typed in the form is no text the store takes (a control character pasted from another program, a
    text longer than a submission's literals may be), in the form's language; None when it is."""
    if (control := CONTROL.search(value)) is not None:
        code = f"U+{ord(control.group()):04X}"
        return (f"le texte contient un caractère de contrôle invisible ({code}), souvent collé depuis un autre "
                "logiciel : retirez-le (retapez le texte autour)" if lang == "fr" else
                f"the text holds an invisible control character ({code}), often pasted from another program: remove "
                "it (type the text around it again)")
    return None


def _too_long(length: int, lang: str) -> str:
    """What to say of a field whose cell, in the sheet downloaded, would be longer than a spreadsheet's cell holds
    (its values written as the sheet writes them: each `|` as `\\|`, values apart with ` | `)."""
    if lang == "fr":
        has, most = (f"{n:,}".replace(",", "\u202f") for n in (length, LIMITS.max_cell))
        return f"le texte a {has} caractères ; au plus {most}, ce qu'une cellule de tableur contient"
    return f"the text has {length:,} characters; at most {LIMITS.max_cell:,}, what a spreadsheet's cell holds"


__all__ = ["SheetTriples", "project_iri", "sheet_iri", "sheet_triples"]
