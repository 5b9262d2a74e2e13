"""The catalog queries that read a live PostgreSQL database, one per kind of object.

Each reads its kind for the whole database, whatever the number of tables;
``designer.sql.readers.live`` runs them in one read-only transaction and builds the model.
"""

from __future__ import annotations

# Each query reads one kind of object for the whole database. {ns} filters
# namespaces (system schemas out, the caller's list in); {not_ext} drops objects
# an extension owns.

_NS = (
    "{n}.nspname NOT IN ('pg_catalog', 'information_schema')"
    " AND {n}.nspname !~ '^pg_(toast|temp_)'"
    " AND (%(schemas)s::text[] IS NULL OR {n}.nspname = ANY(%(schemas)s::text[]))"
)


def _ns(alias: str = "n") -> str:
    return _NS.format(n=alias)


def _not_ext(catalog: str, oid: str) -> str:
    return (
        f"NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '{catalog}'::regclass"
        f" AND e.objid = {oid} AND e.deptype = 'e')"
    )


def _names(attnums: str, relid: str, where: str = "") -> str:
    """SQL for the column names of an attnum array, in array order."""
    return (
        f"ARRAY(SELECT a.attname::text FROM unnest({attnums}) WITH ORDINALITY k(num, ord)"
        f" JOIN pg_attribute a ON a.attrelid = {relid} AND a.attnum = k.num"
        f" {where} ORDER BY k.ord)"
    )


Q_SCHEMAS = f"""
SELECT n.nspname, obj_description(n.oid, 'pg_namespace')
FROM pg_namespace n
WHERE {_ns()} AND n.nspname <> 'public' AND {_not_ext("pg_namespace", "n.oid")}
ORDER BY n.nspname
"""

# The comment an extension's control file gives is not the user's: keep only others.
Q_EXTENSIONS = """
SELECT x.extname, n.nspname,
       NULLIF(obj_description(x.oid, 'pg_extension'), ae.comment)
FROM pg_extension x
JOIN pg_namespace n ON n.oid = x.extnamespace
LEFT JOIN pg_available_extensions ae ON ae.name = x.extname
WHERE x.extname <> 'plpgsql'
ORDER BY x.extname
"""

Q_ENUMS = f"""
SELECT n.nspname, t.typname,
       ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid
             ORDER BY e.enumsortorder),
       obj_description(t.oid, 'pg_type')
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' AND {_ns()} AND {_not_ext("pg_type", "t.oid")}
ORDER BY n.nspname, t.typname
"""

Q_DOMAINS = f"""
SELECT t.oid, n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull,
       pg_get_expr(t.typdefaultbin, 0),
       CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation
            THEN cn.nspname END,
       CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation
            THEN co.collname END,
       obj_description(t.oid, 'pg_type')
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_collation co ON co.oid = t.typcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
WHERE t.typtype = 'd' AND {_ns()} AND {_not_ext("pg_type", "t.oid")}
ORDER BY n.nspname, t.typname
"""

Q_DOMAIN_CHECKS = f"""
SELECT con.contypid, con.conname, pg_get_expr(con.conbin, 0), con.convalidated
FROM pg_constraint con
JOIN pg_type t ON t.oid = con.contypid
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE con.contype = 'c' AND {_ns()}
ORDER BY con.conname
"""

# Identity sequences (deptype 'i') belong to their column; serial sequences have
# deptype 'a' on the column and stay sequences with OWNED BY.
Q_SEQUENCES = f"""
SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
       s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
       own.nspname, own.relname, own.attname,
       obj_description(c.oid, 'pg_class')
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN LATERAL (
    SELECT tn.nspname, tc.relname, a.attname
    FROM pg_depend d
    JOIN pg_class tc ON tc.oid = d.refobjid
    JOIN pg_namespace tn ON tn.oid = tc.relnamespace
    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
      AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype = 'a'
    LIMIT 1
) own ON true
WHERE {_ns()} AND {_not_ext("pg_class", "c.oid")}
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'i')
ORDER BY n.nspname, c.relname
"""

Q_RELATIONS = f"""
SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence = 'u', c.reloptions,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
       c.relispartition,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,
       c.relrowsecurity, c.relforcerowsecurity,
       obj_description(c.oid, 'pg_class'),
       ARRAY(SELECT pn.nspname::text FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent
             JOIN pg_namespace pn ON pn.oid = pc.relnamespace
             WHERE i.inhrelid = c.oid ORDER BY i.inhseqno),
       ARRAY(SELECT pc.relname::text FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent
             WHERE i.inhrelid = c.oid ORDER BY i.inhseqno),
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END,
       c.relispopulated,
       c.relispartition AND EXISTS (
           SELECT FROM pg_constraint cn
           JOIN pg_attribute ca ON ca.attrelid = cn.conrelid AND ca.attnum = cn.conkey[1]
           JOIN pg_inherits i ON i.inhrelid = cn.conrelid
           JOIN pg_attribute pa ON pa.attrelid = i.inhparent AND pa.attname = ca.attname
           JOIN pg_constraint pn ON pn.conrelid = i.inhparent AND pn.contype = 'n'
                AND pn.conkey[1] = pa.attnum
           WHERE cn.conrelid = c.oid AND cn.contype = 'n' AND cn.conname <> pn.conname),
       c.reltuples::bigint
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND {_ns()} AND {_not_ext("pg_class", "c.oid")}
ORDER BY n.nspname, c.relname
"""

