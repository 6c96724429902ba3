"""The exception tree of isic-graph; each class knows its HTTP status and a stable code. A message is
written in English, and also in French where a user meets it (`text(lang)`); the codes never change.

    IsicError
    ├── ConfigError                 500 config
    ├── UsageError                  400 bad-request
    │   ├── UnsupportedFormat       415 unsupported-format
    │   ├── ParseError              400 parse-error
    │   │   ├── Unreadable          400 parse-error         (a sheet's file: names it and the row)
    │   │   └── UndefinedKey        422 undefined-key       (a JSON-LD key no context defines: names it)
    │   ├── DocumentTooLarge        413 document-too-large
    │   ├── AnswerTooLarge          422 answer-too-large   (one value of a query's answer is past what is read)
    │   ├── NotAcceptable           406 not-acceptable
    │   ├── UpdateNotAccepted       400 update-not-accepted (an update sent to the query endpoint: names /update)
    │   ├── LookalikeTerm           422 lookalike-term     (names the term, its one spelling, the row)
    │   ├── UndeclaredTerm          422 undeclared-term    (names the term, its resource, the term it may be)
    │   ├── InstanceAsClass         422 instance-as-class  (names the resource and the instance's IRI used as class)
    │   │   └── InstanceAsProperty  422 instance-as-property (the same, the instance's IRI used as a property)
    │   ├── SpaceOverlap            400 bad-request         (a peer's URI space over this instance's or another's)
    │   └── MethodNotAllowed        405 method-not-allowed
    ├── QueryTooLarge               413 query-too-large
    │   └── UriTooLong              414 uri-too-long
    ├── BudgetExceeded              429 too-many-requests   (carries Retry-After)
    │   ├── TooManyAtOnce           429 too-many-requests   (carries Retry-After)
    │   └── ServerBusy              503 server-busy         (carries Retry-After: not the client's doing)
    ├── BackupError                 422 bad-backup
    │   └── RestoreRefused          422 backup-nonconforming   (carries the problems, graph by graph)
    ├── ValidationFailed            422 validation-failed   (carries the SHACL report)
    │   └── SheetRefused            422 sheet-refused       (carries the sheet's problems, cell by cell)
    ├── NotOwner                    422 not-owner           (names the subject, its owner, the row)
    ├── Unauthorized                401 unauthorized        (answered with WWW-Authenticate: Bearer)
    ├── Forbidden                   403 forbidden
    ├── NotFound                    404 not-found
    ├── Gone                        410 gone                (carries the record of the retraction)
    ├── PreconditionFailed          412 precondition-failed (If-Match / If-None-Match: nothing was written)
    ├── StoreError                  502 store-error
    │   ├── EngineFailed            502 store-error         (the engine answered an error of its own, and runs on)
    │   ├── StoreLocked             409 store-locked
    │   ├── QueryTimeout            503 query-timeout
    │   │   └── ValidationTimeout   503 validation-timeout
    │   ├── StoreUnavailable        503 store-unavailable
    │   ├── StorageFull             507 storage-full
    │   └── PeerUnavailable         502 peer-unavailable
    │       ├── PeerTimeout         504 peer-timeout
    │       └── PeerAnswerTooLarge  502 peer-unavailable    (an answer past the bytes it may take: names the cap)
    ├── DryRunFailed                500 dry-run-failed
    └── MigrationFailed             500 migration-failed    (a data step refused or failed; nothing changed)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, Sequence

from isic_graph.privacy import redact  # a message never repeats personal data, whatever value it quotes


class Report(Protocol):
    """What a refusal for non-conforming data carries: a validation report (validation.validator.ValidationReport)."""

    @property
    def conforms(self) -> bool: ...
    @property
    def violations(self) -> Sequence[Any]: ...
    def describe(self, lang: str = "fr") -> str: ...
    def serialize(self, fmt: str = "turtle") -> str: ...


@dataclass(frozen=True)
class Problem:
    """Why one graph of a backup is not restored: its resource at fault (None: the graph as a whole) and what
    is wrong."""

    graph: str  # "" names the default graph
    subject: str | None
    problem: str

    def describe(self) -> str:
        where = "the default graph" if not self.graph else f"graph <{self.graph}>"
        return f"{where}: {self.problem}"


class IsicError(Exception):
    """Base of every error isic-graph reports to a user."""

    status: int = 500
    code: str = "internal"
    public: bool = True  # False: the message may name internal hosts or paths; clients get the class's title

    def __init__(self, message: str, fr: str | None = None) -> None:
        """The message in English; `fr`, the same in French where it is written (answers to a client that
        prefers French say it; without it, they give the French words of the error's class)."""
        message = redact(message)
        super().__init__(message)
        self.message = message
        self.fr = redact(fr, "fr") if fr is not None else None

    def text(self, lang: str = "en") -> str:
        """The message in a language (fr or en): its French words where they are written, else the English."""
        fr = self.__dict__.get("fr")  # absent from errors pickled before it existed
        return fr if lang == "fr" and fr is not None else self.message

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with what it carries (a report, a subject…), as a dry run's process sends it back."""
        return _rebuilt, (type(self), dict(self.__dict__))


def _rebuilt(kind: type[IsicError], state: dict[str, Any]) -> IsicError:
    error = kind.__new__(kind)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


class ConfigError(IsicError):
    """A setting is missing or malformed."""

    status = 500
    code = "config"
    public = False


class UsageError(IsicError):
    """The request or command is malformed."""

    status = 400
    code = "bad-request"


class UnsupportedFormat(UsageError):
    """No parser or serializer for this media type or file extension."""

    status = 415
    code = "unsupported-format"


class ParseError(UsageError):
    """The submitted document is not well-formed in its format."""

    status = 400
    code = "parse-error"


class Unreadable(ParseError):
    """A file no spreadsheet export makes: its encoding, or a workbook that cannot be opened; said in French too."""

    def __init__(self, file: str, row: int, english: str, french: str) -> None:
        super().__init__(f"{file}, row {row}: {english}", f"{file}, ligne {row} : {french}")
        self.file, self.row, self.english, self.french = file, row, english, french


class DocumentTooLarge(UsageError):
    """The submission is larger than this server accepts (triples, literal size)."""

    status = 413
    code = "document-too-large"


class AnswerTooLarge(UsageError):
    """A query's answer holds a value (a literal or an IRI) too large to be read and counted."""

    status = 422
    code = "answer-too-large"


class ValidationFailed(IsicError):
    """The submitted data does not conform to the shapes; nothing was written."""

    status = 422
    code = "validation-failed"

    def __init__(self, message: str, report: Report, fr: str | None = None) -> None:
        super().__init__(message, fr)
        self.report = report


class SheetRefused(ValidationFailed):
    """The sheet cannot be read as the template says: unknown or missing columns, values of the wrong kind."""

    status = 422
    code = "sheet-refused"


class NotOwner(IsicError):
    """The data states something about a subject another network, a peer or the instance owns; nothing was written."""

    status = 422
    code = "not-owner"

    def __init__(self, message: str, subject: str, owner: str, row: str | None = None, fr: str | None = None,
                 row_fr: str | None = None) -> None:
        super().__init__(message, fr)
        self.subject = subject
        self.owner = owner
        self.row = row
        self.row_fr = row_fr  # the row in French words, for an answer in French


class LookalikeTerm(UsageError):
    """A vocabulary's property or class written otherwise than the vocabulary writes it; nothing was written."""

    status = 422
    code = "lookalike-term"

    def __init__(self, message: str, term: str, canonical: str, row: str | None = None, fr: str | None = None,
                 row_fr: str | None = None) -> None:
        super().__init__(message, fr)
        self.term = term
        self.canonical = canonical
        self.row = row
        self.row_fr = row_fr


class UndeclaredTerm(UsageError):
    """A property or class in the shared ontology's namespace that the ontology does not declare; nothing was
    written."""

    status = 422
    code = "undeclared-term"

    def __init__(self, message: str, term: str, subject: str, suggestion: str | None, row: str | None = None,
                 fr: str | None = None, row_fr: str | None = None) -> None:
        super().__init__(message, fr)
        self.term = term
        self.subject = subject
        self.suggestion = suggestion
        self.row = row
        self.row_fr = row_fr


class InstanceAsClass(UsageError):
    """A resource of this instance (`{base}id/…`, in any spelling) used as a class (a type, a superclass…); nothing
    was written."""

    status = 422
    code = "instance-as-class"

    def __init__(self, message: str, subject: str, term: str, row: str | None = None, fr: str | None = None,
                 row_fr: str | None = None) -> None:
        super().__init__(message, fr)
        self.subject = subject
        self.term = term
        self.row = row
        self.row_fr = row_fr


class InstanceAsProperty(InstanceAsClass):
    """A resource of this instance (`{base}id/…`, in any spelling) used as a property (a triple's predicate); nothing
    was written."""

    status = 422
    code = "instance-as-property"


class UndefinedKey(ParseError):
    """A JSON-LD key that is no term of the document's context, nor an IRI: its value would be dropped."""

    status = 422
    code = "undefined-key"

    def __init__(self, message: str, key: str, suggestion: str | None, fr: str | None = None) -> None:
        super().__init__(message, fr)
        self.key = key
        self.suggestion = suggestion


class Unauthorized(IsicError):
    """No valid credential was given."""

    status = 401
    code = "unauthorized"


class Forbidden(IsicError):
    """The credential does not allow this write."""

    status = 403
    code = "forbidden"


class NotFound(IsicError):
    """No such resource, graph or file."""

    status = 404
    code = "not-found"


class Gone(IsicError):
    """The resource was withdrawn by its network; the record says who, when and why."""

    status = 410
    code = "gone"

    def __init__(self, message: str, record: dict[str, str], fr: str | None = None) -> None:
        super().__init__(message, fr)
        self.record = record


class PreconditionFailed(IsicError):
    """The write's precondition (If-Match or If-None-Match) does not hold; nothing was written.

    If-Match names no current ETag of the target (another write came first), or If-None-Match: * and it exists."""

    status = 412
    code = "precondition-failed"


class StoreError(IsicError):
    """The store failed or could not be reached."""

    status = 502
    code = "store-error"
    public = False


class EngineFailed(StoreError):
    """The query engine answered this request with an error of its own; it is still running."""


class StoreLocked(StoreError):
    """The embedded store is opened by another process."""

    status = 409
    code = "store-locked"


class QueryTimeout(StoreError):
    """A query ran past the configured timeout; the engine was stopped and started again."""

    status = 503
    code = "query-timeout"
    public = True


class ValidationTimeout(QueryTimeout):
    """A validation ran past the query timeout and was stopped; nothing was stored."""

    code = "validation-timeout"


class NotAcceptable(UsageError):
    """No representation matches the Accept header."""

    status = 406
    code = "not-acceptable"


class UpdateNotAccepted(UsageError):
    """An update was sent where queries are asked (/sparql); updates go to /update."""

    status = 400
    code = "update-not-accepted"


class MethodNotAllowed(UsageError):
    """The HTTP method does not apply to this resource."""

    status = 405
    code = "method-not-allowed"


class SpaceOverlap(UsageError):
    """A peer's URI space would cover what is this instance's, the shared vocabularies' or another peer's."""


class StoreUnavailable(StoreError):
    """The query engine is restarting or unreachable; the client may retry shortly."""

    status = 503
    code = "store-unavailable"
    public = True


class StorageFull(StoreError):
    """The store's disk is full: nothing was written, and what is stored is still readable."""

    status = 507
    code = "storage-full"
    public = True


class BudgetExceeded(IsicError):
    """The client used up its query time; it may query again after Retry-After seconds."""

    status = 429
    code = "too-many-requests"

    def __init__(self, message: str, retry_after: int, fr: str | None = None) -> None:
        super().__init__(message, fr)
        self.retry_after = retry_after


class TooManyAtOnce(BudgetExceeded):
    """The client has as many costly requests running as it may; it may send another when one ends."""


class ServerBusy(BudgetExceeded):
    """Every costly-request slot of the server is taken; the client may send again after Retry-After seconds."""

    status = 503
    code = "server-busy"


class QueryTooLarge(IsicError):
    """The query is larger than the configured limit."""

    status = 413
    code = "query-too-large"


class UriTooLong(QueryTooLarge):
    """The request URI is longer than the configured limit."""

    status = 414
    code = "uri-too-long"


class BackupError(IsicError):
    """A backup could not be written; or is missing, damaged or unlike its manifest (refused before the store is
    touched); or the store does not hold, once restored, what the manifest lists."""

    status = 422
    code = "bad-backup"


class RestoreRefused(BackupError):
    """Graphs of a backup fail the checks that ingestion (or, for the instance's own graphs, fitting ones)
    would run on them; nothing was restored."""

    status = 422
    code = "backup-nonconforming"

    def __init__(self, message: str, problems: Sequence[Problem], fr: str | None = None) -> None:
        super().__init__(message, fr)
        self.problems = tuple(problems)


class PeerUnavailable(StoreError):
    """A peer could not be read; its last good copies were kept."""

    status = 502
    code = "peer-unavailable"
    public = True


class PeerTimeout(PeerUnavailable):
    """A peer did not answer in time."""

    status = 504
    code = "peer-timeout"


class PeerAnswerTooLarge(PeerUnavailable):
    """A peer's answer was larger than the bytes it could take (`limit`); what was read of it was dropped."""

    def __init__(self, message: str, limit: int, fr: str | None = None) -> None:
        super().__init__(message, fr)
        self.limit = limit


class DryRunFailed(IsicError):
    """The validation stopped before it could answer."""

    status = 500
    code = "dry-run-failed"
    public = False


class MigrationFailed(IsicError):
    """A data step of the model's editions could not be read or run (migrations/): the store was left as it was."""

    status = 500
    code = "migration-failed"
