# Copied into fleetsim as the peer its benchmark is timed against (bench/targets.ts). Needs SimPy 4
# (pip install simpy==4.1.2); it is run only when `import simpy` gives 4.x.
"""The fleet-rollout model a SimPy user would write: the peer that fleetsim is timed against.

N nodes run update_engine's check schedule (first check at 7 min, then every 45 min +- 5 min).
A release appears at 1 h. A node that sees it downloads (60-120 s), finalizes (30 s), then asks a
reboot semaphore (locksmith: max holders, held from before shutdown until the node is up again),
shuts down (2 s), boots (1-5 s), releases the lock, and keeps checking. The run ends at HORIZON.
Prints: nodes, updated, sim hours to full rollout, events, wall seconds, events per second.
Usage: python3 simpy_fleet.py NODES [MAX_HOLDERS] [HORIZON_H] [SEED]
"""
import random
import sys
import time

import simpy

nodes = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
max_holders = int(sys.argv[2]) if len(sys.argv) > 2 else 1
horizon_h = float(sys.argv[3]) if len(sys.argv) > 3 else 48.0
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1

rng = random.Random(seed)
env = simpy.Environment()
lock = simpy.Resource(env, capacity=max_holders)
release_at_s = 3600.0
state = {"updated": 0, "done_at": None, "events": 0}


def node(env):
    version = 0
    yield env.timeout(7 * 60)
    while True:
        state["events"] += 1
        if version == 0 and env.now >= release_at_s:
            yield env.timeout(rng.uniform(60, 120))  # download
            yield env.timeout(30)  # verify + finalize
            with lock.request() as req:
                yield req
                yield env.timeout(2)  # shutdown
                yield env.timeout(rng.uniform(1, 5))  # boot
                version = 1
            state["updated"] += 1
            state["events"] += 6
            if state["updated"] == nodes:
                state["done_at"] = env.now
        yield env.timeout(45 * 60 + rng.uniform(-300, 300))


for _ in range(nodes):
    env.process(node(env))
start = time.perf_counter()
env.run(until=horizon_h * 3600)
wall = time.perf_counter() - start
done_h = None if state["done_at"] is None else round(state["done_at"] / 3600, 2)
print(f"nodes={nodes} updated={state['updated']} rollout_h={done_h} "
      f"events={state['events']} wall_s={wall:.2f} events_per_s={state['events'] / wall:.0f}")
