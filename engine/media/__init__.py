"""Pure media helpers (no I/O): S3 SigV4 query-string presigning for recording downloads."""
