"""The collection sheet's model: its tables and their columns, generated from the shapes and the thesauri.

The sheet's structure is declared here once: which table describes which class, the column naming
each row's resource, the resources a row also describes (a project's collection sheet, a partner's
partnership), and the French header of each property a column holds. Everything else about a
column comes from the property shape of the class it describes (the form's field model): its
label and help, datatype, whether it is required, whether it takes several values (separated by
`|`), the thesaurus its values come from or the class of the resources it names. A property the
shapes add to a class a table describes gets a column of its own, named after its French label:
the CSV templates, the CSVW mapping, the workbook and the reading of every sheet follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Mapping

from isic_graph.ingest.lexical import DATATYPE_KINDS
from isic_graph.ingest.sheetform import Field, shape_fields, slug
from isic_graph.rdf.namespaces import DCAT, DCTERMS, FOAF, ISIC, PROV, RDFS

SHAPES = "https://w3id.org/isic/shapes#"
THESAURUS = "https://w3id.org/isic/thesaurus/"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# Where the resources of a class a cell names live, under the instance's base IRI. `{+…}` keeps slashes.
TARGETS = {f"{ISIC}Organisation": "id/organisation/{}", f"{ISIC}Actor": "id/organisation/{}",
           f"{ISIC}Territory": "id/territory/{+}", f"{ISIC}Lesson": "id/lesson/{}",
           f"{ISIC}Project": "id/project/{}", f"{ISIC}Network": "id/network/{}"}
# First-edition properties whose replacements have columns of their own: no column named after them.
NO_COLUMN = {f"{ISIC}transferableTo"}
ANY = "id/{+}"  # a cell naming resources of several classes: project/x, lesson/y, partner-role/z…
ANY_HELP = "Ressource(s) : type/identifiant, ex. project/mon-projet, lesson/mon-enseignement ; plusieurs séparées par |"
# A class whose rows also carry the fields of its parent class's shape (an evaluation is a capitalisation activity).
PARENT_SHAPES = {"Evaluation": ("CapitalisationActivity",)}
WHO_HELP = "Acteur(s) ou groupe(s) : organisation/x, role/y, group/z ; plusieurs séparés par |"
TERRITORY_HELP = ("Territoire(s) : niveau/code INSEE, ex. commune/35238, departement/35, region/53 ; "
                  "plusieurs valeurs séparées par |")


@dataclass(frozen=True)
class Column:
    """One column of a table: the header a sheet writes, and what its cells become."""

    header: str
    path: str
    kind: str  # text, date, boolean, decimal, integer, concept, resource, iri
    subject: str = "row"  # which of the row's resources it describes (Table.subjects)
    datatype: str | None = None
    lang: str | None = None
    required: bool = False  # the shapes require a value: the column must be in the sheet
    multiple: bool = False  # several values, separated by |
    scheme: str | None = None  # concept: the thesaurus
    target: str | None = None  # resource: the IRI template of what a cell names
    inverse: str | None = None  # the cell names the subject, whose property points to this row's resource
    names: Mapping[str, str] = field(default_factory=dict)
    help: Mapping[str, str] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("fr") or self.header


@dataclass(frozen=True)
class Table:
    """One table of the sheet (one CSV file, one sheet of the workbook): the resources each row describes."""

    file: str
    french: tuple[str, ...]  # what French speakers name the table (a file, a workbook's sheet), written plainly
    keys: tuple[str, ...]  # the columns naming the row's resources: always required, never empty
    key_help: Mapping[str, str]
    subjects: Mapping[str, str]  # name -> IRI template of a resource each row describes ("row": its own)
    types: Mapping[str, str]  # subject name -> class
    links: tuple[tuple[str, str, str], ...]  # (subject, property, subject) each row states
    columns: tuple[Column, ...]
    defaults: Mapping[str, str] = field(default_factory=dict)  # key column -> its value when left empty

    @property
    def name(self) -> str:
        return self.file.removesuffix(".csv")

    @property
    def headers(self) -> tuple[str, ...]:
        own = {c.header for c in self.columns}
        return tuple(dict.fromkeys([*(k for k in self.keys if k not in own), *(c.header for c in self.columns)]))

    def required(self) -> tuple[str, ...]:
        keys = (k for k in self.keys if k not in self.defaults)
        return tuple(dict.fromkeys([*keys, *(c.header for c in self.columns if c.required)]))


@dataclass(frozen=True)
class Spec:
    """A column as the sheet declares it; the shapes say the rest."""

    header: str
    path: str
    subject: str = "row"
    lang: str | None = None  # for a label the shapes allow with or without a language
    scheme: str | None = None  # for a property whose values are of several kinds: this column's kind
    target: str | None = None
    inverse: str | None = None
    kind: str | None = None
    help: str | None = None


@dataclass(frozen=True)
class Declared:
    """A table as the sheet declares it: its French names, the resources of a row (IRI templates and class names),
    its key columns with their help, the links a row states between its resources, and its columns in order."""

    file: str
    french: tuple[str, ...]
    keys: Mapping[str, str]
    subjects: Mapping[str, str]
    types: Mapping[str, str]
    links: tuple[tuple[str, str, str], ...]
    columns: tuple[Spec, ...]
    defaults: Mapping[str, str] = field(default_factory=dict)


def _t(name: str) -> str:
    return f"{THESAURUS}{name}"


def _of_project(path: str, help_: str) -> Spec:
    """The `projet` column of a row a project points to (its funding, its user group, a role it involves)."""
    return Spec("projet", path, inverse="row", target=TARGETS[f"{ISIC}Project"], help=help_)


# The declared structure: file and French names, class and shape of each subject, key columns, and the columns
# in order.
STRUCTURE: tuple[Declared, ...] = (
    Declared("network.csv", ("reseau", "reseaux"),
             keys={"reseau": "Identifiant court du réseau (minuscules, chiffres, tirets)"},
             subjects={"row": "id/network/{reseau}"}, types={"row": "Network"}, links=(),
             columns=(Spec("nom", RDFS + "label", lang="fr"), Spec("site_web", FOAF + "homepage", kind="iri"),
                      Spec("membres", ISIC + "networkMember", target=ANY,
                           help="Membres : organisation/x, ou role/y (professionnels adhérant à titre individuel)"))),
    Declared("territories.csv", ("territoires",),
             keys={"code": "Code du territoire dans son adresse : son code INSEE (par défaut), "
                           "le SIREN d'une intercommunalité, ou un identifiant court de quartier"},
             subjects={"row": "id/territory/{niveau}/{code}"},
             types={"row": "Territory"}, links=(),
             columns=(Spec("code_insee", ISIC + "inseeCode"), Spec("nom", RDFS + "label", lang="fr"),
                      Spec("niveau", ISIC + "territoryLevel"), Spec("dans", ISIC + "within", help=TERRITORY_HELP)),
             defaults={"code": "{code_insee}"}),
    Declared("organisations.csv", ("organisations",),
             keys={"organisation": "Identifiant court de l'organisation"},
             subjects={"row": "id/organisation/{organisation}"}, types={"row": "Organisation"}, links=(),
             columns=(Spec("nom", RDFS + "label", lang="fr"), Spec("types", ISIC + "actorType"), Spec("siret",
                                                                                                      ISIC + "siret"),
                      Spec("rna", ISIC + "rna"), Spec("territoire", ISIC + "territory", help=TERRITORY_HELP),
                      Spec("site_web", FOAF + "homepage", kind="iri"),
                      Spec("issue_du_groupe", ISIC + "formedFrom", target="id/group/{}",
                           help="Groupe d'usagers dont l'organisation est issue (un collectif devenu association)"))),
    Declared("projects.csv", ("projets",),
             keys={"projet": "Identifiant court du projet"},
             subjects={"row": "id/project/{projet}", "sheet": "id/sheet/{projet}"},
             types={"row": "Project", "sheet": "CollectionSheet"}, links=(("sheet", ISIC + "describes", "row"),),
             columns=(Spec("reseau", PROV + "wasAttributedTo", subject="sheet"),
                      Spec("date_fiche", DCTERMS + "created", subject="sheet"),
                      Spec("titre", DCTERMS + "title"), Spec("description", DCTERMS + "description"),
                      Spec("genese", ISIC + "genesis"), Spec("modalites", ISIC + "modalities"),
                      Spec("issu_situations_individuelles", ISIC + "emergedFromIndividualSituations"),
                      Spec("date_debut", ISIC + "startDate"), Spec("date_fin", ISIC + "endDate"),
                      Spec("statut", ISIC + "status"), Spec("themes", ISIC + "theme"),
                      Spec("territoires", ISIC + "territory", help=TERRITORY_HELP),
                      Spec("porte_par", ISIC + "carriedBy"),
                      Spec("jalons", ISIC + "milestone"), Spec("outils_de_suivi", ISIC + "trackingTool"),
                      Spec("date_mise_a_jour", DCTERMS + "modified", subject="sheet"),
                      Spec("source", DCTERMS + "source", subject="sheet"),
                      Spec("note_fiche", DCTERMS + "description", subject="sheet"),
                      Spec("inspire_de", ISIC + "drewOn", target=ANY,
                           help="Ce dont le projet s'est inspiré : project/x, lesson/y, resource/z"))),
    Declared("lessons.csv", ("enseignements",),
             keys={"enseignement": "Identifiant court de l'enseignement"},
             subjects={"row": "id/lesson/{enseignement}"}, types={"row": "Lesson"}, links=(),
             columns=(Spec("projet", ISIC + "learnedFrom"), Spec("categorie", ISIC + "lessonCategory"),
                      Spec("phase", ISIC + "phase"), Spec("dimensions", ISIC + "dimension"),
                      Spec("enonce", ISIC + "statement"), Spec("recommandation", ISIC + "recommendation"),
                      Spec("transferable_themes", ISIC + "transferableToTheme", scheme=_t("theme"),
                              help="Thèmes où il est transférable"),
                      Spec("transferable_territoires", ISIC + "transferableToTerritory",
                           target=TARGETS[f"{ISIC}Territory"],
                              help=TERRITORY_HELP),
                      Spec("acteurs_concernes", ISIC + "concernsRole"),
                      Spec("confirme", ISIC + "confirms", target=TARGETS[f"{ISIC}Lesson"],
                           help="Enseignements confirmés"),
                      Spec("contredit", ISIC + "contradicts", target=TARGETS[f"{ISIC}Lesson"],
                              help="Enseignements contredits"),
                      Spec("concerne", ISIC + "concerns", target=ANY,
                           help="Ce dont parle l'enseignement : partnership/x, committee/y, organisation/z, group/g…"),
                      Spec("formule_par", ISIC + "drawnUpBy", target=ANY, help=WHO_HELP),
                      Spec("capte_lors_de", ISIC + "capturedDuring", target=ANY,
                           help="Temps de capitalisation : activity/x ou evaluation/y"))),
    Declared("partners.csv", ("partenaires", "partenariats"),
             keys={"partenariat": "Identifiant court du partenariat (une ligne par partenaire)",
                   "organisation": "Organisation partenaire"},
             subjects={"row": "id/partner-role/{partenaire}", "partnership": "id/partnership/{partenariat}"},
             types={"row": "PartnerRole", "partnership": "Partnership"},
             links=(("partnership", ISIC + "partner", "row"),),
             columns=(Spec("projet", ISIC + "partnership", inverse="partnership", target=TARGETS[f"{ISIC}Project"],
                              help="Projet concerné"),
                      Spec("en_amont", ISIC + "establishedBeforeProject", subject="partnership"),
                      Spec("nom_partenariat", RDFS + "label", subject="partnership", lang="fr"),
                      Spec("organisation", ISIC + "agent"), Spec("roles", ISIC + "role")),
             defaults={"partenaire": "{partenariat}-{organisation}"}),
    Declared("fundings.csv", ("financements",),
             keys={"financement": "Identifiant court du financement"},
             subjects={"row": "id/funding/{financement}"}, types={"row": "Funding"}, links=(),
             columns=(_of_project(ISIC + "funding", "Projet financé"),
                      Spec("financeur", ISIC + "funder"), Spec("montant", ISIC + "amount"),
                      Spec("devise", ISIC + "currency"))),
    Declared("groups.csv", ("groupes", "groupes d usagers"),
             keys={"groupe": "Identifiant court du groupe d'usagers"},
             subjects={"row": "id/group/{groupe}"}, types={"row": "UserGroup"}, links=(),
             columns=(_of_project(ISIC + "userGroup", "Projet du groupe"),
                      Spec("nom", RDFS + "label"), Spec("taille", ISIC + "groupSize"),
                      Spec("publics", ISIC + "public"))),
    Declared("roles.csv", ("roles",),
             keys={"role": "Identifiant court du rôle professionnel (jamais le nom d'une personne)"},
             subjects={"row": "id/role/{role}"}, types={"row": "ProfessionalRole"}, links=(),
             columns=(_of_project(ISIC + "involves", "Projet où le rôle intervient"),
                      Spec("intitule", RDFS + "label", lang="fr"), Spec("type", ISIC + "roleType"),
                      Spec("employeur", ISIC + "affiliation"))),
    Declared("committees.csv", ("comites", "comites de pilotage"),
             keys={"comite": "Identifiant court du comité de pilotage"},
             subjects={"row": "id/committee/{comite}"}, types={"row": "SteeringCommittee"}, links=(),
             columns=(Spec("partenariat", ISIC + "steeringCommittee", inverse="row", target="id/partnership/{}",
                           help="Partenariat que le comité pilote"),
                      Spec("nom", RDFS + "label", lang="fr"), Spec("gouvernance", ISIC + "governance"),
                      Spec("frequence", ISIC + "meetingFrequency"),
                      Spec("membres", ISIC + "committeeMember", target=ANY,
                           help="Membres : partner-role/x ou role/y ; plusieurs séparés par |"))),
    Declared("participations.csv", ("participations",),
             keys={"participation": "Identifiant court de la participation"},
             subjects={"row": "id/participation/{participation}"}, types={"row": "Participation"}, links=(),
             columns=(Spec("participant", ISIC + "participant", target=ANY,
                           help="Qui participe : group/x (un groupe, jamais une personne), organisation/y, role/z"),
                      Spec("instance", ISIC + "participatesIn", target=ANY,
                           help="Comité ou partenariat : committee/x ou partnership/y"))),
    Declared("milestones.csv", ("jalons", "etapes"),
             keys={"jalon": "Identifiant court du jalon"},
             subjects={"row": "id/milestone/{jalon}"}, types={"row": "Milestone"}, links=(),
             columns=(_of_project(ISIC + "keyMoment", "Projet du jalon"),
                      Spec("intitule", RDFS + "label"), Spec("date", ISIC + "milestoneDate"))),
    Declared("activities.csv", ("activites", "activites de capitalisation"),
             keys={"temps": "Identifiant court du temps de capitalisation"},
             subjects={"row": "id/activity/{temps}"}, types={"row": "CapitalisationActivity"}, links=(),
             columns=(Spec("projet", ISIC + "forProject"), Spec("avec", ISIC + "heldWith", target=ANY, help=WHO_HELP))),
    Declared("evaluations.csv", ("evaluations",),
             keys={"evaluation": "Identifiant court de l'évaluation"},
             subjects={"row": "id/evaluation/{evaluation}"}, types={"row": "Evaluation"}, links=(),
             columns=(Spec("projet", ISIC + "forProject"), Spec("avec", ISIC + "heldWith", target=ANY, help=WHO_HELP))),
    Declared("contributions.csv", ("contributions", "contributions en nature"),
             keys={"apport": "Identifiant court de la mise à disposition"},
             subjects={"row": "id/contribution/{apport}"}, types={"row": "InKindContribution"}, links=(),
             columns=(_of_project(ISIC + "inKind", "Projet qui en bénéficie"),)),
    Declared("family-aid.csv", ("aides aux familles", "aide aux familles"),
             keys={"aide": "Identifiant court de l'aide mobilisée pour les familles"},
             subjects={"row": "id/family-aid/{aide}"}, types={"row": "FamilyAid"}, links=(),
             columns=(_of_project(ISIC + "familyAid", "Projet qui mobilise l'aide"),)),
    Declared("resources.csv", ("ressources",),
             keys={"ressource": "Identifiant court de la ressource (fiche-méthode, rapport…)"},
             subjects={"row": "id/resource/{ressource}"}, types={"row": "KnowledgeResource"}, links=(),
             columns=(Spec("titre", DCTERMS + "title"), Spec("description", DCTERMS + "description"),
                      Spec("type", ISIC + "resourceType"),
                      Spec("sujets_themes", DCTERMS + "subject", scheme=_t("theme"), help="Thèmes"),
                      Spec("sujets_methode", DCTERMS + "subject", scheme=_t("method-topic"),
                           help="Sujets de méthode"),
                      Spec("a_propos", ISIC + "about", target=ANY, help=ANY_HELP),
                      Spec("lien", DCAT + "downloadURL", kind="iri"))),
)


@cache
def tables() -> tuple[Table, ...]:
    """The sheet's tables, in the order a network fills them (what rows refer to comes first)."""
    return tuple(_table(spec) for spec in STRUCTURE)


