"""Realistic synthetic ISIC data, valid against the shapes, deterministic from a seed.

The Turtle sample networks (their organisations, projects, partnerships, fundings, committees,
lessons and their cross-network confirmations) are replicated: replica n renames every resource
`id/{kind}/{slug}` to `id/{kind}/r{n}-{slug}` (territories are shared, as real ones are; SIRET and RNA numbers are the \
replica's own),
belongs to
one of `--networks` groups per sample network, and gets its French texts varied by sentences drawn
from a word list. The fan-out is the samples' (about 5 lessons and 4 partners per project).

Run:   python bench/generate.py --triples 1000000 --out data-1m.nq [--seed 7] [--networks 8]
Output: N-Quads, one graph per network (`{base}graph/network/{slug}`), ready for `oxigraph load`
or for ingestion network by network.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
import zlib
from pathlib import Path
from typing import Iterator, TextIO

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, parse, serialize

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ("anas", "fcsf")  # in the order they cite each other
BASE = "http://localhost:5000/"
WORDS = ("accompagnement collectif habitants locataires familles parents élus partenaires bailleur centre social "
         "travailleurs sociaux réunion comité pilotage financement territoire quartier logement santé emploi "
         "mobilité numérique alimentation vacances droits isolement restitution évaluation diagnostic confiance "
         "participation association mairie département caisse projet action groupe atelier rencontre calendrier "
         "difficulté obstacle contournement méthode outil suivi pratique astuce relation risque").split()
RESOURCE = re.compile(r"^" + re.escape(BASE) + r"id/([a-z-]+)/(.+)$")
IDENTIFIERS = ("https://w3id.org/isic/ontology#siret", "https://w3id.org/isic/ontology#rna")
TEXTS = ("http://purl.org/dc/terms/description", "https://w3id.org/isic/ontology#statement",
         "https://w3id.org/isic/ontology#genesis", "https://w3id.org/isic/ontology#modalities")


def sample_triples(network: str) -> list[Triple]:
    found: list[Triple] = []
    for path in sorted((ROOT / "samples" / network).glob("*.ttl")):
        found += [q.triple for q in parse(path=str(path), format=RdfFormat.TURTLE, base_iri=BASE)]
    return found


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
    return (" ".join(words)).capitalize() + "."


def replica(triples: list[Triple], n: int, group: int, rng: random.Random) -> Iterator[Triple]:
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
        subject, obj = rename(t.subject), rename(t.object)
        if isinstance(obj, Literal) and t.predicate.value in IDENTIFIERS and n:  # each replica's own numbers
            digits = f"{zlib.crc32(f'{n} {obj.value}'.encode()):010d}"
            obj = Literal(obj.value[:4] + digits if obj.value[0].isdigit() else "W" + digits[:9])
        if isinstance(obj, Literal) and t.predicate.value in TEXTS and obj.language == "fr":
            obj = Literal(f"{obj.value} {sentence(rng)}", language="fr")
        yield Triple(subject, t.predicate, obj)  # type: ignore[arg-type]


def generate(target: int, out: TextIO, seed: int = 7, networks: int = 8) -> int:
    """Write about `target` triples of N-Quads; the number written."""
    rng = random.Random(seed)
    samples = {name: sample_triples(name) for name in SAMPLES}
    per_replica = sum(len(t) for t in samples.values())
    written, n = 0, 0
    while written < target:
        group = n % networks
        for name in SAMPLES:
            graph = NamedNode(f"{BASE}graph/network/{name}-g{group}")
            quads = [Quad(t.subject, t.predicate, t.object, graph) for t in replica(samples[name], n, group, rng)]
            out.write((serialize(quads, format=RdfFormat.N_QUADS) or b"").decode("utf-8"))
            written += len(quads)
        n += 1
    print(f"{written} triples in {n} replicas of {per_replica} triples, {networks * len(SAMPLES)} networks",
          file=sys.stderr)
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
