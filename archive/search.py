"""Chinese full-text search over the archived text of every report version.

Two FTS5 indexes hold one normalised form of each version's title and text
(NFKC, traditional → simplified, lower case, no spaces between Chinese
characters), so 復議 finds 复议 and ２０１９ finds 2019:

* ``search_trigram`` (trigram tokenizer) answers terms of three or more
  characters and keeps the normalised text for context snippets;
* ``search_chars`` (contentless, one token per character) answers the one- and
  two-character terms researchers mostly type (复议, 诉讼), as phrases of single
  characters. The trigram index cannot match fewer than three characters, and
  a word segmenter would miss a word it joined to its neighbour (行政复议), so
  this index finds every text that contains the term.

A query is split on spaces and every term must occur (AND). Indexing is
explicit and batched (:func:`index_versions` after a batch of writes,
:func:`forget_versions` before a version's text is rewritten by a re-parse,
:func:`index_pending` to catch up): FTS triggers make bulk writes to a trigram
table many times slower.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from parsers.labels import CharSet, t2s_entries

if TYPE_CHECKING:  # the analysis processes make index entries and never open the archive
    import sqlite_utils


def _t2s_table() -> dict[int, str]:
    """OpenCC's traditional → simplified character table (first candidate), for ``str.translate``.

    Character by character, unlike OpenCC's phrase-aware conversion, but many
    times faster, and the index and the queries are folded the same way.
    """
    return {ord(source): target for source, target in t2s_entries("TSCharacters.txt").items()
            if len(source) == 1 and target and target != source}


_T2S = _t2s_table()
# The characters translate() would change: it costs a dict lookup a character, and most texts hold none.
_T2S_CHARS = CharSet(map(chr, _T2S))
_WIDE = tuple((wide, unicodedata.normalize("NFKC", wide)) for wide in "，；（）：！？％")
_HAN = r"[\u2e80-\u9fff\uf900-\ufaff]"
_HAN_GAP = re.compile(rf"(?<={_HAN})\s+(?={_HAN})")
# Stands in for punctuation in the per-character index, so 复，议 is not 复议.
_SEPARATOR = "\ue000"
_NOT_ALNUM = re.compile(r"[\W_]")  # \w is str.isalnum() plus "_"
_BATCH = 200
TRIGRAM_MIN = 3


def create_indexes(db: sqlite_utils.Database) -> None:
    """The two FTS5 tables; rowid is ``report_versions.id``.

    The trigram index matches case as it is: text and queries are already lower
    case, and folding case again cost a quarter of its writes (archives made
    before this fold it anyway, with the same results).
    """
    db.execute("create virtual table search_trigram using fts5(body, tokenize='trigram case_sensitive 1')")
    db.execute("create virtual table search_chars using fts5(body, content='', tokenize='unicode61')")


def _nfkc(text: str) -> str:
    """NFKC, quicker on Chinese text: its full-width punctuation, the characters NFKC changes
    there, is replaced first (each maps to one unchanging character, so the result is the same),
    and then most texts need nothing more."""
    for wide, narrow in _WIDE:
        text = text.replace(wide, narrow)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def normalise(text: str) -> str:
    """The form both the index and the queries are reduced to."""
    text = _nfkc(text)
    if _T2S_CHARS.found_in(text):
        text = text.translate(_T2S)
    text = _HAN_GAP.sub("", text)
    return " ".join(text.split()).lower()  # runs of blanks as one space, none at the ends


def _char_tokens(normalised: str) -> str:
    """One token a character; spaces, the only blanks normalised text keeps, go."""
    return _spaced(_NOT_ALNUM.sub(_SEPARATOR, normalised.replace(" ", "")))


def _spaced(text: str) -> str:
    """``" ".join(text)``, by slicing its UTF-32 bytes (a character is 4 of them, and so is the
    space put after it): iterating a Chinese text makes an object of every character."""
    raw = text.encode("utf-32-le")
    out = bytearray(2 * len(raw))
    for byte in range(4):
        out[byte::8] = raw[byte::4]
    out[4::8] = b" " * len(text)
    return out[:-4].decode("utf-32-le")


def index_entry(title: str | None, text: str | None) -> tuple[str, str]:
    """What the two indexes hold for a version: its normalised text and per-character tokens.

    The crawl makes it in its analysis processes, so the archive's writer only inserts it.
    """
    body = normalise(f"{title or ''}\n{text or ''}")
    return body, _char_tokens(body)


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@dataclass(frozen=True)
class Query:
    """A search split into terms for the trigram index and terms for the per-character index."""

    long: tuple[str, ...]
    short: tuple[str, ...]

    @classmethod
    def parse(cls, q: str) -> Query:
        terms = [t for t in (normalise(word) for word in q.split()) if any(ch.isalnum() for ch in t)]
        return cls(tuple(t for t in terms if len(t) >= TRIGRAM_MIN),
                   tuple(t for t in terms if len(t) < TRIGRAM_MIN))

    @property
    def empty(self) -> bool:
        return not (self.long or self.short)

    def trigram_match(self) -> str:
        return " AND ".join(_phrase(t) for t in self.long)

    def chars_match(self) -> str:
        return " AND ".join(_phrase(_char_tokens(t)) for t in self.short)

    def where(self, column: str, prefix: str = "zfxxgk") -> tuple[str, dict[str, str]]:
        """SQL condition that ``column`` (a version id) matches every term, with its parameters."""
        if self.empty:
            return "0", {}
        clauses, params = [], {}
        if self.long:
            clauses.append(f"{column} in (select rowid from search_trigram "
                           f"where search_trigram match :{prefix}_long)")
            params[f"{prefix}_long"] = self.trigram_match()
        if self.short:
            clauses.append(f"{column} in (select rowid from search_chars where search_chars match :{prefix}_short)")
            params[f"{prefix}_short"] = self.chars_match()
        return "(" + " and ".join(clauses) + ")", params

    @property
    def first(self) -> str:
        return (self.long + self.short)[0] if not self.empty else ""


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _BATCH):
        yield ids[start:start + _BATCH]


def index_versions(db: sqlite_utils.Database, version_ids: Iterable[int],
                   entries: Mapping[int, tuple[str, str]] | None = None) -> int:
    """Add these versions to both indexes (skipping any already there); returns how many were added.

    ``entries``: ready-made :func:`index_entry` values by version id; the others are read and made here.
    Runs in the caller's transaction: call it after a batch of new versions is written.
    """
    added, entries = 0, entries or {}
    for chunk in _chunks(sorted(set(version_ids))):
        marks = ",".join("?" * len(chunk))
        done = {r[0] for r in db.execute(f"select rowid from search_trigram where rowid in ({marks})", chunk)}
        todo = [vid for vid in chunk if vid not in done and vid not in entries]
        made: dict[int, tuple[str, str]] = {}
        if todo:  # the crawl's own versions come with their entries: nothing to read back
            made = {r[0]: index_entry(r[1], r[2]) for r in db.execute(
                f"select id, title, text from report_versions where id in ({','.join('?' * len(todo))})", todo)}
        rows = [(vid, *(entries.get(vid) or made[vid])) for vid in chunk
                if vid not in done and (vid in entries or vid in made)]
        db.conn.executemany("insert into search_trigram(rowid, body) values (?, ?)", [r[:2] for r in rows])
        db.conn.executemany("insert into search_chars(rowid, body) values (?, ?)", [(r[0], r[2]) for r in rows])
        added += len(rows)
    return added


def forget_versions(db: sqlite_utils.Database, version_ids: Iterable[int]) -> None:
    """Take these versions out of both indexes (their text is about to change), in the caller's transaction.

    The per-character index keeps no text, so its entries are deleted with the
    tokens rebuilt from the normalised text the trigram index keeps.
    """
    for chunk in _chunks(sorted(set(version_ids))):
        marks = ",".join("?" * len(chunk))
        rows = [(r[0], _char_tokens(r[1])) for r in db.execute(
            f"select rowid, body from search_trigram where rowid in ({marks})", chunk)]
        db.conn.executemany("insert into search_chars(search_chars, rowid, body) values ('delete', ?, ?)", rows)
        db.execute(f"delete from search_trigram where rowid in ({marks})", chunk)


def index_pending(db: sqlite_utils.Database) -> int:
    """Index every version not yet indexed (after an interrupted write or an upgrade), in one transaction."""
    ids = [r[0] for r in db.execute(
        "select id from report_versions where id not in (select rowid from search_trigram)")]
    with db.conn:
        return index_versions(db, ids)


def rebuild(db: sqlite_utils.Database) -> int:
    """Empty and refill both indexes (after a change of the normalisation)."""
    with db.conn:
        db.execute("delete from search_trigram")
        db.execute("insert into search_chars(search_chars) values ('delete-all')")
    return index_pending(db)


def search_sql(q: str, limit: int = 50) -> tuple[str, dict[str, Any]]:
    """SQL (and its parameters) listing reports with a version containing every term of ``q``, with context."""
    query = Query.parse(q)
    where, params = query.where("v.id")
    sql = f"""
        select r.id as report_id, r.agency, r.region, r.year, r.title, max(v.version) as version,
               substr(t.body, max(1, instr(t.body, :zfxxgk_first) - 30), 90) as context
        from report_versions v join reports r on r.id = v.report_id
        join search_trigram t on t.rowid = v.id
        where {where}
        group by r.id order by r.year desc, r.agency limit :zfxxgk_limit"""
    return sql, {**params, "zfxxgk_first": query.first, "zfxxgk_limit": limit}


def search(db: sqlite_utils.Database, q: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """Reports with a version that contains every term of ``q``, newest year first, with context."""
    sql, params = search_sql(q, limit)
    return list(db.query(sql, params))


def highlight(context: str, q: str) -> list[tuple[str, bool]]:
    """``context`` cut into (piece, is a search term) pieces, for marking the terms up safely."""
    terms = sorted({t for t in (normalise(w) for w in q.split()) if t}, key=len, reverse=True)
    if not terms:
        return [(context, False)]
    pattern = re.compile("|".join(re.escape(t) for t in terms))
    pieces, at = [], 0
    for match in pattern.finditer(context):
        pieces += [(context[at:match.start()], False), (match.group(), True)]
        at = match.end()
    return [p for p in [*pieces, (context[at:], False)] if p[0]]
