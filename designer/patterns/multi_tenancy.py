"""Multi-tenancy: tenant_id on one table or every table, keys and foreign keys that include
it, and forced row-level security that keeps each tenant to its own rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from designer.patterns.base import (
    ERR_ALREADY_APPLIED,
    ERR_NO_PRIMARY_KEY,
    Pattern,
    PatternError,
    PatternOption,
    PatternResult,
    new_column,
    object_name,
    table_ref,
    target_table,
    valid_name,
)
from designer.schema.model import (
    Column,
    ForeignKey,
    IndexPart,
    Policy,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
)
from designer.schema.sqltext import normalize_expr, quote_ident

ERR_TENANTS_KEY = "Table “{table}” needs a single-column primary key for tenant_id to reference it."
ERR_NO_TENANT_TABLES = "No table is left to make tenant-scoped."


def _tenants_table(name: str) -> Table:
    return Table(
        name=name,
        columns=(
            Column(name="id", type="bigint", nullable=False, identity="ALWAYS"),
            new_column("name", "text", nullable=False),
            new_column("created_at", "timestamptz", nullable=False, default="now()"),
        ),
        primary_key=PrimaryKey(columns=("id",)),
        comment="The customers whose data the other tables keep apart.",
    )


def _lead_with(parts: tuple[IndexPart, ...], column: str) -> tuple[IndexPart, ...]:
    return (IndexPart(column=column), *parts)


def apply_multi_tenancy(
    schema: Schema,
    *,
    table: str | None = None,
    tenants_table: str = "tenants",
    column: str = "tenant_id",
) -> PatternResult:
    """Scope one table (or every table when ``table`` is None) to a tenant, with forced RLS."""
    valid_name(tenants_table)
    valid_name(column)
    notes: list[str] = []
    tenants = schema.table(tenants_table)
    if tenants is None:
        tenants = _tenants_table(tenants_table)
        schema = schema.with_table(tenants)
        notes.append(f"New table {tenants_table}: one row per tenant.")
    if tenants.primary_key is None or len(tenants.primary_key.columns) != 1:
        raise PatternError(ERR_TENANTS_KEY.format(table=tenants.qualified_name))
    tenant_pk = tenants.primary_key.columns[0]
    pk_col = tenants.column(tenant_pk)
    tenant_type = {"serial": "integer", "bigserial": "bigint"}.get(
        pk_col.type if pk_col else "bigint", pk_col.type if pk_col else "bigint"
    )
    if table:
        targets = [target_table(schema, table)]
        if (targets[0].schema, targets[0].name) == (tenants.schema, tenants.name):
            raise PatternError(ERR_ALREADY_APPLIED.format(table=targets[0].qualified_name))
        if targets[0].column(column) is not None:
            raise PatternError(ERR_ALREADY_APPLIED.format(table=targets[0].qualified_name))
    else:
        targets = [
            t
            for t in schema.tables
            if t.partition_of is None
            and (t.schema, t.name) != (tenants.schema, tenants.name)
            and t.column(column) is None
        ]
    if not targets:
        raise PatternError(ERR_NO_TENANT_TABLES)
    for t in targets:
        if t.primary_key is None:
            raise PatternError(ERR_NO_PRIMARY_KEY.format(table=t.qualified_name))
    scoped = {(t.schema, t.name): t for t in targets}
    # Tables already scoped by an earlier run count as tenant parents too.
    parents = {
        (t.schema, t.name): t
        for t in schema.tables
        if (t.schema, t.name) in scoped
        or (t.column(column) is not None and t.rls_enabled and t.primary_key)
    }
    rule = normalize_expr(
        f"{quote_ident(column)} = current_setting('app.tenant_id')::{tenant_type}"
    )
    # The default tolerates an unset setting (NULL, refused by NOT NULL with a clear message)
    # so the column can be added to an empty table without a tenant set.
    default = normalize_expr(f"nullif(current_setting('app.tenant_id', true), '')::{tenant_type}")
    for t in targets:
        schema = schema.with_table(
            _scope_table(t, column, tenant_type, default, rule, tenants, tenant_pk, parents)
        )
    names = ", ".join(sorted(t.qualified_name for t in targets))
    notes += [
        f"Tenant-scoped: {names}. Each gets {column} NOT NULL referencing"
        f" {tenants_table}({tenant_pk}), defaulting to the session's app.tenant_id.",
        f"The primary key stays (id): ids stay unique across tenants, URLs and caches keep"
        f" working, and nothing that references the table breaks. A UNIQUE ({column}, id)"
        " is added beside it so child tables can reference (tenant_id, id): a child row can"
        " then never point at another tenant's parent.",
        "Foreign keys between tenant-scoped tables now include tenant_id; unique keys and"
        " btree indexes lead with tenant_id (uniqueness is per tenant, and every query"
        " filtered by the policy can use them).",
        "Row-level security is enabled and FORCED with a policy comparing tenant_id to"
        " current_setting('app.tenant_id'): USING hides other tenants' rows, WITH CHECK"
        " refuses writing them. FORCE makes the table's owner subject to it too; only"
        " superusers and roles with BYPASSRLS are not.",
        "Set the tenant per transaction with SELECT set_config('app.tenant_id', $1, true)"
        " (safe behind a connection pooler). Without a tenant set, queries fail (an unset or"
        " empty setting cannot be cast) rather than show every tenant's rows.",
        f"Existing rows need a tenant: run the migration with app.tenant_id set to the"
        f" tenant that owns them (the default fills {column}), or backfill it first.",
    ]
    first = targets[0]
    examples = [
        f"INSERT INTO {table_ref(tenants)} (name) VALUES ($1) RETURNING {quote_ident(tenant_pk)};",
        "SELECT set_config('app.tenant_id', $1, true);",
        f"SELECT * FROM {table_ref(first)};",
    ]
    return PatternResult(schema, notes, examples)


def _scope_table(
    t: Table,
    column: str,
    tenant_type: str,
    default: str,
    rule: str,
    tenants: Table,
    tenant_pk: str,
    parents: Mapping[tuple[str, str], Table],
) -> Table:
    assert t.primary_key is not None
    pk = t.primary_key.columns
    tenant_col = Column(name=column, type=tenant_type, nullable=False, default=default)
    fks = [
        ForeignKey(
            columns=(column,),
            ref_table=tenants.name,
            ref_schema=tenants.schema,
            ref_columns=(tenant_pk,),
            name=object_name(t.name, column, suffix="fkey"),
        )
    ]
    for fk in t.foreign_keys:
        parent = parents.get((fk.ref_schema, fk.ref_table))
        if (
            parent is None
            or parent.primary_key is None
            or fk.ref_columns != parent.primary_key.columns
            or column in fk.columns
        ):
            fks.append(fk)
            continue
        on_delete_columns = fk.on_delete_columns
        if fk.on_delete in ("SET NULL", "SET DEFAULT") and not on_delete_columns:
            # Nulling tenant_id too would break NOT NULL: null only the original columns.
            on_delete_columns = fk.columns
        fks.append(
            replace(
                fk,
                columns=(column, *fk.columns),
                ref_columns=(column, *fk.ref_columns),
                on_delete_columns=on_delete_columns,
            )
        )
    uniques = [
        UniqueConstraint(columns=(column, *pk), name=object_name(t.name, column, *pk, suffix="key"))
    ]
    for u in t.uniques:
        uniques.append(u if column in u.columns else replace(u, columns=(column, *u.columns)))
    indexes = []
    for ix in t.indexes:
        if ix.method == "btree" and column not in ix.column_names:
            ix = replace(ix, parts=_lead_with(ix.parts, column))
        indexes.append(ix)
    policy = Policy(name="tenant_isolation", using=rule, with_check=rule)
    return replace(
        t,
        columns=(*t.columns, tenant_col),
        foreign_keys=tuple(fks),
        uniques=tuple(uniques),
        indexes=tuple(indexes),
        rls_enabled=True,
        rls_forced=True,
        policies=(*(p for p in t.policies if p.name != policy.name), policy),
    )


PATTERN = Pattern(
    "multi-tenancy",
    "Multi-tenancy",
    "tenant_id on the chosen table (or every table) with forced row-level security:"
    " each tenant sees only its own rows.",
    "table",
    apply_multi_tenancy,
    (
        PatternOption("tenants_table", "Tenants table", "tenants"),
        PatternOption("column", "Column", "tenant_id"),
    ),
    all_tables=True,
)
