"""Zero-work app for the pipeline benchmark: writes a constant result at once."""

import json
import os

out = os.environ.get("IEXEC_OUT", "/iexec_out")
with open(os.path.join(out, "result.txt"), "w") as f:
    f.write("ok\n")
with open(os.path.join(out, "computed.json"), "w") as f:
    json.dump({"deterministic-output-path": "/iexec_out/result.txt"}, f)
