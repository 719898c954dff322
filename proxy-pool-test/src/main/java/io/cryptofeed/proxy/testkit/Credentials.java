package io.cryptofeed.proxy.testkit;

import java.util.Objects;

/**
 * A user name and password a proxy requires from its clients.
 */
record Credentials(String user, String password) {

	Credentials {
		Objects.requireNonNull(user, "user");
		Objects.requireNonNull(password, "password");
	}

	boolean matches(String user, String password) {
		return this.user.equals(user) && this.password.equals(password);
	}

	@Override
	public String toString() {
		return "Credentials[user=" + this.user + ", password=******]";
	}

}
