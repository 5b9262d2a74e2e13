"""Readers: SQL of every dialect, DBML and live PostgreSQL into the ``Schema`` model."""
