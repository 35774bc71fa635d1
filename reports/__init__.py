"""Reports: the numbers jobs, the Home tab and charts show, for many people at once.

Everything here reads a whole set of people's facts from a few grouped store queries
(`store.metrics`, `store.targets`, `store.teams`) and computes from them in memory with the
pure rules in `sales/`, so that a report's statements grow with the number of teams at
most, never with reps, deals or visits. Jobs, services and listeners all use this layer;
it uses none of them.
"""
