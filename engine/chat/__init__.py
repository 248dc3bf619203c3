"""Room chat rules: message normalisation and reactions (pure)."""
