"""The reasoning engine's building blocks: entity linking, node-text vector indexes, templated multi-hop
QA generation and evaluation metrics. Modules are imported by name (nothing heavy is loaded here)."""
