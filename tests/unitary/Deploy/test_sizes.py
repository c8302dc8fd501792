"""scripts/sizes.py: every contract fits EIP-170 (anvil enforces it, so deploy() would fail anyway)."""

from scripts.sizes import EIP170_LIMIT, sizes


def test_every_contract_fits_eip170():
    measured = sizes()
    assert "IexecHub" in measured and "EscrowModule" in measured
    too_big = {name: size for name, size in measured.items() if size >= EIP170_LIMIT}
    assert not too_big
