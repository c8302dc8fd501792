"""The protocol itself, in pure Python: ids, hashes, signed messages, constants and the consensus/reward math.

Shared by the tests (as the reference model) and by the scheduler and worker. Nothing here talks to a chain.
"""
