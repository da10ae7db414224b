"""Install hooks: the phone lookup keys of existing contacts and leads, filled in bulk.

Left to the ORM, installing the stored computed fields ``pbx_phone_key``/``pbx_mobile_key`` on a
populated database computes them record by record: 8 minutes on 1,000,000 contacts + 200,000
leads, with ``res_partner`` and ``crm_lead`` locked (ACCESS EXCLUSIVE, from ALTER TABLE) until the
install commits, then slow lookups until autoanalyze has run. So the pre-init hook creates the
columns itself (as ``varchar``, the type Odoo gives a Char) and fills them with the same
``lib.phone.index_key`` and the same country as ``_compute_pbx_keys``. Odoo then finds the columns
present and recomputes nothing: ``Field.update_db`` asks for a recompute only of a column it
creates itself (Odoo 17 to 19 ``_auto_init``). Odoo 19 has no ``mobile``, so no ``pbx_mobile_key``
(``KEY_FIELDS``).

On a large table (``SIDE_MIN_ROWS``) the work runs on a separate connection, so that no lock
it takes outlives one short statement: ADD COLUMN (instant: nullable, no default) under a short
lock_timeout, retried; batches of ``BATCH_SIZE`` rows, each its own transaction (row locks only);
CREATE INDEX CONCURRENTLY; ANALYZE, so that the planner uses the indexes at once; last, the rows
other Odoo processes wrote meanwhile (their registry does not know the keys yet) are re-keyed.
On a small table (a fresh database, the tests) all of it runs in the install transaction.

Raw SQL throughout, on purpose and measured (docs/performance.md): the ORM is the slow path this
replaces. Table and column names come only from the constants below, values are parameters.
"""

import logging
import time

import psycopg2
import psycopg2.errors

from odoo import sql_db

from .lib import phone
from .models import odoo_compat
from .models.pbx_phone_key_mixin import KEY_FIELDS, key_indexes

_logger = logging.getLogger(__name__)

#: Tables of the models inheriting pbx.phone.key.mixin (crm is a dependency: crm_lead exists).
KEYED_TABLES = ("res_partner", "crm_lead")
BATCH_SIZE = 10_000
#: From this many rows in a table, fill on a side connection (below, it takes about a second).
SIDE_MIN_ROWS = 20_000
LOCK_TIMEOUT_MS = 2_000
LOCK_ATTEMPTS = 30

_NEEDS_KEYS = " OR ".join(
    f"t.{column} IS NOT NULL" for pair in KEY_FIELDS for column in pair)
_NUMBERS = ", ".join(f"t.{source}" for source, _column in KEY_FIELDS)
_KEYS = ", ".join(column for _source, column in KEY_FIELDS)
_SET_KEYS = ", ".join(f"{column} = v.{column}" for _source, column in KEY_FIELDS)
_KEYS_DIFFER = " OR ".join(
    f"t.{column} IS DISTINCT FROM v.{column}" for _source, column in KEY_FIELDS)
_KEY_ARRAYS = ", ".join("%s::varchar[]" for _pair in KEY_FIELDS)


def key_rows(rows):
    """``[(id, phone, [mobile,] country code)]`` → ``[(id, phone key, [mobile key])]``: the
    numbers and keys of ``KEY_FIELDS`` (no mobile on Odoo 19), in that order.

    Exactly ``_compute_pbx_keys``: ``index_key(value, country_id.code or None)``.
    """
    return [
        (rid, *(phone.index_key(number, code or None) for number in numbers))
        for rid, *numbers, code in rows
    ]


def fill_keys(cr, table, where="", params=(), batch_size=BATCH_SIZE, commit=None):
    """(Re)compute the keys of ``table``'s rows matching ``where`` (SQL on alias ``t``).

    Rows are read in id order, ``batch_size`` at a time (keyset pagination: no snapshot or
    cursor is held from one batch to the next), locked for the time of their batch, and only
    rows whose keys differ are written. ``commit`` (if given) is called after each batch.
    Returns ``(rows read, rows written)``.
    """
    assert table in KEYED_TABLES
    condition = f"({_NEEDS_KEYS})" + (f" AND ({where})" if where else "")
    last_id = read = written = 0
    while True:
        cr.execute(f"""
            SELECT t.id, {_NUMBERS}, c.code
              FROM {table} t LEFT JOIN res_country c ON c.id = t.country_id
             WHERE t.id > %s AND {condition}
             ORDER BY t.id LIMIT %s
               FOR NO KEY UPDATE OF t""", (last_id, *params, batch_size))
        rows = cr.fetchall()
        if not rows:
            return read, written
        last_id = rows[-1][0]
        keyed = key_rows(rows)
        cr.execute(f"""
            UPDATE {table} t SET {_SET_KEYS}
              FROM unnest(%s::int[], {_KEY_ARRAYS}) AS v(id, {_KEYS})
             WHERE t.id = v.id AND ({_KEYS_DIFFER})""", [list(column) for column in zip(*keyed)])
        written += cr.rowcount
        read += len(rows)
        if commit:
            commit()


def _table_exists(cr, table):
    cr.execute("SELECT to_regclass(%s) IS NOT NULL", (table,))
    return cr.fetchone()[0]


def _missing_key_columns(cr, table):
    cr.execute("""
        SELECT column_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = %s AND column_name IN %s
    """, (table, tuple(column for _source, column in KEY_FIELDS)))
    present = {name for (name,) in cr.fetchall()}
    return [column for _source, column in KEY_FIELDS if column not in present]


