"""Fault injection: the server under a restarted database or killed workers, with what must still hold checked."""
