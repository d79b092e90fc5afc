"""Names for the few queries written in SQL rather than through the ORM (decision 0199).

They are read from the models' metadata and quoted for the database, so a renamed table or
column is followed; values always go as query parameters."""

from django.db import connection


def quoted_names(model):
    """(the model's table, {field name: its column}), quoted for the default database."""
    quote = connection.ops.quote_name
    columns = {field.name: quote(field.column) for field in model._meta.concrete_fields}
    return quote(model._meta.db_table), columns
