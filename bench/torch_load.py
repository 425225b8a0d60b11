"""Times torch.load of one file (import excluded) and reports peak RSS. Prints one JSON line."""
import json, resource, sys, time
import torch

start = time.perf_counter()
torch.load(sys.argv[1], map_location="cpu")
ms = (time.perf_counter() - start) * 1000
print(json.dumps({"ms": ms, "maxRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
