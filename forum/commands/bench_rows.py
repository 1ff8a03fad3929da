"""Writing benchmark rows in bulk: batched INSERTs, a transaction every few batches, ids chosen
ahead so that rows can name each other, and the sequences set past them afterwards."""

from peewee import DateTimeField, PostgresqlDatabase

from ..models.db import db

# Rows per INSERT: well under SQLite's limit of 32,766 bound values for the widest table.
BATCH = 500
# Rows per transaction: big enough that commits cost little, small enough to keep locks short.
TRANSACTION_ROWS = 20_000


class Writer:
    """Bulk inserts in batches, a transaction every TRANSACTION_ROWS rows, reporting progress.

    The statement is written once per table and the rows go to the driver's bulk path
    (executemany on SQLite, execute_values on PostgreSQL): measured on 50,000 posts, peewee's
    insert_many spent 85% of the seeding building SQL text row by row."""

    def __init__(self, progress):
        self.progress = progress
        self.postgres = is_postgres()

    def write(self, model, fields, rows):
        # Raw statements get no model defaults: add them, calling the callable ones per row.
        given = {f.name for f in fields}  # by name: peewee's == builds SQL, so `in` cannot compare
        defaults = [f for f in model._meta.sorted_fields if f.name not in given and f.default is not None]
        if defaults:
            fields = [*fields, *defaults]
            rows = (
                (*row, *(f.default() if callable(f.default) else f.default for f in defaults))
                for row in rows
            )
        table = model._meta.table_name
        columns = ", ".join(f'"{field.column_name}"' for field in fields)
        sql = f'INSERT INTO "{table}" ({columns}) VALUES '
        # sqlite3's own datetime adapter is deprecated; peewee stores this same text.
        dates = [i for i, field in enumerate(fields) if isinstance(field, DateTimeField)]
        rows = iter(rows)
        done = False
        while not done:
            with db.atomic():
                written = 0
                while written < TRANSACTION_ROWS:
                    batch = [row for _, row in zip(range(BATCH), rows, strict=False)]
                    if not batch:
                        done = True
                        break
                    self._insert(sql, len(fields), batch, dates)
                    written += len(batch)
                    self.progress(len(batch))

    def _insert(self, sql, width, batch, dates):
        cursor = db.cursor()
        if self.postgres:
            from psycopg2.extras import execute_values

            execute_values(cursor, sql + "%s", batch, page_size=BATCH)
            return
        if dates:
            batch = [
                tuple(str(v) if i in dates and v is not None else v for i, v in enumerate(row))
                for row in batch
            ]
        cursor.executemany(sql + "(" + ", ".join("?" * width) + ")", batch)


def is_postgres() -> bool:
    return isinstance(db.obj, PostgresqlDatabase)


def next_id(model) -> int:
    return (model.select(model.id).order_by(model.id.desc()).limit(1).scalar() or 0) + 1


def reset_sequences(models) -> None:
    """Ids were chosen here, so PostgreSQL's sequences must be moved past them."""
    if is_postgres():
        for model in models:
            table = model._meta.table_name
            db.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 1))"
            )
