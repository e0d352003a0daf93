"""Throttled broadcast of high-rate inputs: poll tallies, upvote counts and reactions.

Individual poll votes and question upvotes are logged for their voter only; everyone
else learns the counts from events this component appends, at a bounded rate per class::

    request (any api process)                    aggregator (one per api process)
    ─────────────────────────                    ────────────────────────────────
    vote / upvote committed ──after commit──▶ dirty (class, kind) += poll / question
    reaction ──HINCRBY rx:{class}:{second}──▶ pending (class, second)
                                              every tick (~100 ms), in its own thread:
                                              • each dirty (class, kind) whose last event is
                                                ≥ tally_interval old (here, and in every
                                                process: Redis SET NX agg:{kind}:{class})
                                                → lock the log, count, append `poll.tally`
                                                  or `qa.votes_changed`
                                              • each second that is over (+ a grace period)
                                                → take its counts (atomically) and append
                                                  one `reactions.burst`

Each event is recorded with `eventlog.service.record` in a transaction of its own, on a
small connection pool of the aggregator's own (a burst of requests cannot starve it), and
published after commit like every event. Marks are taken after the vote commits, and the
counts are read under the log's lock, so the next event after a vote includes it: no
vote is left without a tally that counts it.

Redis coordinates processes; when it does not answer, each process keeps its own rate
(fail open) and counts reactions in memory.

`domain` holds the timing rules (pure), `marks` what a request tells the aggregator (Q&A
and polls mark their votes), `service` the component (`Aggregator`, started with the api).
"""
