"""The analysts' reference written as Markdown (the generated part of docs/analysts.md), and the words about
graphs and languages that /ontology shows too."""

from __future__ import annotations

from urllib.parse import quote

from isic_graph.publish.reference import BEGIN, END, Reference, reference
from isic_graph.rdf.namespaces import Graphs

G = Graphs("{base}")  # the graphs' names as every instance spells them, its base IRI left open
IDIOMS = (
    ("Which network said it",
     f"Every network's sheets are in its own named graph, `{G.network('{slug}')}`; the sheet "
     "(`isic:CollectionSheet`) that `isic:describes` a project says `prov:wasAttributedTo` its network. "
     "Ask `?sheet isic:describes ?project ; prov:wasAttributedTo ?network`, or `GRAPH ?g { ?project ?p ?o }` "
     "for the graph a triple is in."),
    ("Named graphs",
     f"One graph per network (`{G.network('{slug}')}`); the reference graphs `{G.ontology}` and `{G.thesauri}`; "
     f"`{G.metadata}` (one `prov:Activity` per accepted batch) and `{G.ownership}`; the identity graph "
     f"`{G.identity}` (`owl:sameAs` between the IRIs of one organisation or territory); harvested copies of "
     f"peers' networks, `{G.peer('{peer}', '{network}')}`. The default graph is their merge, each triple "
     "once however many graphs state it: without `GRAPH ?g`, a pattern matches in any of them."),
    ("French and English",
     "Titles, descriptions and labels are written twice, tagged `@fr` and `@en`: a pattern on a label "
     "matches both, so every row comes back once per language unless you keep one: "
     "`FILTER(lang(?label) = \"fr\")` (add `|| lang(?label) = \"\"` for untagged names)."),
    ("Names",
     "A project, lesson or resource is named by `dcterms:title`, a lesson's text is `isic:statement`, "
     "a thesaurus concept by `skos:prefLabel` (its code is `skos:notation`), an organisation, network or "
     "territory by `rdfs:label`; `dcterms:description` gives the longer text."),
)


def workbench_link(query: str) -> str:
    """The workbench's address that opens with the query in its editor and runs it."""
    return "/query?query=" + quote(query, safe="")


def markdown(found: Reference | None = None) -> str:
    """The generated reference, from BEGIN to END, as docs/analysts.md holds it."""
    ref = found or reference()
    out = [BEGIN, "", "## Reference: classes, properties and thesauri", "",
           "Generated from `ontology/`, `shapes/`, `samples/` and `queries/` (the server's `/ontology` page shows "
           "the same, with each example query opening in `/query`).", "", "### How to ask", ""]
    out += [f"- **{title}.** {text}" for title, text in IDIOMS]
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
