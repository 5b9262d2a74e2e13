"""pydbml's parser with a linear build step.

pydbml 1.2 checks each new table and reference against every one already added
(``obj in self.tables`` compares field by field), so building a database of n tables costs
n² comparisons: 1,000 tables took 9 s and 100,000 never finished. The names are checked
through ``table_dict`` anyway, so here they are added without the list scans; parsing is
pydbml's own.
"""

from __future__ import annotations

import warnings
from typing import Any

with warnings.catch_warnings():
    # pydbml 1.2 still spells pyparsing 2 names; the deprecations are not ours to act on
    warnings.simplefilter("ignore", DeprecationWarning)
    from pydbml.database import Database
    from pydbml.exceptions import DatabaseValidationError
    from pydbml.parser.parser import PyDBMLParser
    from pydbml.tools import remove_bom


class _Database(Database):
    def add_table(self, obj: Any) -> Any:
        for key in filter(None, (obj.full_name, obj.alias)):
            if key in self.table_dict:
                raise DatabaseValidationError(f"Table {key} is already in the database.")
        self._set_database(obj)
        self.tables.append(obj)
        self.table_dict[obj.full_name] = obj
        if obj.alias:
            self.table_dict[obj.alias] = obj
        return obj

    def add_reference(self, obj: Any) -> Any:
        self._set_database(obj)
        self.refs.append(obj)
        return obj


class _Parser(PyDBMLParser):
    def build_database(self) -> None:
        self.database = _Database(
            allow_properties=self._allow_properties,
            sql_renderer=self._sql_renderer,
            dbml_renderer=self._dbml_renderer,
        )
        database = self.database
        for enum_bp in self.enums:
            database.add(enum_bp.build())
        for table_bp in self.tables:
            database.add(table_bp.build())
            self.ref_blueprints.extend(table_bp.get_reference_blueprints())
        for table_group_bp in self.table_groups:
            database.add(table_group_bp.build())
        for note_bp in self.sticky_notes:
            database.add(note_bp.build())
        if self.project:
            database.add(self.project.build())
        for ref_bp in self.refs:
            database.add(ref_bp.build())


def parse_dbml(text: str) -> Any:
    """The pydbml ``Database`` of ``text``; pydbml's exceptions pass through."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return _Parser(remove_bom(text)).parse()
