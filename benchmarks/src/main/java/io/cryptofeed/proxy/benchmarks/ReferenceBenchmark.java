package io.cryptofeed.proxy.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.support.ServiceInstanceListSuppliers;

/**
 * The two yardsticks for {@link SelectionBenchmark}: the limit (a bare atomic round-robin
 * over an array, no availability, no leases) and the peer (Spring Cloud LoadBalancer's
 * round-robin over the same number of instances).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ReferenceBenchmark {

	@Param({ "10", "100", "1000", "10000" })
	public int size;

	private String[] hosts;

	private final AtomicInteger position = new AtomicInteger();

	private RoundRobinLoadBalancer springCloud;

	@Setup
	public void setUp() {
		this.hosts = new String[this.size];
		ServiceInstance[] instances = new ServiceInstance[this.size];
		for (int i = 0; i < this.size; i++) {
			this.hosts[i] = BenchmarkPools.host(i);
			instances[i] = new DefaultServiceInstance("proxy-" + i, "proxies", this.hosts[i], 1080, false);
		}
		this.springCloud = new RoundRobinLoadBalancer(ServiceInstanceListSuppliers.toProvider("proxies", instances),
				"proxies");
	}

	@Benchmark
	public String bareAtomicRoundRobin() {
		return this.hosts[(this.position.getAndIncrement() & Integer.MAX_VALUE) % this.hosts.length];
	}

	@Benchmark
	public ServiceInstance springCloudRoundRobin() {
		Response<ServiceInstance> response = this.springCloud.choose().block();
		return response.getServer();
	}

}
