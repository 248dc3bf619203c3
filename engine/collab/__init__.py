"""Collaboration: the y-protocols wire format and the room document's layout (pycrdt)."""
