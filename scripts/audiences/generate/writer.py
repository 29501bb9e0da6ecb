"""Writes generated chunks into DuckDB: Arrow tables of a chunk's code arrays and dictionaries,
the statements that insert them, and the text made once per distinct combination."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from audiences.raw_contract import (
    RAW_SCHEMA,
    RAW_TABLES,
)

from .chunk import ChunkOutput, Identifies
from .core import Catalog, Config
from .flaws import choose_rows, email_variant, flaw_counts, plan_event_flaws, redelivery_copies
from .sql import (
    EMAIL_INSERT_SQL,
    EVENTS_CONTEXT_SQL,
    EVENTS_INSERT_SQL,
    EVENTS_LEDGER_SQL,
    EVENTS_PROPERTIES_SQL,
    IDENTIFIES_INSERT_SQL,
    LEDGER_INSERT_SQL,
    ORDER_LINES_SQL,
    uuid_sql,
)
from .vocabulary import (
    ALL_EVENT_NAMES,
    BRAND_NAMES,
    CATEGORIES,
    COUPONS,
    CURRENCIES,
    DEVICE_TYPES,
    EMAIL_EVENT_TYPES,
    EMAIL_FLAW_TYPES,
    F_NEGATIVE_REVENUE,
    FEATURES,
    FLAW_TYPES,
    HOUR,
    LOCATION_ZONES,
    LOCATIONS,
    MICROS,
    MINUTE,
    NO_TS,
    NULL_INT,
    NUMERIC_PROPERTIES,
    OPERATING_SYSTEMS,
    PAGE_PATHS,
    PLANS,
    PRICED_EVENTS,
    PROMOTIONS,
    QUERY_TEXTS,
    REVENUE_EVENTS,
    SHARE_VIA,
    SUFFIX_MINUTES,
    SUFFIXES,
    UTMS,
    WRITTEN_NAMES,
    ZONED_OS,
)


def dict_array(codes: np.ndarray, values: pa.Array) -> pa.DictionaryArray:
    codes32 = np.asarray(codes, dtype=np.int32)
    return pa.DictionaryArray.from_arrays(pa.array(codes32, mask=codes32 < 0), values)


def nullable(
    values: np.ndarray, null: int | float = NULL_INT, type_: pa.DataType | None = None
) -> pa.Array:
    values = np.asarray(values)
    return pa.array(values, type=type_, mask=values == null)


def strings(values: Sequence[str] | np.ndarray) -> pa.Array:
    return pa.array(
        list(values) if not isinstance(values, np.ndarray) else values, type=pa.string()
    )


def dense_codes(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Each value's number among the distinct values (by hashing), and how many there are."""
    encoded = pc.dictionary_encode(pa.array(values))
    return encoded.indices.to_numpy().astype(np.int64), len(encoded.dictionary)


def distinct_rows(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """For integer columns of one length: one row of each distinct combination of their
    values, and each row's combination (an index into the former)."""
    n = columns[0].size
    key = np.zeros(n, dtype=np.int64)
    span = 1  # key < span
    for column in columns:
        values = np.asarray(column, dtype=np.int64)
        low, high = int(values.min()), int(values.max())
        if high - low >= n:  # sparse (amounts): number the values densely
            values, card = dense_codes(values)
        else:
            values, card = values - low, high - low + 1
        if span * card >= 2**62:
            key, span = dense_codes(key)
        key = key * card + values
        span *= card
    combination, count = dense_codes(key)
    sample = np.empty(count, dtype=np.int64)
    sample[combination] = np.arange(n)
    return sample, combination


ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "TIMESTAMP": pa.timestamp("us"),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
}


Statement = tuple[str, dict[str, pa.Table]]  # SQL and the Arrow tables it reads, by name


@dataclass
class PreparedChunk:
    events_statements: list[Statement]  # the insert into raw.events
    other_statements: list[Statement]  # every other table's inserts
    events: int  # event rows, redelivered copies included
    emails: int  # email event rows, copies included


