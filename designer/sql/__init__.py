"""SQL in and out of the schema model: importers, exporters and their dialects."""
