"""SQL in and out of the schema model.

``dialects/`` (one module per dialect, the ``DIALECTS`` registry), ``readers/`` (SQL of
every dialect, DBML, live PostgreSQL -> ``Schema``), ``ddl`` (``Schema`` -> DDL of any
dialect), ``translate`` (a PostgreSQL design in another dialect's terms), ``canonical``
(forms designs and catalogs compare in), ``script`` (what every script writer shares),
``server`` (the real PostgreSQL that proves things).
"""
