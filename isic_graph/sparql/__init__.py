"""SPARQL text: read once into tokens (lexer), checked (guard), and written from checked terms (terms, updates)."""
