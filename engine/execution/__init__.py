"""Code execution as pure data: languages, limits, the sandbox command line, output comparison, verdicts.

Nothing here runs a process: `actors/sandbox.py` measures runs and feeds the measurements back in.
"""
