"""The vocabulary: namespaces and graph names, the one table of RDF formats, the shipped artefacts, IRIs."""
