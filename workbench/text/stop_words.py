"""English function words that carry no signal when matching a claim against the archive.

Why a fixed list and not document frequency: BM25 already weighs every term by its
rarity, so the list only has to keep the few hundred words that occur in most texts out
of the query. Each of them would make the full-text index score a large share of the
archive for nothing ("the" is in most claims), which is what costs time at 1M claims.
Counting frequencies instead means reading the index's vocabulary, which took 5.8 s at
1M claims (see docs/decisions/0013-bm25-claim-matching.md). Numbers, negations ("not",
"never", "no") and quantities ("all", "most", "half") are kept: they change a claim.
Terms are as :func:`workbench.search.terms` splits them: "doesn't" gives "doesn" and "t".
"""

from __future__ import annotations

ENGLISH = frozenset(
    """
a about above after again against also am amp an and any are aren as at be because been
before being below between both but by can cannot co com could couldn d did didn do does
doesn doing don down during each for from further had hadn has hasn have haven having he
her here hers herself him himself his how http https i if in into is isn it its itself
just ll m me mustn my myself of off on once only or other ought our ours ourselves out
over own re rt s same shan she should shouldn so some such t than that the their theirs
them themselves then there these they this those through to too under until up ve very
via was wasn we were weren what when where which while who whom why with would wouldn
www you your yours yourself yourselves
""".split()
)