class Writer:
    """Writes generated chunks into DuckDB, turning code arrays into the raw tables' text."""

    def __init__(self, con: duckdb.DuckDBPyConnection, cfg: Config, cat: Catalog) -> None:
        self.con = con
        self.scratch = duckdb.connect(config={"threads": 1})
        self.cfg = cfg
        self.cat = cat
        self.product_ids = strings(cat.product_ids)
        self.vocab = {
            "names": strings(ALL_EVENT_NAMES),
            "written": strings(WRITTEN_NAMES),
            "categories": strings(CATEGORIES),
            "brands": strings(BRAND_NAMES),
            "currencies": strings(CURRENCIES),
            "coupons": strings(COUPONS),
            "promotions": strings(PROMOTIONS),
            "pages": strings(PAGE_PATHS),
            "queries": strings(QUERY_TEXTS),
            "share": strings(SHARE_VIA),
            "features": strings(FEATURES),
            "plans": strings(PLANS),
            "devices": strings(DEVICE_TYPES),
            "os": strings(OPERATING_SYSTEMS),
            "locales": strings([loc[4] for loc in LOCATIONS]),
            "countries": strings([loc[0] for loc in LOCATIONS]),
            "zones": strings(LOCATION_ZONES),
            "utm_source": strings([u[0] for u in UTMS]),
            "utm_medium": strings([u[1] for u in UTMS]),
            "utm_campaign": strings([u[2] for u in UTMS]),
            "suffixes": strings(SUFFIXES),
            "flaws": strings(FLAW_TYPES),
            "nas": strings(NUMERIC_PROPERTIES),
            "email_types": strings(EMAIL_EVENT_TYPES),
            "email_flaws": strings(EMAIL_FLAW_TYPES),
        }
        self.events_sql = EVENTS_INSERT_SQL.replace("{seed}", str(cfg.seed))
        self.ledger_sql = EVENTS_LEDGER_SQL.replace("{seed}", str(cfg.seed))
        self.properties_sql = EVENTS_PROPERTIES_SQL.replace("{seed}", str(cfg.seed))
        self.email_sql = EMAIL_INSERT_SQL.replace("{seed}", str(cfg.seed))

    def prepare(self, out: ChunkOutput, flaw_rng: np.random.Generator) -> PreparedChunk:
        """Everything but the inserts: the flaws, the Arrow tables and the statements."""
        chunk = PreparedChunk([], [], 0, 0)
        chunk.events = self.prepare_events(out, flaw_rng, chunk)
        chunk.emails = self.prepare_emails(out, flaw_rng, chunk.other_statements)
        self.prepare_identifies(out.identifies, chunk.other_statements)
        for table, columns in out.tables.items():
            self.prepare_table(table, columns, chunk.other_statements)
        return chunk

    @staticmethod
    def execute(statements: list[Statement], con: duckdb.DuckDBPyConnection) -> None:
        """Run statements in order on a connection."""
        for sql, views in statements:
            for name, view in views.items():
                con.register(name, view)
            con.execute(sql)
            for name in views:
                con.unregister(name)

    def prepare_events(
        self, out: ChunkOutput, rng: np.random.Generator, chunk: PreparedChunk
    ) -> int:
        ev = out.events
        n = ev["occ"].size
        if n == 0:
            return 0
        fl = plan_event_flaws(rng, self.cfg, ev)
        name, product = ev["name"], ev["product"]
        has_product = product >= 0
        priced = np.isin(name, PRICED_EVENTS) & has_product
        safe_product = np.where(has_product, product, 0)
        category = np.where(has_product, self.cat.category[safe_product], ev["category"])
        price = np.where(priced, self.cat.price_cents[safe_product], NULL_INT)
        currency = np.where(
            priced
            | np.isin(name, REVENUE_EVENTS) & (ev["order"] >= 0)
            | (ev["refund"] != NULL_INT),
            0,
            -1,
        )
        brand = np.where(priced, self.cat.brand[safe_product], -1)
        product_code = np.where(has_product, product, -1)
        v = self.vocab
        seq = out.key_base + np.arange(n, dtype=np.int64)
        copies = np.bincount(fl.copy_rows, minlength=n)
        utm = ev["utm"]
        zone = np.where(np.isin(ev["os"], ZONED_OS), ev["location"], -1)

        def event_table(index: np.ndarray) -> pa.Table:
            """The inputs of the properties, context and ledger SQL for rows `index`."""
            flaw = fl.flaw[index]
            return pa.table(
                {
                    "seq": seq[index],
                    "ncode": name[index].astype(np.int16),
                    "canonical_name": dict_array(name[index], v["names"]),
                    "written_name": dict_array(fl.written_name[index], v["written"]),
                    "occ": ev["occ"][index],
                    "occ_written": fl.occ_written[index],
                    "product_id": dict_array(product_code[index], self.product_ids),
                    "category": dict_array(category[index], v["categories"]),
                    "brand": dict_array(brand[index], v["brands"]),
                    "price_cents": nullable(price[index]),
                    "quantity": nullable(ev["quantity"][index], -1),
                    "order_key": nullable(ev["order"][index], -1),
                    "refund": nullable(ev["refund"][index]),
                    "currency": dict_array(currency[index], v["currencies"]),
                    "coupon": dict_array(ev["coupon"][index], v["coupons"]),
                    "promotion_id": dict_array(ev["promotion"][index], v["promotions"]),
                    "page_path": dict_array(ev["page"][index], v["pages"]),
                    "query": dict_array(ev["query"][index], v["queries"]),
                    "share_via": dict_array(ev["share"][index], v["share"]),
                    "rating": nullable(ev["rating"][index], -1),
                    "feature": dict_array(ev["feature"][index], v["features"]),
                    "plan": dict_array(ev["plan"][index], v["plans"]),
                    "device_type": dict_array(ev["device"][index], v["devices"]),
                    "os": dict_array(ev["os"][index], v["os"]),
                    "locale": dict_array(ev["location"][index], v["locales"]),
                    "country": dict_array(ev["location"][index], v["countries"]),
                    "utm_source": dict_array(utm[index], v["utm_source"]),
                    "utm_medium": dict_array(utm[index], v["utm_medium"]),
                    "utm_campaign": dict_array(utm[index], v["utm_campaign"]),
                    "timezone": dict_array(zone[index], v["zones"]),
                    "flaw": flaw,
                    "flaw_type": dict_array(flaw.astype(np.int32) - 1, v["flaws"]),
                    "nas": dict_array(fl.nas[index], v["nas"]),
                    "copies": copies[index],
                }
            )

        orders_table = self.order_products(out.items)
        # properties and context: made once per distinct combination of their inputs
        props_sample, props_of_row = distinct_rows(
            [
                name,
                product_code,
                category,
                brand,
                price,
                ev["quantity"],
                ev["order"],
                ev["refund"],
                currency,
                ev["coupon"],
                ev["promotion"],
                ev["page"],
                ev["query"],
                ev["share"],
                ev["rating"],
                ev["feature"],
                ev["plan"],
                fl.nas,
                fl.flaw == F_NEGATIVE_REVENUE,
            ]
        )
        props = self.per_combination(
            self.properties_sql, "chunk_props", event_table(props_sample), orders_table
        )
        context_sample, context_of_row = distinct_rows(
            [ev["device"], ev["os"], ev["location"], utm]
        )
        context = self.per_combination(
            EVENTS_CONTEXT_SQL, "chunk_context", event_table(context_sample)
        )
        # every row written (redelivered copies repeat their row) in the order
        # (received_at, seq, copy_no)
        rows = np.concatenate([np.arange(n), fl.copy_rows])
        recv_us = np.concatenate([fl.recv_us, fl.copy_recv_us])
        copy_no = np.concatenate([np.zeros(n, np.int64), np.arange(fl.copy_rows.size) + 1])
        order = np.lexsort((copy_no, rows, recv_us))
        rows, recv_us = rows[order], recv_us[order]
        occ_local = fl.occ_written[rows] + SUFFIX_MINUTES[fl.suffix[rows]] * MINUTE
        rows_table = pa.table(
            {
                "seq": seq[rows],
                "written_name": dict_array(fl.written_name[rows], v["written"]),
                "anonymous_id": dict_array(ev["anon"][rows], strings(out.anon_dict)),
                "user_id": dict_array(ev["user"][rows], strings(out.user_dict)),
                "account_id": dict_array(ev["account"][rows], strings(out.account_dict)),
                "occ_local": occ_local,
                "suffix": dict_array(fl.suffix[rows], v["suffixes"]),
                "recv_us": recv_us,
                "flaw": fl.flaw[rows],
                "frac": fl.frac[rows],
                "props_full": dict_array(props_of_row[rows], props),
                "context_json": dict_array(context_of_row[rows], context),
            }
        )
        chunk.events_statements.append((self.events_sql, {"chunk_rows": rows_table}))
        chunk.other_statements.append(
            (
                self.ledger_sql,
                {
                    "chunk_flawed": event_table(np.flatnonzero(fl.flaw)),
                    "chunk_orders": orders_table,
                },
            )
        )
        return rows.size

    def per_combination(
        self, sql: str, view: str, sample: pa.Table, orders: pa.Table | None = None
    ) -> pa.Array:
        """The text `sql` makes of `view`, the rows `sample` numbered `u`; `chunk_orders` is
        `orders`. Runs in an in-memory database of its own, while the file is written."""
        sample = sample.append_column("u", pa.array(np.arange(sample.num_rows)))
        views = {view: sample} if orders is None else {view: sample, "chunk_orders": orders}
        return self.scratch_query(sql, views).column(0).combine_chunks()

    def scratch_query(self, sql: str, views: dict[str, pa.Table]) -> pa.Table:
        """What `sql` returns reading the tables `views` (by name), in the in-memory database."""
        for name, data in views.items():
            self.scratch.register(name, data)
        result = self.scratch.execute(sql).fetch_arrow_table()
        for name in views:
            self.scratch.unregister(name)
        return result

    def order_products(self, items: dict[str, np.ndarray]) -> pa.Table:
        """chunk_orders: per order with lines, its revenue in cents and its lines as JSON
        arrays (prices as they are and negated), lines in order, as the ordered string_agg of
        each order's lines made them."""
        key = items["order"].astype(np.int64)
        by_line = np.lexsort((items["line"], key))
        key, product = key[by_line], items["product"][by_line]
        quantity = items["quantity"][by_line].astype(np.int64)
        price = self.cat.price_cents[product]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else by_line
        lines = self.scratch_query(
            ORDER_LINES_SQL,
            {
                "chunk_items": pa.table(
                    {
                        "product_id": dict_array(product, self.product_ids),
                        "category": dict_array(
                            self.cat.category[product], self.vocab["categories"]
                        ),
                        "price_cents": price,
                        "quantity": quantity,
                        "k": np.arange(key.size),
                    }
                )
            },
        )
        offsets = pa.array(np.r_[starts, key.size], type=pa.int32())

        def json_array(column: str) -> pa.Array:
            line_json = lines.column(column).combine_chunks()
            joined = pc.binary_join(pa.ListArray.from_arrays(offsets, line_json), ",")
            return pc.binary_join_element_wise("[", joined, "]", "")

        return pa.table(
            {
                "order_key": key[starts],
                "revenue_cents": np.add.reduceat(price * quantity, starts) if key.size else price,
                "products_pos": json_array("line_pos"),
                "products_neg": json_array("line_neg"),
            }
        )

    def prepare_emails(
        self, out: ChunkOutput, rng: np.random.Generator, statements: list[Statement]
    ) -> int:
        em = out.emails
        n = em.occ.size
        if n == 0:
            return 0
        recv = np.minimum(
            em.occ * MICROS + rng.integers(60, 2 * HOUR, n) * MICROS, self.cfg.end_ts * MICROS
        )
        counts = flaw_counts(rng, n, self.cfg.flaw_rate, np.array([1.0, 1.0]))
        flaw = np.full(n, -1, dtype=np.int32)
        redelivered = choose_rows(rng, recv <= (self.cfg.end_ts - 2) * MICROS, counts[0])
        flaw[redelivered] = 0
        copy_rows, copy_recv, extra = redelivery_copies(
            rng, redelivered, recv, self.cfg.end_ts * MICROS
        )
        cased = choose_rows(rng, flaw < 0, counts[1])
        flaw[cased] = 1
        detail = np.full(n, None, dtype=object)
        detail[redelivered] = (1 + extra).astype(str)
        detail[cased] = em.emails[em.recipient[cased]]
        # a cased row's email is its variant, numbered after the recipients' clean emails
        variants = [email_variant(rng, e) for e in detail[cased]]
        email_code = em.recipient.copy()
        email_code[cased] = em.emails.size + np.arange(cased.size)
        email_text = strings(np.concatenate([em.emails, np.array(variants, dtype=object)]))
        has_user = np.array([user is not None for user in em.users], dtype=bool)
        user_code = np.where(em.user_known & has_user[em.recipient], em.recipient, -1)
        seq = out.key_base + np.arange(n, dtype=np.int64)
        # every row written, in the order (received_at, seq, copy_no)
        rows = np.concatenate([np.arange(n), copy_rows])
        recv_all = np.concatenate([recv, copy_recv])
        copy_no = np.concatenate([np.zeros(n, np.int64), np.arange(copy_rows.size) + 1])
        order = np.lexsort((copy_no, rows, recv_all))
        rows, recv_all = rows[order], recv_all[order]
        campaigns = strings(out.campaign_ids)
        table = pa.table(
            {
                "seq": seq[rows],
                "user_id": dict_array(user_code[rows], strings(em.users)),
                "email": dict_array(email_code[rows], email_text),
                "campaign_id": dict_array(em.campaign[rows], campaigns),
                "event_type": dict_array(em.event_type[rows], self.vocab["email_types"]),
                "occ": em.occ[rows],
                "recv_us": recv_all,
            }
        )
        flawed = np.flatnonzero(flaw >= 0)
        ledger = pa.table(
            {
                "seq": seq[flawed],
                "flaw_type": dict_array(flaw[flawed], self.vocab["email_flaws"]),
                "detail": strings(detail[flawed]),
            }
        )
        statements.append((self.email_sql, {"chunk_email": table}))
        ids = uuid_sql(f"'{self.cfg.seed}:m:' || seq")
        statements.append(
            (
                LEDGER_INSERT_SQL.format(
                    table="email_events", id_column=ids, source="chunk_email_flaws"
                ),
                {"chunk_email_flaws": ledger},
            )
        )
        return rows.size

    def prepare_identifies(self, ids: Identifies, statements: list[Statement]) -> None:
        n = ids.occ.size
        if n == 0:
            return
        recv = np.minimum(
            ids.occ * MICROS + (np.arange(n) % 997 + 200) * 1000, self.cfg.end_ts * MICROS
        )
        columns: dict[str, pa.Array] = {
            "anonymous_id": strings(ids.anon),
            "user_id": strings(ids.user),
            "occ": ids.occ,
            "recv_us": recv,
            "row_no": np.arange(n),
            "opt_in": nullable(ids.opt_in, -1),
        }
        columns.update({key: strings(values) for key, values in ids.traits.items()})
        statements.append((IDENTIFIES_INSERT_SQL, {"chunk_identifies": pa.table(columns)}))

    def prepare_table(
        self, table: str, columns: dict[str, np.ndarray], statements: list[Statement]
    ) -> None:
        arrays = {}
        for name, sql_type in RAW_TABLES[table]:
            values = columns[name]
            if sql_type == "VARCHAR":
                arrays[name] = strings(values)
            elif sql_type == "TIMESTAMP":
                values = np.asarray(values, dtype=np.int64)
                arrays[name] = pa.array(
                    values * MICROS, type=pa.timestamp("us"), mask=values == NO_TS
                )
            elif sql_type == "DATE":
                arrays[name] = pa.array(values, type=pa.date32())
            elif sql_type == "DOUBLE":
                arrays[name] = pa.array(np.asarray(values, dtype=np.float64))
            else:
                values = np.asarray(values, dtype=np.int64)
                arrays[name] = pa.array(values, type=ARROW_TYPES[sql_type], mask=values == NULL_INT)
        statements.append(
            (
                f"insert into {RAW_SCHEMA}.{table} by name select * from chunk_table",
                {"chunk_table": pa.table(arrays)},
            )
        )
