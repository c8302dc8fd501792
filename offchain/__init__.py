"""Off-chain side of the PoCo re-implementation.

Python services and helpers that work next to the contracts (workers, schedulers, order books, ...).
Installed in editable mode by `make setup` (`pip install -e .`).
"""
