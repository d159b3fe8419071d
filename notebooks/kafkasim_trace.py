"""Reads a kafkasim trace (SQLite, docs/trace-schema.md) into pandas, typed by the schema the file
carries itself (its `kinds` and `fields` tables), so a notebook needs no list of fields of its own.

    from kafkasim_trace import Trace
    trace = Trace("out/traces/replication-flagship-seed1.sqlite")
    hw = trace.events("replica.hw")          # one row per event, one column per field
    hw[["t_s", "node_name", "tp", "topic", "partition", "hw", "leo"]]

Every frame has the event columns `seq`, `time_us`, `t_s` (seconds), `node`, `node_name`
("world" for -1) and `kind`, then the kind's fields in order (a field named like an event column
gets the suffix `_field`: producer.request_sent's `node`, the broker it went to, is `node_field`). A `partition` field `tp` also gets
`topic` and `partition` columns ("orders-0" -> "orders", 0; "orders--1", a partition not yet known,
-> "orders", -1). Lists and integer arrays stay Python lists; optional fields absent from an event
are None.
"""
import json
import sqlite3

import pandas as pd


def split_partition(name):
    """"orders-0" -> ("orders", 0); "orders--1" -> ("orders", -1)."""
    if name is None:
        return None, None
    topic, _, number = name.rpartition("-")
    if topic.endswith("-") and number == "1":
        return topic[:-1], -1
    return topic, int(number)


EVENT_COLUMNS = ["seq", "time_us", "t_s", "node", "node_name", "kind"]


class Trace:
    def __init__(self, path):
        self.path = path
        self.db = sqlite3.connect(path)
        self.meta = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        if self.meta.get("format") != "kafkasim-trace":
            raise ValueError(f"{path} is not a kafkasim trace")
        if self.meta.get("schema_version") != "2":
            raise ValueError(f"{path} has trace schema version {self.meta.get('schema_version')}; "
                             "this helper reads 2")
        self.nodes = dict(self.db.execute("SELECT id, name FROM nodes").fetchall())
        self.schema = {}  # kind -> [(name, type, optional, elements)]
        for (kind,) in self.db.execute("SELECT name FROM kinds"):
            self.schema[kind] = []
        for kind, name, type_, optional, elements in self.db.execute(
                "SELECT kind, name, type, optional, elements FROM fields ORDER BY kind, position"):
            self.schema[kind].append((name, type_, bool(optional), elements))

    def kinds(self):
        """How many events of each kind the trace holds, most first."""
        return pd.read_sql("SELECT kind, count(*) AS events FROM events GROUP BY kind "
                           "ORDER BY events DESC", self.db)

    def fields(self, kind):
        """The kind's fields: name, type, optional, and a list's element fields."""
        return pd.DataFrame(self.schema[kind], columns=["name", "type", "optional", "elements"])

    def events(self, *kinds):
        """The events of the given kinds (all kinds if none), in order, one column per field.
        Several kinds: the union of their fields' columns."""
        for kind in kinds:
            if kind not in self.schema:
                raise KeyError(f"no event kind {kind!r} in this trace's schema")
        where = ""
        if kinds:
            where = "WHERE kind IN (" + ",".join("?" * len(kinds)) + ")"
        rows = self.db.execute(
            f"SELECT seq, time_us, node, kind, fields FROM events {where} ORDER BY seq", kinds)
        names = []
        for kind in (kinds or self.schema.keys()):
            for name, _, _, _ in self.schema[kind]:
                if name not in names:
                    names.append(name)
        columns = {name: name + "_field" if name in EVENT_COLUMNS else name for name in names}
        records = []
        for seq, time_us, node, kind, fields in rows:
            values = json.loads(fields)
            record = {"seq": seq, "time_us": time_us, "t_s": time_us / 1e6, "node": node,
                      "node_name": self.nodes.get(node, "world" if node < 0 else f"#{node}"),
                      "kind": kind}
            for name in names:
                record[columns[name]] = values.get(name)
            records.append(record)
        frame = pd.DataFrame(records, columns=EVENT_COLUMNS + [columns[n] for n in names])
        if "tp" in names:
            split = frame["tp"].map(split_partition)
            frame["topic"] = split.map(lambda pair: pair[0])
            frame["partition"] = split.map(lambda pair: pair[1])
        return frame
