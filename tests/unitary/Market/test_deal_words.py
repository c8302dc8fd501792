"""LibDealWords against Solidity's own packing of HubStorage.Deal and DealBoost (DealWordsHarness): words packed by
the library read back field by field through the structs, and struct fields read back through the library."""

import pytest
from brownie.test import given
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

RELAXED = settings(suppress_health_check=[HealthCheck.data_too_large, HealthCheck.too_slow])
ADDRESS = 160

# field -> width in bits, in the struct's declaration order (the harness's DealFields / BoostFields)
DEAL_FIELDS = {
    "app": ADDRESS,
    "appPrice": 96,
    "appOwner": ADDRESS,
    "workerpoolPrice": 96,
    "workerpool": ADDRESS,
    "workerStake": 96,
    "workerpoolOwner": ADDRESS,
    "startTime": 40,
    "category": 32,
    "schedulerRewardRatio": 8,
    "flags": 8,
    "requester": ADDRESS,
    "botFirst": 48,
    "botSize": 48,
    "dataset": ADDRESS,
    "trust": 64,
    "shortTag": 32,
}
BOOST_FIELDS = {
    "appOwner": ADDRESS,
    "appPrice": 96,
    "workerpoolOwner": ADDRESS,
    "workerpoolPrice": 80,
    "schedulerRewardRatio": 8,
    "flags": 8,
    "requester": ADDRESS,
    "deadline": 40,
    "botFirst": 16,
    "botSize": 16,
    "shortTag": 24,
    "datasetOwner": ADDRESS,
    "datasetPrice": 96,
}


def _value(width: int, n: int):
    return "0x" + n.to_bytes(20, "big").hex() if width == ADDRESS else n


def _fields(widths: dict):
    return st.fixed_dictionaries(
        {k: st.integers(0, 2**w - 1).map(lambda n, w=w: _value(w, n)) for k, w in widths.items()}
    )


def _all_ones(widths: dict) -> dict:
    return {k: _value(w, 2**w - 1) for k, w in widths.items()}


def _args(fields: dict) -> tuple:
    return tuple(fields.values())


def _read(result) -> list:
    return [v.lower() if isinstance(v, str) else int(v) for v in result]


def _expected(fields: dict) -> list:
    return [v.lower() if isinstance(v, str) else v for v in fields.values()]


@pytest.fixture(scope="module")
def harness(DealWordsHarness, accounts):
    return DealWordsHarness.deploy({"from": accounts[0]})


@RELAXED
@given(fields=_fields(DEAL_FIELDS))
def test_deal_words_read_back_through_the_struct(harness, fields):
    assert _read(harness.dealThroughLibrary.call(_args(fields))) == _expected(fields)


@RELAXED
@given(fields=_fields(BOOST_FIELDS))
def test_boost_words_read_back_through_the_struct(harness, fields):
    assert _read(harness.boostThroughLibrary.call(_args(fields))) == _expected(fields)


@RELAXED
@given(fields=_fields(BOOST_FIELDS))
def test_boost_struct_reads_back_through_the_library(harness, fields):
    # a push reads no botFirst, so the library has no reader for it: the harness returns 0
    assert _read(harness.boostThroughStruct.call(_args(fields))) == _expected(dict(fields, botFirst=0))


@pytest.mark.parametrize("widths", [DEAL_FIELDS, BOOST_FIELDS], ids=["deal", "boost"])
def test_full_fields_do_not_spill(harness, widths):
    """Every field at its maximum: a shift off by one bit would spill into a neighbour and change a read."""
    fields = _all_ones(widths)
    through_library = harness.dealThroughLibrary if widths is DEAL_FIELDS else harness.boostThroughLibrary
    assert _read(through_library.call(_args(fields))) == _expected(fields)
    if widths is BOOST_FIELDS:
        assert _read(harness.boostThroughStruct.call(_args(fields))) == _expected(dict(fields, botFirst=0))
