"""The ER diagram: Schema -> DOT (escaped HTML-like labels) -> SVG/PNG/PDF via Graphviz."""
