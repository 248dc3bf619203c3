"""Problems: the bank's schema, the problem model, statistics and list semantics."""
