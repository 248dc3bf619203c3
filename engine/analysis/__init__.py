"""Static analysis as pure data: which tools run for a language, how their output is read, and the
normalised report (diagnostics, complexity, duplications, tool results, summary).

Nothing here starts a process: `actors/analysis.py` runs the tools in the sandbox and feeds their output
back in.
"""
