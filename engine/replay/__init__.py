"""Session replay: the edit log's model, keyframes and update ranges, seeking, idle-gap compression."""
