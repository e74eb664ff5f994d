"""Fusion strategies: prompt retrieval, GNN fusion and multi-hop reasoning behind one interface."""
