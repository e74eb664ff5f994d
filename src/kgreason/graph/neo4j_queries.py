"""The Cypher text the Neo4j store sends: writes, reads and the ``PathQuery`` compiler.

Every query is parameterised; the only things spliced into the text are names (labels, relationship
types, property keys), always backtick-escaped by ``quote_name``, and small integers (hop counts).
Nodes of graph NAME carry the label ``KG_NAME`` and their id in the ``id`` property; relationships carry
``Edge.id`` in ``id``. Nothing here touches the network.
"""

from __future__ import annotations

from typing import Any

from kgreason.graph.neo4j_values import constraint_name, graph_label, label_expr, quote_name
from kgreason.graph.path_query import PathQuery
from kgreason.types import DEFAULT_LABEL

NEW_MARK = "_kgr_new"
"""Marker a tracked write sets on what it creates and removes in the same statement (``limits`` reserves
the ``_kgr`` prefix, so no data property can collide with it)."""


class GraphQueries:
    """The query texts for one named graph."""

    def __init__(self, graph: str) -> None:
        self.graph = graph
        self.label = graph_label(graph)
        self.kg = quote_name(self.label)
        self.constraint = constraint_name(graph)

    # -- schema and lifecycle ---------------------------------------------------------------------------
    def create_constraint(self) -> str:
        return (
            f"CREATE CONSTRAINT {quote_name(self.constraint)} IF NOT EXISTS "
            f"FOR (n:{self.kg}) REQUIRE n.id IS UNIQUE"
        )

    def drop_constraint(self) -> str:
        return f"DROP CONSTRAINT {quote_name(self.constraint)} IF EXISTS"

    def delete_relationships(self) -> str:
        """Delete up to ``$batch`` of the graph's relationships; returns how many went."""
        return f"MATCH (:{self.kg})-[r]->() WITH r LIMIT $batch DELETE r RETURN count(*) AS deleted"

    def delete_nodes(self) -> str:
        """Delete up to ``$batch`` of the graph's (by then unconnected) nodes; returns how many went."""
        return f"MATCH (n:{self.kg}) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS deleted"

    # -- writes -----------------------------------------------------------------------------------------
    def delete_edges_by_id(self) -> str:
        """``$rows``: ``[[source id, edge id], ...]``; deletes those relationships, returns how many went."""
        return (
            f"UNWIND $rows AS row MATCH (:{self.kg} {{id: row[0]}})-[r]->(:{self.kg}) WHERE r.id = row[1] "
            "DELETE r RETURN count(*) AS deleted"
        )

    def delete_nodes_by_id(self) -> str:
        """``$ids``: node ids; deletes those nodes with their relationships, returns how many went."""
        return f"UNWIND $ids AS id MATCH (n:{self.kg} {{id: id}}) DETACH DELETE n RETURN count(*) AS deleted"

    def remove_node_properties(self, keys: tuple[str, ...]) -> str:
        """``$ids``: node ids; removes ``keys`` from those nodes, returns how many had one of them."""
        removes = ", ".join(f"n.{quote_name(k)}" for k in keys)
        present = " OR ".join(f"n.{quote_name(k)} IS NOT NULL" for k in keys)
        return (
            f"UNWIND $ids AS id MATCH (n:{self.kg} {{id: id}}) WHERE {present} "
            f"REMOVE {removes} RETURN count(*) AS deleted"
        )

    def remove_edge_properties(self, keys: tuple[str, ...]) -> str:
        """``$rows``: ``[[source id, edge id], ...]``; removes ``keys`` from those relationships."""
        removes = ", ".join(f"r.{quote_name(k)}" for k in keys)
        present = " OR ".join(f"r.{quote_name(k)} IS NOT NULL" for k in keys)
        return (
            f"UNWIND $rows AS row MATCH (:{self.kg} {{id: row[0]}})-[r]->(:{self.kg}) "
            f"WHERE r.id = row[1] AND ({present}) REMOVE {removes} RETURN count(*) AS deleted"
        )

    def merge_nodes(self, labels: tuple[str, ...], *, tracked: bool = False) -> str:
        """``$rows``: ``[[id, props], ...]``; all rows share ``labels``.

        ``tracked``: return ``eid`` (``elementId``) and ``id`` of each node this query created. A node is told
        apart as created by a marker set ``ON CREATE`` and removed again in the same statement, so
        nothing of it is ever committed.
        """
        set_labels = f" SET n{label_expr(labels)}" if labels else ""
        if not tracked:
            return f"UNWIND $rows AS row MERGE (n:{self.kg} {{id: row[0]}}){set_labels} SET n += row[1]"
        return (
            f"UNWIND $rows AS row MERGE (n:{self.kg} {{id: row[0]}}) ON CREATE SET n.{NEW_MARK} = true"
            f"{set_labels} SET n += row[1] "
            f"WITH n WHERE n.{NEW_MARK} REMOVE n.{NEW_MARK} RETURN elementId(n) AS eid, n.id AS id"
        )

    def merge_endpoints(self, *, tracked: bool = False) -> str:
        """``$ids``: distinct node ids; the ones not there yet are created with the default label.

        Returns each id with its node's ``elementId``, valid for the rest of the transaction, and, when
        ``tracked``, whether this query created it (``new``).
        """
        if not tracked:
            return (
                f"UNWIND $ids AS id MERGE (n:{self.kg} {{id: id}}) "
                f"ON CREATE SET n:{quote_name(DEFAULT_LABEL)} "
                "RETURN id, elementId(n) AS eid"
            )
        return (
            f"UNWIND $ids AS id MERGE (n:{self.kg} {{id: id}}) "
            f"ON CREATE SET n:{quote_name(DEFAULT_LABEL)}, n.{NEW_MARK} = true "
            f"WITH id, n, n.{NEW_MARK} IS NOT NULL AS new "
            f"FOREACH (_ IN CASE WHEN new THEN [1] ELSE [] END | REMOVE n.{NEW_MARK}) "
            "RETURN id, elementId(n) AS eid, new"
        )

    def existing_edges(self, type_: str) -> str:
        """Of ``$rows`` (``[[source eid, target eid, edge id, props], ...]`` of one type), the edge ids
        whose relationship already exists (a read: what a tracked load will not have created)."""
        return (
            "UNWIND $rows AS row "
            "MATCH (s) WHERE elementId(s) = row[0] MATCH (t) WHERE elementId(t) = row[1] "
            f"MATCH (s)-[:{quote_name(type_)}]->(t) RETURN row[2] AS id"
        )

    def undo_relationships(self) -> str:
        """Delete the relationships ``$rows`` (``[[source id, type, target id], ...]``) that a failed load
        created between nodes that existed before it."""
        return (
            f"UNWIND $rows AS row MATCH (:{self.kg} {{id: row[0]}})-[r]->(:{self.kg} {{id: row[2]}}) "
            "WHERE type(r) = row[1] DELETE r"
        )

    def undo_nodes(self) -> str:
        """Delete the nodes with the element ids ``$eids``, with any relationship still on them."""
        return f"UNWIND $eids AS e MATCH (n:{self.kg}) WHERE elementId(n) = e DETACH DELETE n"

    def merge_edges(self, type_: str, *, with_props: bool = True) -> str:
        """``$rows``: ``[[source eid, target eid, edge id, props], ...]`` of one type.

        The ends are the ``elementId`` values ``merge_endpoints`` returned in the same transaction, so
        they are seeks by id rather than a second pair of index lookups (faster loads), and MATCHed
        rather than MERGEd so the plan has no Eager barrier. Without properties in the batch the ``SET``
        is left out (it costs about half the server time).
        """
        return (
            "UNWIND $rows AS row "
            "MATCH (s) WHERE elementId(s) = row[0] MATCH (t) WHERE elementId(t) = row[1] "
            f"MERGE (s)-[r:{quote_name(type_)}]->(t) ON CREATE SET r.id = row[2]"
            + (" SET r += row[3]" if with_props else "")
        )

    # -- reads ------------------------------------------------------------------------------------------
    def count_nodes(self) -> str:
        return f"MATCH (n:{self.kg}) RETURN count(n) AS c"

    def count_edges(self) -> str:
        return f"MATCH (:{self.kg})-[r]->() RETURN count(r) AS c"

    def get_nodes(self) -> str:
        return f"UNWIND $ids AS id MATCH (n:{self.kg} {{id: id}}) RETURN n"

    def neighbors(self, direction: str, typed: bool) -> str:
        left, right = {"out": ("-", "->"), "in": ("<-", "-"), "both": ("-", "-")}[direction]
        where = " WHERE type(r) IN $types" if typed else ""
        return (
            f"MATCH (n:{self.kg} {{id: $id}}){left}[r]{right}(m:{self.kg}){where} "
            "RETURN r, m, startNode(r).id AS s, endNode(r).id AS e ORDER BY type(r), m.id, r.id"
        )

    def frontier(self) -> str:
        """Ids next to ``$ids`` (either direction) not in ``$seen``, the first ``$room`` by id."""
        return (
            f"UNWIND $ids AS id MATCH (:{self.kg} {{id: id}})--(m:{self.kg}) "
            "WITH DISTINCT m.id AS mid WHERE NOT mid IN $seen RETURN mid ORDER BY mid LIMIT $room"
        )

    def edges_among(self) -> str:
        return (
            f"UNWIND $ids AS id MATCH (a:{self.kg} {{id: id}})-[r]->(b:{self.kg}) "
            "WHERE b.id IN $all RETURN r, a.id AS s, b.id AS e"
        )

    def paths_of_length(self, hops: int) -> str:
        """Paths of exactly ``hops`` edges from ``$source`` to ``$target``, no node twice, sorted."""
        return (
            f"MATCH p = (s:{self.kg} {{id: $source}})-[*{hops}]-(t:{self.kg} {{id: $target}}) "
            "WHERE all(i IN range(0, size(nodes(p)) - 2) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..]) "
            "RETURN p ORDER BY [x IN nodes(p) | x.id], [r IN relationships(p) | r.id] LIMIT $limit"
        )

    def schema_nodes(self) -> str:
        return (
            f"MATCH (n:{self.kg}) "
            "WITH [l IN labels(n) WHERE l <> $kg] AS ls, [k IN keys(n) WHERE k <> 'id'] AS ks "
            "RETURN ls, ks, count(*) AS c"
        )

    def schema_edges(self) -> str:
        return (
            f"MATCH (a:{self.kg})-[r]->(b) "
            "WITH [l IN labels(a) WHERE l <> $kg] AS la, type(r) AS t, "
            "[l IN labels(b) WHERE l <> $kg] AS lb, "
            "[k IN keys(r) WHERE k <> 'id'] AS ks "
            "RETURN la, t, lb, ks, count(*) AS c"
        )

    def node_page(self, first: bool) -> str:
        where = "" if first else " WHERE n.id > $after"
        return f"MATCH (n:{self.kg}){where} RETURN n ORDER BY n.id LIMIT $batch"

    def edge_page(self, first: bool) -> str:
        """Outgoing edges of the next ``$batch`` source nodes after ``$after``, and the last source id."""
        where = "" if first else " WHERE a.id > $after"
        return (
            f"MATCH (a:{self.kg}){where} WITH a ORDER BY a.id LIMIT $batch "
            f"OPTIONAL MATCH (a)-[r]->(b:{self.kg}) "
            "RETURN a.id AS s, type(r) AS t, b.id AS e, r AS r ORDER BY s, e, t"
        )

    def path_query(self, query: PathQuery) -> tuple[str, dict[str, Any]]:
        """Compile ``query`` to one parameterised Cypher query returning ``p`` sorted and limited.

        The relationship types are parameters (``type(r1) = $t1``), not part of the text: the text then
        depends only on the steps' directions and labels, so Neo4j plans it once and reuses the plan for
        every relation signature. Path scoring asks for a few dozen signatures per question, most of
        them new to the server, and planning a new text (~50-100 ms here) cost far more than running it
        (~3-5 ms); the price is an untyped expansion at each step, which reads every relationship of a
        dense node rather than only those of the asked type.
        """
        params: dict[str, Any] = {"start": list(dict.fromkeys(query.start)), "limit": query.limit}
        pattern = [f"(n0:{self.kg})"]
        where = ["n0.id IN $start"]
        for k, step in enumerate(query.steps, start=1):
            if step.relation is not None:
                params[f"t{k}"] = step.relation
                where.append(f"type(r{k}) = $t{k}")
            left, right = {"out": ("-", "->"), "in": ("<-", "-"), "both": ("-", "-")}[step.direction]
            pattern.append(f"{left}[r{k}]{right}(n{k}:{self.kg}{label_expr(step.labels)})")
            for j, (key, value) in enumerate(step.where.items()):
                if key == "id":  # ``id`` is reserved, never a property: no node matches (as in memory)
                    where.append("false")
                    continue
                params[f"w{k}_{j}"] = value
                where.append(f"n{k}.{quote_name(key)} = $w{k}_{j}")
        text = (
            f"MATCH p = {''.join(pattern)} WHERE {' AND '.join(where)} "
            "RETURN p ORDER BY [x IN nodes(p) | x.id], [r IN relationships(p) | r.id] LIMIT $limit"
        )
        return text, params
