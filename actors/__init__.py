"""Ray actors holding live state, the warm pool, and the runners that touch the outside world."""
