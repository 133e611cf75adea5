"""`<field>__one_of=[ids]`: membership in a long list of integers as one parameter.

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

    def get_prep_lookup(self) -> list[int]:
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self.rhs
        if not values:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


models.Field.register_lookup(OneOf)
# Foreign keys keep lookups of their own (the related ones); registered there too.
models.ForeignObject.register_lookup(OneOf)
