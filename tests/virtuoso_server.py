"""A real Virtuoso 7 (Debian's `virtuoso-opensource`) for the tests: loopback ports, a folder, stopped by PID.

It is set up as docs/operations.md says: its own virtuoso.ini, SPARQL update granted to the endpoint's
user, and Virtuoso's own graphs made private so that the endpoint's default graph is the union of ours.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from isic_graph.store.engine import free_port

SERVER, ISQL = "virtuoso-t", "isql-vt"
INI = """\
[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/virtuoso.log
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {folder}/virtuoso-temp.db
TransactionFile    = {folder}/virtuoso-temp.trx

[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
CheckpointInterval = 60
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
DirsAllowed        = .

[HTTPServer]
ServerPort         = 127.0.0.1:{http_port}
ServerRoot         = {folder}
ServerThreads      = 10
Charset            = UTF-8

[SPARQL]
ResultSetMaxRows      = 1048576
MaxQueryExecutionTime = 60
"""
SETUP = """\
GRANT SPARQL_UPDATE TO "SPARQL";
DB.DBA.RDF_GRAPH_GROUP_CREATE ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 1);
CREATE PROCEDURE ISIC_HIDE_OWN_GRAPHS ()
{
  FOR (SELECT DISTINCT id_to_iri (G) AS GRAPH_IRI FROM DB.DBA.RDF_QUAD) DO
    DB.DBA.RDF_GRAPH_GROUP_INS ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', GRAPH_IRI);
};
ISIC_HIDE_OWN_GRAPHS ();
DROP PROCEDURE ISIC_HIDE_OWN_GRAPHS;
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 3);
"""


def installed() -> bool:
    return shutil.which(SERVER) is not None and shutil.which(ISQL) is not None


class VirtuosoServer:
    """`virtuoso-t +foreground` on a new database in `folder`, its SQL and HTTP ports on 127.0.0.1."""

    def __init__(self, folder: Path, wait: float = 60.0) -> None:
        self.folder = folder
        self.sql_port, self.http_port = free_port(), free_port()
        self.ini = folder / "virtuoso.ini"
        self.ini.write_text(INI.format(folder=folder, sql_port=self.sql_port, http_port=self.http_port))
        with (folder / "server.out").open("wb") as out:
            self.process = subprocess.Popen([SERVER, "+foreground", "+configfile", str(self.ini)], cwd=folder,
                                            stdout=out, stderr=subprocess.STDOUT)
        try:
            self._wait_ready(wait)
            self.isql(SETUP)
        except BaseException:
            self.stop()
            raise

    @property
    def sparql_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def isql(self, sql: str, timeout: float = 60.0) -> str:
        """Run SQL statements as dba (the new database's password); an error stops them and is raised."""
        script = self.folder / "statements.sql"
        script.write_text(sql)
        done = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", str(script)], cwd=self.folder,
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"{ISQL} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def _wait_ready(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{SERVER} exited:\n{self.log()}")
            try:
                urllib.request.urlopen(f"{self.sparql_url}?query=ASK%7B%7D", timeout=2).read()
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
        raise RuntimeError(f"{SERVER} did not answer within {seconds:g} s:\n{self.log()}")

    def log(self) -> str:
        return "".join(path.read_text(errors="replace")[-2000:] for path in
                       (self.folder / "server.out", self.folder / "virtuoso.log") if path.exists())

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM (Virtuoso checkpoints and exits), then SIGKILL if it has not exited in time."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
