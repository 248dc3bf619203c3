"""Ray actors holding live state (room hosts, matchmaker, interviewers) and the runners that touch
the outside world."""
