"""The ``kgr`` command line: one module per command group; errors are mapped to exit codes in ``app``."""
