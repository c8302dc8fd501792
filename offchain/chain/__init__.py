"""Chain access with web3.py (never brownie): ABIs, views, log following, transaction sending."""
