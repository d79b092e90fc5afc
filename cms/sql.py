"""Names for the few queries written in SQL rather than through the ORM (decision 0199), and
the model instances read with them.

They are read from the models' metadata and quoted for the database, so a renamed table or
column is followed; values always go as query parameters."""

from django.db import connection


def quoted_names(model):
    """(the model's table, {field name: its column}), quoted for the default database."""
    quote = connection.ops.quote_name
    columns = {field.name: quote(field.column) for field in model._meta.concrete_fields}
    return quote(model._meta.db_table), columns


def select_list(model, alias=""):
    """The model's columns, every concrete field's in the model's order, for a SELECT whose
    row one_instance() turns into an instance; `alias` is the table's alias in the query."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + column for column in quoted_names(model)[1].values())


def one_instance(model, sql, params):
    """The instance of `model` for the first row `sql` returns, or None. The statement selects
    select_list(model).

    On PostgreSQL psycopg already hands each column back as its field's Python value, so the
    row goes straight to Model.from_db, as the ORM's own loading ends. A RawQuerySet spends as
    much CPU again on the way: it has the cursor describe every column and looks up converters
    for each field (for the signed-in user, 0.28 against 0.14 ms; decision 0210). Elsewhere
    (SQLite: its dates and booleans need Django's converters) the RawQuerySet reads it."""
    if connection.vendor != "postgresql":
        return next(iter(model.objects.raw(sql, params)), None)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    names = [field.attname for field in model._meta.concrete_fields]
    return model.from_db(connection.alias, names, row)
