"""`<field>__one_of=[ids]` and `<field>__one_of_text=[texts]`: membership in a long list as one
parameter.

Django's `__in` turns every element into its own parameter and prepares each in Python (about 3 µs
apiece): for the thousands of decisions a quarterly report looks up, building the queries cost more
than running them. On PostgreSQL the list goes as a single array (`= ANY(%s::bigint[])`); elsewhere
it is an ordinary IN list."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Lookup


class OneOf(Lookup):
    lookup_name = "one_of"
    prepare_rhs = False
    array_type = "bigint[]"

    def get_prep_lookup(self) -> list[Any]:
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self.rhs
        if not values:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::{self.array_type})", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


class OneOfText(OneOf):
    """For text keys (references, codes, lookup hashes); a varchar column's index still serves
    `= ANY(text[])`."""

    lookup_name = "one_of_text"
    array_type = "text[]"

    def get_prep_lookup(self) -> list[Any]:
        return [str(value) for value in self.rhs]


models.Field.register_lookup(OneOf)
models.Field.register_lookup(OneOfText)
# Foreign keys keep lookups of their own (the related ones); registered there too.
models.ForeignObject.register_lookup(OneOf)
