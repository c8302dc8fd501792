"""createCategory / viewCategory / countCategory."""

from custom_errors import reverts_with

from offchain.protocol.constants import MAX_WORK_CLOCK_TIME_REF, STANDARD_CATEGORIES


def test_standard_categories_come_first(hub):
    for catid, (name, seconds) in enumerate(STANDARD_CATEGORIES):
        category = hub.viewCategory(catid)
        assert (category[0], category[2]) == (name, seconds)


def test_create_category_appends_with_next_id(hub, owner):
    count = hub.countCategory()
    tx = hub.createCategory("XXL", '{"x": 1}', 86400, {"from": owner})
    assert hub.countCategory() == count + 1
    assert hub.viewCategory(count) == ("XXL", '{"x": 1}', 86400)
    assert tx.events["CreateCategory"].values() == [count, "XXL", '{"x": 1}', 86400]


def test_create_category_event_has_no_indexed_fields(hub, owner):
    tx = hub.createCategory("A", "B", 1, {"from": owner})
    log = tx.logs[0]
    assert len(log["topics"]) == 1  # only the signature: catid, name, description, ref all in data


def test_create_category_at_max_work_clock_time(hub, owner):
    tx = hub.createCategory("MAX", "", MAX_WORK_CLOCK_TIME_REF, {"from": owner})
    assert tx.events["CreateCategory"]["workClockTimeRef"] == MAX_WORK_CLOCK_TIME_REF


def test_create_category_above_max_work_clock_time_reverts(hub, owner):
    with reverts_with("WorkClockTimeRefTooLarge", MAX_WORK_CLOCK_TIME_REF + 1, MAX_WORK_CLOCK_TIME_REF):
        hub.createCategory("BIG", "", MAX_WORK_CLOCK_TIME_REF + 1, {"from": owner})


def test_create_category_by_non_owner_reverts(hub, owner, anyone):
    with reverts_with("CallerIsNotTheOwner", anyone, owner):
        hub.createCategory("X", "", 1, {"from": anyone})


def test_view_unknown_category_reverts(hub):
    count = hub.countCategory()
    with reverts_with("UnknownCategory", count, count):
        hub.viewCategory(count)


def test_view_huge_category_id_reverts_with_the_count(hub):
    count = hub.countCategory()
    with reverts_with("UnknownCategory", 2**256 - 1, count):
        hub.viewCategory(2**256 - 1)


def test_long_texts_and_zero_time_ref(hub, owner):
    # a zero reference time still names an existing category (its stored word carries an "exists" bit)
    name, description = "N" * 40, "D" * 100
    tx = hub.createCategory(name, description, 0, {"from": owner})
    catid = tx.events["CreateCategory"]["catid"]
    assert hub.viewCategory(catid) == (name, description, 0)
    assert hub.countCategory() == catid + 1


def test_zero_time_ref_category_can_be_matched(hub, owner, make_deal):
    catid = hub.createCategory("ZERO", "", 0, {"from": owner}).events["CreateCategory"]["catid"]
    deal = make_deal(category=catid)
    assert hub.viewDeal(deal.dealid)["category"] == catid


def test_owner_changes_keep_the_count(hub, owner, anyone):
    # the count shares the owner's storage slot
    count = hub.countCategory()
    hub.transferOwnership(anyone, {"from": owner})
    assert hub.countCategory() == count and hub.owner() == anyone
    hub.createCategory("AFTER", "", 5, {"from": anyone})
    hub.renounceOwnership({"from": anyone})
    assert hub.countCategory() == count + 1 and hub.viewCategory(count) == ("AFTER", "", 5)
