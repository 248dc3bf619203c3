"""Pure domain logic of SynCode: deterministic, synchronous, no I/O, clock or randomness."""