@cache
def column_names() -> Mapping[str, Mapping[str, Mapping[str, str]]]:
    """What the sheet's columns call each property, by the class of what they describe, then by language."""
    found: dict[str, dict[str, Mapping[str, str]]] = {}
    for table in tables():
        for column in table.columns:
            kind = table.types.get(column.subject)
            if column.names and kind:
                found.setdefault(column.path, {}).setdefault(kind, column.names)
    return found


def table_named(file: str) -> Table | None:
    return next((t for t in tables() if t.file == file or t.name == file), None)


def _table(spec: Declared) -> Table:
    types = {k: f"{ISIC}{v}" for k, v in spec.types.items()}
    fields = {k: {f.path: f for name in (*PARENT_SHAPES.get(v, ()), v) for f in shape_fields(f"{SHAPES}{name}Shape")}
              for k, v in spec.types.items()}
    columns = [_column(c, None if c.inverse else fields[c.subject].get(c.path)) for c in spec.columns]
    covered = {c.path for c in columns if c.subject == "row" and not c.inverse}
    for f in fields["row"].values():  # what the shapes add to the row's class: a column named after it
        if f.path not in covered | NO_COLUMN and (f.kind != "link" or f.target_class in TARGETS):
            header = slug(f.name("fr")).replace("-", "_")
            if header not in {c.header for c in columns} | set(spec.keys):
                columns.append(_column(Spec(header, f.path), f))
    columns = [*columns, *(_english(c) for c in columns if c.kind == "text" and c.lang == "fr")]
    templated = [n for t in spec.subjects.values() for n in re.findall(r"\{\+?([^}]+)\}", t)]
    return Table(spec.file, spec.french, tuple(dict.fromkeys([*spec.keys, *templated])), dict(spec.keys),
                 dict(spec.subjects), types, spec.links, tuple(columns), dict(spec.defaults))


