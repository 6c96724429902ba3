"""A network's stored data checked again with the checks new data passes beyond the shapes (SIRET keys, RNA
numbers' form, the lessons it confirms or contradicts being known, every resource it describes having a class, one
the shapes check, and no resource of the instance used as a class): what fails is listed for the operator, and stays
served meanwhile; a number that fails links nothing (identity.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from isic_graph.ingest.classes import misclassed, misclassed_reason
from isic_graph.ingest.documents import Batch
from isic_graph.ingest.ingestion import untyped
from isic_graph.ingest.targets import dangling
from isic_graph.rdf.namespaces import RDF_TYPE, Graphs, check_slug
from isic_graph.store.base import Store
from isic_graph.store.results import term_value
from isic_graph.validation.identifiers import RNA, valid_rna, wrong_keys


@dataclass(frozen=True)
class StoredProblem:
    """One stored value that new data could not hold: the network, resource, property, value and why."""

    network: str
    subject: str
    predicate: str
    value: str
    messages: dict[str, str]

    def describe(self, lang: str = "fr") -> str:
        return f"{self.network}\t<{self.subject}>\t<{self.predicate}>\t{self.value}\t{self.messages[lang]}"


def networks(store: Store, graphs: Graphs) -> list[str]:
    """The slugs of the networks with a graph in the store."""
    return sorted(name[len(graphs.network_prefix):] for name in store.graph_names()
                  if name.startswith(graphs.network_prefix))


def stored_problems(store: Store, graphs: Graphs, network: str) -> list[StoredProblem]:
    """What a network's graph holds that the checks of new data refuse, in order."""
    check_slug(network)
    triples = tuple(store.graph_triples(graphs.network(network)))
    found = [StoredProblem(network, k.subject, k.predicate, k.value, k.messages()) for k in wrong_keys(triples)]
    rna = [(term_value(t.subject), term_value(t.object)) for t in triples if t.predicate.value == RNA]
    found += [StoredProblem(network, subject, RNA, value, {
        "fr": f"Le numéro RNA {value} ne s'écrit pas W suivi de 9 chiffres.",
        "en": f"The RNA number {value} is not W followed by 9 digits."})
        for subject, value in rna if not valid_rna(value)]
    found += [StoredProblem(network, d.subject, d.predicate, d.target, d.messages())
              for d in dangling(store, graphs, Batch(triples, ()), None)]
    found += [StoredProblem(network, issue.focus, issue.path, "", dict(issue.messages))
              for issue in untyped(Batch(triples, ()), store, graphs, network, UNTYPED_STORED)]
    found += [StoredProblem(network, subject, value if how == "property" else RDF_TYPE, value, {
        lang: f"{text}: {(PROPERTY_STORED if how == 'property' else UNCHECKED_STORED)[lang]}"
        for lang, text in misclassed_reason(value, how).items()})
        for subject, (value, how) in misclassed(triples, [f"{graphs.base}id/"]).items()]
    return sorted(found, key=lambda p: (p.subject, p.predicate, p.value))


UNTYPED_STORED = {"fr": "Cette ressource n'a pas de classe (rdf:type) dans le graphe du réseau : aucune forme ne la "
                        "vérifie, et ce qui pointe vers elle (les enseignements d'un projet, sa fiche) ne la trouve "
                        "plus ; publiez à nouveau sa description entière.",
                  "en": "This resource has no class (rdf:type) in the network's graph: no shape checks it, and what "
                        "points at it (a project's lessons, its sheet) no longer finds it; publish its whole "
                        "description again."}
PROPERTY_STORED = {"fr": "aucune forme ne vérifie ce qu'elle dit ainsi ; publiez à nouveau sa description avec les "
                         "propriétés de l'ontologie.",
                   "en": "no shape checks what it says so; publish its description again with the properties of the "
                         "ontology."}
UNCHECKED_STORED = {"fr": "aucune forme ne vérifie cette ressource ; publiez à nouveau sa description avec une "
                          "classe de l'ontologie.",
                    "en": "no shape checks this resource; publish its description again with a class of the ontology."}
