"""Reads: the design as a ``Schema``, its FK graph, diagrams and documents."""