def _add_columns_sql(table, columns):
    # varchar without length: what Odoo creates for a Char, so _auto_init converts nothing
    return f"ALTER TABLE {table} " + ", ".join(
        f"ADD COLUMN IF NOT EXISTS {column} varchar" for column in columns)


def _has_rows(cr, table, count):
    cr.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT %s) s", (count,))
    return cr.fetchone()[0] >= count


# ---- in the install transaction ----------------------------------------------------------------

def _prefill_in_transaction(cr, tables):
    for table in tables:
        t0 = time.monotonic()
        missing = _missing_key_columns(cr, table)
        if missing:
            cr.execute(_add_columns_sql(table, missing))
        read, written = fill_keys(cr, table)
        # the indexes are left to the mixin's init(), later in this same transaction
        cr.execute(f"ANALYZE {table}")
        _logger.info("pbx_callcenter: %s keys filled in the install transaction: %d rows read, "
                     "%d written, %.1f s", table, read, written, time.monotonic() - t0)


# ---- on a side connection ----------------------------------------------------------------------

def _with_lock_retries(cur, query):
    """Run DDL needing a strong lock without queueing every other session behind it for long."""
    for _attempt in range(LOCK_ATTEMPTS):
        cur.execute("SET lock_timeout = %s", (LOCK_TIMEOUT_MS,))
        try:
            cur.execute(query)
            return
        except psycopg2.errors.LockNotAvailable:
            time.sleep(1)
        finally:
            cur.execute("SET lock_timeout = 0")
    cur.execute(query)  # a session keeps the table busy: wait for it, as the ORM would


def _build_index_concurrently(cur, table, name, expression, where):
    cur.execute("""
        SELECT i.indisvalid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid
         WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace""", (name,))
    row = cur.fetchone()
    if row and row[0]:
        return
    if row:  # left invalid by an interrupted CREATE INDEX CONCURRENTLY
        cur.execute(f"DROP INDEX CONCURRENTLY {name}")
    cur.execute(f"CREATE INDEX CONCURRENTLY {name} ON {table} USING btree ({expression}) "
                f"WHERE {where}")


def _side_connection(dbname):
    _db, info = sql_db.connection_info_for(dbname)
    return psycopg2.connect(**info)


def rekey_written_since(cr, since, commit=None):
    """Re-key the rows written from ``since`` (naive UTC, like write_date) on."""
    for table in KEYED_TABLES:
        if _table_exists(cr, table):
            _read, written = fill_keys(cr, table, "t.write_date >= %s", (since,), commit=commit)
            if commit:
                commit()
            if written:
                _logger.info("pbx_callcenter: %s: %d rows written during the fill re-keyed",
                             table, written)


def _prefill_on_side_connection(dbname, tables):
    conn = _side_connection(dbname)
    try:
        cur = conn.cursor()
        # Rows written meanwhile by Odoo processes that do not compute the keys yet are re-keyed at
        # the end; Odoo stamps write_date with its transaction's start, hence the oldest open one.
        cur.execute("""SELECT least(now(), min(xact_start)) AT TIME ZONE 'UTC' -- as write_date
                         FROM pg_stat_activity WHERE datname = current_database()""")
        since = cur.fetchone()[0]
        conn.commit()
        for table in tables:
            t0 = time.monotonic()
            conn.autocommit = True
            missing = _missing_key_columns(cur, table)
            if missing:
                _with_lock_retries(cur, _add_columns_sql(table, missing))
            t_columns = time.monotonic()
            conn.autocommit = False
            read, written = fill_keys(cur, table, commit=conn.commit)
            conn.commit()  # the last, empty batch's transaction
            t_fill = time.monotonic()
            conn.autocommit = True
            for name, expression, where in key_indexes(table):
                _build_index_concurrently(cur, table, name, expression, where)
            t_index = time.monotonic()
            cur.execute(f"ANALYZE {table}")
            _logger.info(
                "pbx_callcenter: %s keys filled on a side connection: %d rows read, %d written; "
                "columns %.1f s, fill %.1f s, indexes %.1f s, analyze %.1f s", table, read,
                written, t_columns - t0, t_fill - t_columns, t_index - t_fill,
                time.monotonic() - t_index)
        conn.autocommit = False
        # Not later, in a post-init hook: from its new foreign keys to res_partner and crm_lead
        # on, the install transaction holds a lock that blocks every write to them, a side
        # connection's included, and its own REPEATABLE READ snapshot, taken when this hook
        # returns, would not show the rows written after that. A row written in those few
        # seconds, or by a process that has not reloaded its registry after the install, keeps
        # stale keys until its next edit, as with the ORM's own install.
        rekey_written_since(cur, since, commit=conn.commit)
    finally:
        conn.close()


# ---- hooks -------------------------------------------------------------------------------------

def pre_init_hook(env):
    cr = env.cr
    tables = [table for table in KEYED_TABLES if _table_exists(cr, table)]
    if any(_has_rows(cr, table, SIDE_MIN_ROWS) for table in tables) \
            and not odoo_compat.in_test_mode(env.registry):
        # Commit what the install has done so far: module list and states, as Odoo itself commits
        # them before loading in button_immediate_install and after each module it installs.
        # Needed twice: the side connection's ALTER TABLE and CREATE INDEX CONCURRENTLY would
        # otherwise wait for this very transaction's locks and snapshot, and this transaction
        # (REPEATABLE READ) would not see the new columns, so _auto_init would add them again.
        cr.commit()
        _prefill_on_side_connection(cr.dbname, tables)
    else:
        _prefill_in_transaction(cr, tables)
