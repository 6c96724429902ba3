"""The analysts' reference written as Markdown (the generated part of docs/analysts.md), and the words about
graphs and languages that /ontology shows too."""

from __future__ import annotations

from urllib.parse import quote

from isic_graph.publish.reference import BEGIN, END, Reference, reference
from isic_graph.rdf.namespaces import Graphs

G = Graphs("{base}")  # the graphs' names as every instance spells them, its base IRI left open
IDIOMS = {  # how to ask, in each language of the interface: the same facts, code between backticks
    "en": (
        ("Which network said it",
         f"Every network's sheets are in its own named graph, `{G.network('{slug}')}`; the sheet "
         "(`isic:CollectionSheet`) that `isic:describes` a project says `prov:wasAttributedTo` its network. "
         "Ask `?sheet isic:describes ?project ; prov:wasAttributedTo ?network`, or `GRAPH ?g { ?project ?p ?o }` "
         "for the graph a triple is in."),
        ("Named graphs",
         f"One graph per network (`{G.network('{slug}')}`); the reference graphs `{G.ontology}` and "
         f"`{G.thesauri}`; `{G.metadata}` (one `prov:Activity` per accepted batch) and `{G.ownership}`; the "
         f"identity graph `{G.identity}` (`owl:sameAs` between the IRIs of one organisation or territory); "
         f"harvested copies of peers' networks, `{G.peer('{peer}', '{network}')}`. The default graph is their "
         "merge, each triple once however many graphs state it: without `GRAPH ?g`, a pattern matches in any of "
         "them; with it, once in each graph that states it."),
        ("French and English",
         "Titles, descriptions and labels are tagged `@fr`, and `@en` too where they were written in English "
         "(the ontology and thesauri always, a network's data when it wrote both: keep French for a list that "
         "misses no resource): a pattern on a label matches both, so a row comes back once per language unless "
         "you keep one: "
         "`FILTER(lang(?label) = \"fr\")` (add `|| lang(?label) = \"\"` for untagged names)."),
        ("Names",
         "A project, lesson or resource is named by `dcterms:title`, a lesson's text is `isic:statement`, "
         "a thesaurus concept by `skos:prefLabel` (its code is `skos:notation`), an organisation, network or "
         "territory by `rdfs:label`; `dcterms:description` gives the longer text."),
    ),
    "fr": (
        ("Quel réseau l'a dit",
         f"Les fiches de chaque réseau sont dans son propre graphe nommé, `{G.network('{slug}')}` ; la fiche "
         "(`isic:CollectionSheet`) qui décrit un projet (`isic:describes`) est attribuée à son réseau "
         "(`prov:wasAttributedTo`). Demandez `?sheet isic:describes ?project ; prov:wasAttributedTo ?network`, "
         "ou `GRAPH ?g { ?project ?p ?o }` pour le graphe où se trouve un triplet."),
        ("Graphes nommés",
         f"Un graphe par réseau (`{G.network('{slug}')}`) ; les graphes de référence `{G.ontology}` et "
         f"`{G.thesauri}` ; `{G.metadata}` (une `prov:Activity` par envoi accepté) et `{G.ownership}` ; le "
         f"graphe d'identité `{G.identity}` (`owl:sameAs` entre les IRI d'une même organisation ou d'un même "
         f"territoire) ; les copies moissonnées des réseaux des pairs, `{G.peer('{peer}', '{network}')}`. Le "
         "graphe par défaut est leur fusion, chaque triplet une fois, quel que soit le nombre de graphes qui "
         "l'énoncent : sans `GRAPH ?g`, un motif trouve ses réponses dans chacun d'eux ; avec, une fois dans "
         "chaque graphe qui l'énonce."),
        ("Français et anglais",
         "Titres, descriptions et libellés sont marqués `@fr`, et `@en` aussi là où ils ont été écrits en "
         "anglais (toujours pour l'ontologie et les thésaurus, pour les données d'un réseau quand il a écrit les "
         "deux : gardez le français pour une liste à laquelle rien ne manque) : un motif sur un libellé trouve "
         "les deux, et une ligne revient donc une fois par langue, à moins d'en garder une : "
         "`FILTER(lang(?label) = \"fr\")` (ajoutez `|| lang(?label) = \"\"` pour les noms sans langue)."),
        ("Noms",
         "Un projet, un enseignement ou une ressource est nommé par `dcterms:title`, le texte d'un enseignement "
         "est `isic:statement`, un concept d'un thésaurus est nommé par `skos:prefLabel` (son code est "
         "`skos:notation`), une organisation, un réseau ou un territoire par `rdfs:label` ; "
         "`dcterms:description` donne le texte plus long."),
    ),
}


def inline_code(text: str) -> list[tuple[str, bool]]:
    """Markdown text with inline code (between backticks) as its parts: (text, whether it is code)."""
    return [(part, odd % 2 == 1) for odd, part in enumerate(text.split("`")) if part]


def workbench_link(query: str) -> str:
    """The workbench's address that opens with the query in its editor and runs it."""
    return "/query?query=" + quote(query, safe="")


def markdown(found: Reference | None = None) -> str:
    """The generated reference, from BEGIN to END, as docs/analysts.md holds it."""
    ref = found or reference()
    out = [BEGIN, "", "## Reference: classes, properties and thesauri", "",
           "Generated from `ontology/`, `shapes/`, `samples/` and `queries/` (the server's `/ontology` page shows "
           "the same in the reader's language, with each example query opening in `/query`). A class's "
           "instances are counted in the sample networks as `isic-graph init --samples` loads them, every one of "
           "`samples/` (Turtle and CSV sheets alike).", "", "### How to ask", ""]
    out += [f"- **{title}.** {text}" for title, text in IDIOMS["en"]]
    out += ["", "### Classes", ""]
    for c in ref.classes:
        out += [f"#### isic:{c.local}", "", f"{c.labels.get('fr', '')} / {c.labels.get('en', '')}"
                + (f" — {c.definitions['en']}" if c.definitions.get("en") else ""), ""]
        if c.shape:
            out += [f"Shape: `isics:{c.shape}` (`/shapes#{c.shape}`). Instances in the samples: {c.instances}.", ""]
        if c.fields:
            out += ["| property | fr / en | cardinality | example |", "|---|---|---|---|"]
            out += [f"| `{f.name}` | {f.labels.get('fr', '')} / {f.labels.get('en', '')} | {f.cardinality} | "
                    + (f"`{f.example.replace('|', '¦')}`" if f.example else "") + " |" for f in c.fields]
            out.append("")
        out += ["```sparql", c.query, "```", ""]
        if c.competency:
            out += ["Also in " + ", ".join(f"`queries/{name}.rq`" for name in c.competency) + ".", ""]
    out += ["### Thesauri", ""]
    for s in ref.schemes:
        out += [f"#### {s.slug}", "", f"{s.labels.get('fr', '')} / {s.labels.get('en', '')} — `<{s.iri}>`", "",
                "| code | IRI | fr | en |", "|---|---|---|---|"]
        out += [f"| `{c.code}` | `<{c.iri}>` | {c.labels.get('fr', '')} | {c.labels.get('en', '')} |"
                for c in s.concepts]
        out.append("")
    return "\n".join([*out, END]) + "\n"


def replaced(document: str, found: Reference | None = None) -> str:
    """The document with its generated reference (from BEGIN to END) written anew; appended when it has none."""
    fresh = markdown(found)
    if BEGIN in document and END in document:
        start, end = document.index(BEGIN), document.index(END) + len(END)
        return document[:start] + fresh.rstrip("\n") + document[end:]
    return document.rstrip("\n") + "\n\n" + fresh
