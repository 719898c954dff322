package io.cryptofeed.proxy.core;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a pool counts, kept by {@link ProxyPools} for the pool's key: a pool made again for a
 * key a reload dropped counts on from where the last one left, as meters scraped as monotonic
 * counters need, and the closed one still adds what its last connections do.
 */
final class PoolCounts {

	final AtomicLong panicEpisodes = new AtomicLong();

	final LongAdder failovers = new LongAdder();

	final LongAdder quietConnectionsCut = new LongAdder();

}