Q_COLUMNS = f"""
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated, a.attislocal,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN cn.nspname END,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN co.collname END,
       col_description(a.attrelid, a.attnum),
       c.relname, idseq.nspname, idseq.relname, format_type(idseq.seqtypid, NULL),
       idseq.seqstart, idseq.seqincrement, idseq.seqmin, idseq.seqmax, idseq.seqcache,
       idseq.seqcycle, n.nspname
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN LATERAL (
    SELECT sn.nspname, sc.relname, s.*
    FROM pg_depend d
    JOIN pg_sequence s ON s.seqrelid = d.objid
    JOIN pg_class sc ON sc.oid = d.objid
    JOIN pg_namespace sn ON sn.oid = sc.relnamespace
    WHERE a.attidentity <> '' AND d.classid = 'pg_class'::regclass
      AND d.refclassid = 'pg_class'::regclass AND d.refobjid = a.attrelid
      AND d.refobjsubid = a.attnum AND d.deptype = 'i'
    LIMIT 1
) idseq ON true
WHERE a.attnum > 0 AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p', 'v', 'm') AND {_ns()} AND {_not_ext("pg_class", "c.oid")}
ORDER BY a.attrelid, a.attnum
"""

# conparentid <> 0: cloned onto a partition from the parent's constraint;
# NOT conislocal: inherited from a parent table. Both come with the parent.
# NOT NULL constraints (contype 'n', PostgreSQL 18) are Column.nullable.
Q_CONSTRAINTS = f"""
SELECT con.conrelid, con.conname, con.contype,
       {_names("con.conkey", "con.conrelid")},
       fn.nspname, fc.relname,
       {_names("con.confkey", "con.confrelid")},
       con.confupdtype, con.confdeltype, con.confmatchtype,
       con.condeferrable, con.condeferred, con.convalidated, con.connoinherit,
       {{conperiod}},
       {{delsetcols}},
       {{nulls_not_distinct}},
       {_names("i.indkey::int2[]", "i.indrelid", "WHERE k.ord > i.indnkeyatts")},
       CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END,
       CASE WHEN con.contype = 'x' THEN pg_get_constraintdef(con.oid) END
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_index i ON i.indexrelid = con.conindid AND con.contype IN ('p', 'u', 'x')
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND con.conparentid = 0 AND con.conislocal
  AND c.relkind IN ('r', 'p') AND {_ns()} AND {_not_ext("pg_class", "c.oid")}
ORDER BY con.conrelid, con.conname
"""

# Indexes backing a PK/UNIQUE/EXCLUDE constraint are the constraint. Indexes of
# partitions attached to a parent's partitioned index (pg_inherits on indexes)
# are created by PostgreSQL from the parent's index, so only the parent lists it.
Q_INDEXES = f"""
SELECT i.indrelid, ic.relname, pg_get_indexdef(i.indexrelid), am.amname, i.indisunique,
       {{nulls_not_distinct}}, ic.reloptions, ts.spcname,
       obj_description(i.indexrelid, 'pg_class')
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_tablespace ts ON ts.oid = ic.reltablespace
WHERE c.relkind IN ('r', 'p', 'm') AND {_ns()} AND {_not_ext("pg_class", "c.oid")}
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid
                  AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))
  AND NOT EXISTS (SELECT 1 FROM pg_inherits inh WHERE inh.inhrelid = i.indexrelid)
ORDER BY i.indrelid, ic.relname
"""

Q_POLICIES = f"""
SELECT p.polrelid, p.polname, p.polcmd, p.polpermissive,
       ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END
             FROM unnest(p.polroles) r ORDER BY 1),
       pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
       obj_description(p.oid, 'pg_policy')
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE {_ns()}
ORDER BY p.polrelid, p.polname
"""

# A view depends on another view through its rewrite rule.
Q_VIEW_DEPENDENCIES = f"""
SELECT DISTINCT r.ev_class, d.refobjid
FROM pg_rewrite r
JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
  AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class dc ON dc.oid = d.refobjid AND dc.relkind IN ('v', 'm')
WHERE c.relkind IN ('v', 'm') AND {_ns()}
"""


def versioned(query: str, version: int) -> str:
    """Fill in catalog columns that older servers lack with their implied value."""
    return query.format(
        conperiod="con.conperiod" if version >= 180000 else "false",
        delsetcols=_names("con.confdelsetcols", "con.conrelid")
        if version >= 150000
        else "ARRAY[]::text[]",
        nulls_not_distinct="i.indnullsnotdistinct" if version >= 150000 else "false",
    )
