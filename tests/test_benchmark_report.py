"""The gas report's target line (scripts/benchmark.py): it names exactly the flows above 60 % of the anchor and the
steps above the anchor."""

from scripts.benchmark import target_summary


def _flow(name, ours, anchor):
    return {"flow": name, "ours_iso": ours, "anchor_iso": anchor}


def test_names_flows_above_the_target_and_steps_above_the_anchor():
    rows = [_flow("a", 600, 1000), _flow("b", 601, 1000), _flow("c", 100, 1000)]
    steps = [{"step": "deposit", "ours": 10, "anchor": 10}, {"step": "claim", "ours": 11, "anchor": 10}]
    (line,) = target_summary(rows, steps)
    assert "Flows within it: 2 of 3 (above: b 60%; see README, Gas)." in line
    assert line.endswith("Steps above the anchor: claim.")


def test_all_within_the_target():
    (line,) = target_summary([_flow("a", 500, 1000)], [{"step": "withdraw", "ours": None, "anchor": 5}])
    assert "Flows within it: 1 of 1." in line and line.endswith("Steps above the anchor: none.")
