"""The worker: asks its scheduler for tasks, runs the app in a sandbox, contributes, reveals and uploads results.

Talks to the chain with web3.py only (never brownie). Entry point: ``python -m offchain.worker``.
"""
