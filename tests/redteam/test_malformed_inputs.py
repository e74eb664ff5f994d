"""Every file of ``malformed/`` loaded into BOTH stores (memory and the real Neo4j) gives the same outcome.

Each graph starts with the same small base graph. A file is then either refused by both, with the same
``file:line: reason``, and both graphs are exactly the base graph again; or loaded by both, and the two
graphs hold the same nodes and edges (labels and properties included). ``EXPECTED`` pins the outcome of
every file (the line of the refusal, or None for a file that loads), so the suite also shows that the
limits hold, not only that the two stores agree.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kgreason.config import Settings
from kgreason.errors import InputError
from kgreason.graph.loaders import load_file
from kgreason.graph.memory import MemoryStore
from kgreason.graph.neo4j_store import Neo4jStore
from kgreason.graph.store import GraphStore
from kgreason.types import Edge, Node

MALFORMED = Path(__file__).resolve().parent / "malformed"

# file name -> line of the refusal, or None when the file loads
EXPECTED: dict[str, int | None] = {
    "tsv_bad_row_at_end.tsv": 31,
    "tsv_four_fields.tsv": 31,
    "tsv_huge_id.tsv": 31,
    "tsv_id_at_limit.tsv": None,
    "tsv_id_over_limit_by_one.tsv": 31,
    "tsv_id_over_limit_multibyte.tsv": 31,
    "tsv_id_at_limit_multibyte.tsv": None,
    "tsv_nul_in_relation.tsv": 31,
    "tsv_bell_in_relation.tsv": 31,
    "tsv_del_in_relation.tsv": 31,
    "tsv_empty_relation.tsv": 31,
    "tsv_tabs_only.tsv": None,  # a line of only whitespace is blank, and skipped
    "tsv_crlf.tsv": None,
    "tsv_bom.tsv": None,
    "tsv_bom_crlf.tsv": None,
    "tsv_empty.tsv": None,
    "tsv_blank_lines_only.tsv": None,
    "tsv_invalid_utf8.tsv": 31,
    "tsv_encoded_surrogate.tsv": 31,
    "tsv_whitespace_around_fields.tsv": None,
    "tsv_header_row.tsv": 1,  # a header row is refused, not loaded as a triple
    "tsv_kg_prefix_relation.tsv": None,
    "tsv_unicode_ok.tsv": None,
    "tsv_no_final_newline.tsv": None,
    "tsv_duplicate_rows.tsv": None,
    "nodes_reserved_label.csv": 3,
    "nodes_duplicate_columns.csv": 1,
    "nodes_duplicate_id_column.csv": 1,
    "nodes_bigint.csv": 3,
    "nodes_negative_bigint.csv": 3,
    "nodes_int_at_limits.csv": None,
    "nodes_reserved_labels_property.csv": 2,
    "nodes_reserved_kgr_property.csv": 2,
    "nodes_reserved_id_property.csv": None,
    "nodes_bad_int.csv": 3,
    "nodes_unknown_type.csv": 1,
    "nodes_missing_id_column.csv": 1,
    "nodes_extra_field_at_end.csv": 32,
    "nodes_bom_crlf.csv": None,
    "nodes_empty_labels.csv": None,
    "nodes_control_char_label.csv": 2,
    "nodes_empty_column_name.csv": 2,
    "nodes_quoted_newline.csv": 3,  # rows are single lines: the rest of the quoted field is line 3
    "nodes_list_column.csv": None,
    "nodes_lone_quote.csv": None,  # the csv module reads the open quote to the end of the line
    "empty.csv": None,
    "edges_header_only.csv": None,
    "edges_empty_type.csv": 3,
    "edges_nul_type.csv": 3,
    "edges_newline_type_quoted.csv": 3,
    "edges_with_weight.csv": None,
    "jsonl_lone_surrogate_id.jsonl": 21,
    "jsonl_lone_surrogate_property.jsonl": 21,
    "jsonl_lone_surrogate_key.jsonl": 21,
    "jsonl_lone_surrogate_type.jsonl": 21,
    "jsonl_lone_surrogate_label.jsonl": 21,
    "jsonl_surrogate_pair_ok.jsonl": None,
    "jsonl_nested_map.jsonl": 21,
    "jsonl_mixed_list.jsonl": 21,
    "jsonl_nested_list.jsonl": 21,
    "jsonl_bool_int_list.jsonl": 21,
    "jsonl_bigint.jsonl": 21,
    "jsonl_bigint_in_list.jsonl": 21,
    "jsonl_bigint_on_edge.jsonl": 21,
    "jsonl_reserved_label.jsonl": 21,
    "jsonl_labels_property_string.jsonl": 21,
    "jsonl_labels_property_list.jsonl": 21,
    "jsonl_labels_property_int.jsonl": 21,
    "jsonl_labels_property_on_edge.jsonl": 21,
    "jsonl_id_property.jsonl": 21,
    "jsonl_nul_label.jsonl": 21,
    "jsonl_nul_type.jsonl": 21,
    "jsonl_newline_type.jsonl": 21,
    "jsonl_empty_type.jsonl": 21,
    "jsonl_id_number.jsonl": 21,
    "jsonl_not_object.jsonl": 21,
    "jsonl_truncated_last_line.jsonl": 21,
    "jsonl_huge_id.jsonl": 21,
    "jsonl_huge_edge_target.jsonl": 21,
    "jsonl_null_property.jsonl": None,
    "jsonl_control_key.jsonl": 21,
    "jsonl_empty_key.jsonl": 21,
    "jsonl_empty_label.jsonl": 21,
    "jsonl_reserved_kgr_key.jsonl": 21,
    "jsonl_edge_missing_target.jsonl": 21,
    "jsonl_properties_not_object.jsonl": 21,
    "jsonl_labels_not_list.jsonl": 21,
    "jsonl_bom_crlf.jsonl": None,
    "jsonl_mixed_nodes_edges_ok.jsonl": None,
    "jsonl_float_extremes.jsonl": None,
    "jsonl_unicode_names_ok.jsonl": None,
}

FILES = sorted(p.name for p in MALFORMED.iterdir() if p.is_file())

BASE_NODES = [Node("base_a", ("Base",), {"k": 1, "tags": ["x"]}), Node("n1", ("Entity",), {"was": "here"})]
BASE_EDGES = [Edge("base_a", "has", "n1", {"w": 0.5}), Edge("n1", "knows", "n2")]


def canon(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def snapshot(store: GraphStore) -> tuple[frozenset[Any], frozenset[Any]]:
    """Every node and edge with labels and properties, as comparable sets."""
    nodes = frozenset(
        (n.id, tuple(n.labels), frozenset((k, canon(v)) for k, v in n.properties.items()))
        for n in store.iter_nodes()
    )
    edges = frozenset(
        (e.source, e.type, e.target, frozenset((k, canon(v)) for k, v in e.properties.items()))
        for e in store.iter_edges()
    )
    return nodes, edges


def outcome(store: GraphStore, path: Path) -> tuple[Any, ...]:
    """``("refused", path, line, message)`` (after checking the graph is as before) or ``("loaded", ...)``."""
    store.upsert_nodes(BASE_NODES)
    store.upsert_edges(BASE_EDGES)
    store.flush()
    before = snapshot(store)
    try:
        load_file(store, path, batch_size=7)  # small batches: a refusal after several committed batches
    except InputError as exc:
        assert snapshot(store) == before, f"{path.name}: a refused file changed the graph"
        return ("refused", exc.path, exc.line, exc.message)
    return ("loaded", snapshot(store))


def test_every_file_has_an_expectation() -> None:
    assert len(FILES) >= 40
    assert sorted(EXPECTED) == FILES


@pytest.mark.neo4j
@pytest.mark.parametrize("name", FILES)
def test_memory_and_neo4j_agree(
    name: str, settings: Settings, neo4j_store_factory: Callable[[str], Neo4jStore]
) -> None:
    path = MALFORMED / name
    memory = MemoryStore("malformed", settings)
    neo = neo4j_store_factory("malformed")
    on_memory, on_neo4j = outcome(memory, path), outcome(neo, path)
    assert on_memory == on_neo4j
    expected_line = EXPECTED[name]
    if expected_line is None:
        assert on_memory[0] == "loaded", on_memory[:4]
    else:
        assert on_memory[:3] == ("refused", str(path), expected_line), on_memory[:4]
        assert on_memory[3].startswith(f"{path}:{expected_line}: ")
