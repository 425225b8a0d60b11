"""The yardstick of the DCP bench: torch 1.13's own DCP reader (load_state_dict, one process)
assembling one tensor of a DCP folder, then its mean and std, or with --metadata only reading
.metadata. Usage: torch_dcp.py FOLDER (--tensor NAME | --metadata)"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "dcp"))
import dcp_compat  # noqa: E402,F401

import torch  # noqa: E402
import torch.distributed._shard.checkpoint as dcp  # noqa: E402

reader = dcp.FileSystemReader(sys.argv[1])
md = reader.read_metadata()
if sys.argv[2] == "--metadata":
    print(len(md.state_dict_metadata))
else:
    name = sys.argv[3]
    entry = md.state_dict_metadata[name]
    state = {name: torch.empty(tuple(entry.size), dtype=entry.properties.dtype)}
    dcp.load_state_dict(state, reader, no_dist=True)
    t = state[name].double()
    print(t.mean().item(), t.std().item())
