"""The whiteboard of a room document (the `whiteboard` Y.Map of tldraw records): export and drawing."""
