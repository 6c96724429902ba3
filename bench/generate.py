"""Realistic synthetic ISIC data, valid against the shapes and accepted network by network, deterministic from a seed.

The Turtle sample networks (their organisations, projects, partnerships, fundings, committees,
lessons and their cross-network confirmations) are replicated. Replica n belongs to one of
`--networks` networks per sample network (`id/network/{sample}-g{group}`, a regional branch with its
own name and one description per language) and renames every other resource `id/{kind}/{slug}` to
`id/{kind}/r{n}-{slug}`, with its own SIRET (a right check key) and RNA numbers; its French texts are
varied by sentences drawn from a word list. The fan-out is the samples' (about 5 lessons and 4
partners per project).

The sample networks themselves come first, as they are (`id/network/anas`, `id/network/fcsf`): they
describe the territories, which are real and shared. A replica names each territory it uses by its
identity alone (type, label, INSEE code, level, enclosing territory: ownership.IDENTITY), as the
sample describing it states it, which is all a network may repeat of a resource another owns; an
intercommunality, identified by a SIREN number no other network may repeat, it only refers to.
Ingested in the order the output first names the graphs, every network graph is accepted (as a whole
up to 50,000 triples, in parts of whole replicas past that: bench/accepted.py checks it).

Run:   python bench/generate.py --triples 1000000 --out data-1m.nq [--seed 7] [--networks 8]
Output: N-Quads, one graph per network (`{base}graph/network/{slug}`), ready for `oxigraph load`
or for ingestion network by network, in the order the graphs first appear.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
from pathlib import Path
from typing import Iterator, TextIO

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, parse, serialize
from stdnum import luhn

from isic_graph.ingest.ownership import IDENTITY

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ("anas", "fcsf")  # in the order they cite each other
BASE = "http://localhost:5000/"
WORDS = ("accompagnement collectif habitants locataires familles parents élus partenaires bailleur centre social "
         "travailleurs sociaux réunion comité pilotage financement territoire quartier logement santé emploi "
         "mobilité numérique alimentation vacances droits isolement restitution évaluation diagnostic confiance "
         "participation association mairie département caisse projet action groupe atelier rencontre calendrier "
         "difficulté obstacle contournement méthode outil suivi pratique astuce relation risque").split()
# the regional branches the replicas' networks are (group 0 is the first; past the list, numbered)
BRANCHES = ("Bretagne", "Occitanie", "Hauts-de-France", "Grand Est", "Normandie", "Nouvelle-Aquitaine",
            "Pays de la Loire", "Centre-Val de Loire", "Bourgogne-Franche-Comté", "Île-de-France",
            "Auvergne-Rhône-Alpes", "Provence-Alpes-Côte d'Azur", "Corse")
RESOURCE = re.compile(r"^" + re.escape(BASE) + r"id/([a-z-]+)/(.+)$")
ISIC = "https://w3id.org/isic/ontology#"
SIRET, RNA, SIREN = ISIC + "siret", ISIC + "rna", ISIC + "siren"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TEXTS = ("http://purl.org/dc/terms/description", ISIC + "statement", ISIC + "genesis", ISIC + "modalities")


def sample_triples(network: str) -> list[Triple]:
    found: list[Triple] = []
    for path in sorted((ROOT / "samples" / network).glob("*.ttl")):
        found += [q.triple for q in parse(path=str(path), format=RdfFormat.TURTLE, base_iri=BASE)]
    return found


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
    return (" ".join(words)).capitalize() + "."


def branch(group: int) -> str:
    """The region a network of the group is the branch of: "Bretagne", …, "Bretagne 2" past the list."""
    name = BRANCHES[group % len(BRANCHES)]
    return name if group < len(BRANCHES) else f"{name} {group // len(BRANCHES) + 1}"


def siret(n: int, k: int) -> str:
    """Replica n's SIRET for the sample's k-th number: a SIREN (8 digits and its Luhn key: 8 or 9, then n and
    k) and a NIC (0001 and the key that makes all 14 digits pass Luhn). Distinct for n below 100,000."""
    siren = f"{8 + k % 2}{n:05d}{k // 2:02d}"
    siren += luhn.calc_check_digit(siren)
    return siren + "0001" + luhn.calc_check_digit(siren + "0001")


def rna(n: int, k: int, original: str) -> str:
    """Replica n's RNA number for the sample's k-th one: W, the original's department (3 characters), then n and k
    (6 digits). Distinct for n below 10,000."""
    return f"{original[:4]}{n % 10_000:04d}{k:02d}"


class Territories:
    """The identity of each territory, as the first sample naming it describes it."""

    def __init__(self, samples: dict[str, list[Triple]]) -> None:
        self.identity: dict[str, list[Triple]] = {}
        for triples in samples.values():
            described = {text(t.subject) for t in triples if is_territory(t.subject)} - set(self.identity)
            self.identity.update({value: [] for value in described})
            for t in triples:
                if text(t.subject) in described and t.predicate.value in IDENTITY:
                    self.identity[text(t.subject)].append(t)
            for t in triples:  # its SIREN, which identifies an intercommunality, is no number others repeat:
                if text(t.subject) in described and t.predicate.value == SIREN:  # the others only refer to it
                    self.identity[text(t.subject)] = []

    def named(self, triples: list[Triple]) -> Iterator[Triple]:
        """The identity of the territories a sample describes, for a replica to name them."""
        for value in dict.fromkeys(text(t.subject) for t in triples if is_territory(t.subject)):
            yield from self.identity[value]


def text(term: object) -> str:
    """An IRI's or a literal's text."""
    return term.value if isinstance(term, (NamedNode, Literal)) else ""


def kind(term: object) -> str | None:
    """The kind of an instance resource (`id/{kind}/…`: "project", "territory"…); None for other terms."""
    match = RESOURCE.match(term.value) if isinstance(term, NamedNode) else None
    return None if match is None else match.group(1)


def is_territory(term: object) -> bool:
    return kind(term) == "territory"


def is_network(term: object) -> bool:
    return kind(term) == "network"


def replica(triples: list[Triple], n: int, group: int, rng: random.Random, numbers: dict[str, int],
            first: bool) -> Iterator[Triple]:
    """Replica n of a sample's triples (territories left out) for its group's network. Only the network's
    first replica (`first`) states the network's description and what that alone points at (its members'
    role): the others add sheets, projects and lessons, so that each replica's part is a submission of its
    own (the first creating the network's graph, the others upserted), and a network holding more triples
    than one submission may (at the larger sizes) is submitted in parts of whole replicas."""
    networks = {t.subject for t in triples if is_network(t.subject)}
    pointed = {t.object for t in triples if t.subject in networks}
    pointed -= {t.object for t in triples if t.subject not in networks}
    renamed: dict[str, NamedNode] = {}

    def rename(term: object) -> object:
        if not isinstance(term, NamedNode):
            return term
        found = renamed.get(term.value)
        if found is None:
            match = RESOURCE.match(term.value)
            if match is None or match.group(1) == "territory":
                found = term
            elif match.group(1) == "network":
                found = NamedNode(f"{BASE}id/network/{match.group(2)}-g{group}")
            else:
                found = NamedNode(f"{BASE}id/{match.group(1)}/r{n}-{match.group(2)}")
            renamed[term.value] = found
        return found

    for t in triples:
        if is_territory(t.subject):
            continue
        if not first and (t.subject in networks or t.subject in pointed):
            continue
        subject, obj = rename(t.subject), rename(t.object)
        if t.subject in networks and t.predicate.value == LABEL and isinstance(obj, Literal):
            obj = Literal(f"{obj.value}, {'branche' if obj.language == 'fr' else 'branch'} {branch(group)}",
                          language=obj.language)
        if isinstance(obj, Literal) and t.predicate.value == SIRET:
            obj = Literal(siret(n, numbers[obj.value]))
        elif isinstance(obj, Literal) and t.predicate.value == RNA:
            obj = Literal(rna(n, numbers[obj.value], obj.value))
        if isinstance(obj, Literal) and t.predicate.value in TEXTS and obj.language == "fr":
            obj = Literal(f"{obj.value} {sentence(rng)}", language="fr")
        yield Triple(subject, t.predicate, obj)  # type: ignore[arg-type]


def generate(target: int, out: TextIO, seed: int = 7, networks: int = 8) -> int:
    """Write about `target` triples of N-Quads (the samples and at least one replica); the number written.
    The samples first, then replica after replica, each sample's part in one run of lines of its network's
    graph: the graphs first appear in an order they can be ingested in (each network before the ones
    citing it)."""
    rng = random.Random(seed)
    samples = {name: sample_triples(name) for name in SAMPLES}
    territories = Territories(samples)
    numbers: dict[str, int] = {}  # each SIRET and RNA number of the samples: its rank (shared ones stay shared)
    for triples in samples.values():
        for t in triples:
            if t.predicate.value in (SIRET, RNA):
                numbers.setdefault(text(t.object), len(numbers))
    per_replica = sum(len(t) for t in samples.values())
    written, n = 0, 0

    def write(graph: NamedNode, triples: list[Triple]) -> None:
        nonlocal written
        quads = [Quad(t.subject, t.predicate, t.object, graph) for t in triples]
        out.write((serialize(quads, format=RdfFormat.N_QUADS) or b"").decode("utf-8"))
        written += len(quads)

    for name, triples in samples.items():
        write(NamedNode(f"{BASE}graph/network/{name}"), triples)
    while written < target or n == 0:
        group = n % networks
        for name in SAMPLES:
            triples = list(replica(samples[name], n, group, rng, numbers, n < networks))
            if n < networks:  # the territories, named once in each network
                triples += territories.named(samples[name])
            write(NamedNode(f"{BASE}graph/network/{name}-g{group}"), triples)
        n += 1
    print(f"{written} triples: the samples and {n} replicas of them ({per_replica} triples), "
          f"{(min(n, networks) + 1) * len(SAMPLES)} networks", file=sys.stderr)
    return written


def data_file(size: str, triples: int) -> Path:
    """bench/.data/isic-{size}-{version}.nq: about `triples` triples, generated once and kept (git ignores the
    folder); the version is a digest of this generator and of the samples it replicates, so that data generated
    from earlier samples is never measured again."""
    folder = ROOT / "bench" / ".data"
    folder.mkdir(exist_ok=True)
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for sample in sorted(p for name in SAMPLES for p in (ROOT / "samples" / name).rglob("*") if p.is_file()):
        digest.update(sample.read_bytes())
    path = folder / f"isic-{size}-{digest.hexdigest()[:12]}.nq"
    if not path.exists():
        with path.open("w", encoding="utf-8") as out:
            generate(triples, out)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--networks", type=int, default=8)
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8") as out:
        generate(args.triples, out, args.seed, args.networks)


if __name__ == "__main__":
    main()
