package dev.fanout.autoconfigure.admin;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Who may call the admin API: the token when set, else the application's security, else
 * only a server on loopback; otherwise the API refuses to start.
 */
class AdminAccessTests {

	@Test
	void tokenIsRequiredAsBearerTokenWheneverItIsSet() {
		AdminAccess access = AdminAccess.decide("s3cret", true, "0.0.0.0", "/fanout/api");
		assertThat(access.allows("Bearer s3cret")).isTrue();
		assertThat(access.allows("bearer s3cret")).isTrue();
		assertThat(access.allows("Bearer s3cre")).isFalse();
		assertThat(access.allows("Bearer s3cret2")).isFalse();
		assertThat(access.allows("s3cret")).isFalse();
		assertThat(access.allows(null)).isFalse();
	}

	@Test
	void springSecurityIsInChargeWithoutAToken() {
		AdminAccess access = AdminAccess.decide(null, true, null, "/fanout/api");
		assertThat(access.requiresToken()).isFalse();
		assertThat(access.allows(null)).isTrue();
	}

	@Test
	void aLoopbackServerNeedsNothingElse() {
		assertThat(AdminAccess.decide(null, false, "127.0.0.1", "/fanout/api").allows(null)).isTrue();
		assertThat(AdminAccess.decide(" ", false, "::1", "/fanout/api").allows(null)).isTrue();
	}

	@Test
	void refusesToServeEveryAddressUnprotected() {
		assertThatIllegalStateException().isThrownBy(() -> AdminAccess.decide(null, false, null, "/ops/api"))
			.withMessage("fanout.dashboard.enabled=true would serve the admin API at /ops/api/** to every address "
					+ "without protection (server.address is not set). Set fanout.http.admin-token, add Spring "
					+ "Security with a rule for /ops/api/**, or set server.address to a loopback address");
		assertThatIllegalStateException().isThrownBy(() -> AdminAccess.decide("", false, "0.0.0.0", "/ops/api"))
			.withMessageContaining("(server.address is '0.0.0.0')");
	}

}
