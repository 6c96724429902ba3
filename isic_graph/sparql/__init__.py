"""SPARQL text: one reading of a query or update, shared by every check, and the text the engine gets.

`lexer` cuts a text into tokens with the SPARQL 1.1 grammar's terminals and writes them back as the
one text an engine ever receives; `reading` tells what the tokens say (form, dataset, SERVICE blocks,
nesting) and refuses what may not run here.
"""
