"""The benchmark: a generator of realistic synthetic graphs (:mod:`bench.generate`) and the runner
that measures the plain rdflib path against the stores (:mod:`bench.run`). Not part of the
installed package; run it from a checkout with ``python -m bench.run``."""
