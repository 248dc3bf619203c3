"""Static analysis as pure data: the tools' output readers, judgement, duplication and the report."""