def _english(column: Column) -> Column:
    """The English translation of a French text column: optional, after the sheet's own columns."""
    names = {"fr": f"{column.name('fr')} (en anglais)", "en": f"{column.names.get('en') or column.header} (English)"}
    return Column(f"{column.header}_en", column.path, "text", column.subject, lang="en", multiple=column.multiple,
                  names=names, help={"fr": f"Traduction anglaise de « {column.header} » (facultatif)",
                                     "en": f"English translation of '{column.header}' (optional)"})


def _column(spec: Spec, f: Field | None) -> Column:
    names = dict(f.names) if f else {}
    help_ = dict(f.help) if f else {}
    if spec.help:
        help_ = {"fr": spec.help}
    required = bool(f and f.required)
    multiple = f.multiple and not f.one_per_language if f else True  # no shape of its own: no maximum
    if spec.inverse:
        return Column(spec.header, spec.path, "resource", target=spec.target, inverse=spec.inverse,
                      names=names, help=help_)
    if spec.kind == "iri":
        return Column(spec.header, spec.path, "iri", spec.subject, names=names, help=help_)
    scheme = spec.scheme or (f.scheme if f and not spec.target else None)
    target = spec.target or (TARGETS.get(f.target_class or "") if f else None)
    if scheme:
        return Column(spec.header, spec.path, "concept", spec.subject, required=required, multiple=multiple,
                      scheme=scheme, names=names, help=help_)
    if target:
        return Column(spec.header, spec.path, "resource", spec.subject, required=required, multiple=multiple,
                      target=target, names=names, help=help_)
    datatype = f.datatype if f else None
    kind = DATATYPE_KINDS.get(datatype or "", "text")
    lang = "fr" if datatype == LANG_STRING else spec.lang
    return Column(spec.header, spec.path, kind, spec.subject, None if kind == "text" else datatype, lang,
                  required, multiple and kind == "text", names=names, help=help_)


__all__ = ["Column", "Table", "table_named", "tables"]
