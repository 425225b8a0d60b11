"""Times torch.load of one file (import excluded) and reports peak RSS. Prints one JSON line.
Usage: torch_load.py FILE [weights_only]: with `weights_only`, loads with weights_only=True."""
import json, resource, sys, time
import torch

weights_only = len(sys.argv) > 2 and sys.argv[2] == "weights_only"
start = time.perf_counter()
torch.load(sys.argv[1], map_location="cpu", **({"weights_only": True} if weights_only else {}))
ms = (time.perf_counter() - start) * 1000
print(json.dumps({"ms": ms, "maxRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
