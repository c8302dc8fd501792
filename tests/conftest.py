import pytest

pytest_plugins = ["fixtures.worker", "fixtures.scheduler"]


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    """Revert the chain after every test."""
    pass
