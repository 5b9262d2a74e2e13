"""Design patterns: proven structures (soft delete, audit, tenancy, queues, ...) applied to a
design in one step. One module per pattern, each with its ``apply_<name>`` function and its
``PATTERN`` entry; ``registry`` lists them, ``ddl`` writes the SQL a pattern adds, ``base``
holds what they share. Pure: ``Schema`` in, ``PatternResult`` out; no Django."""
