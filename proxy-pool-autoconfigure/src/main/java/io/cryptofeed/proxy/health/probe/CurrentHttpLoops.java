package io.cryptofeed.proxy.health.probe;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.LoopResources;

/**
 * The event loops Reactor Netty's HTTP clients share, as they are at each connect. An
 * application context that closes disposes them and the next user creates new ones; a probe
 * an application built holds this instead of the loops of the day it was built, which would
 * refuse every check after such a close. Never disposed through here: they are not ours.
 */
final class CurrentHttpLoops implements LoopResources {

	static final LoopResources INSTANCE = new CurrentHttpLoops();

	private CurrentHttpLoops() {
	}

	@Override
	public EventLoopGroup onServer(boolean useNative) {
		return HttpResources.get().onServer(useNative);
	}

	@Override
	public EventLoopGroup onClient(boolean useNative) {
		return HttpResources.get().onClient(useNative);
	}

	@Override
	public <C extends Channel> C onChannel(Class<C> channelType, EventLoopGroup group) {
		return HttpResources.get().onChannel(channelType, group);
	}

	@Override
	public <C extends Channel> Class<? extends C> onChannelClass(Class<C> channelType, EventLoopGroup group) {
		return HttpResources.get().onChannelClass(channelType, group);
	}

	@Override
	public boolean daemon() {
		return HttpResources.get().daemon();
	}

}
