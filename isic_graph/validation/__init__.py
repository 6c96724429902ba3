"""SHACL validation: the validator, its report, personal data in triples, and the compiled checks."""
