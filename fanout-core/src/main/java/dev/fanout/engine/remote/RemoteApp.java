package dev.fanout.engine.remote;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * An application whose functions are written with an Inngest SDK and run by fanout: where
 * it serves them and how fanout talks to it.
 *
 * @param url its serve URL, such as {@code http://crm:3000/api/inngest}
 * @param signingKey the key shared with it, or {@code null} when it runs in dev mode
 * @param callTimeout the longest fanout waits for one call
 * @since 0.1.0
 */
public record RemoteApp(URI url, @Nullable SigningKey signingKey, Duration callTimeout) {

	public RemoteApp {
		if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
			throw new IllegalArgumentException("A remote app's url must be http or https, not '" + url + "'");
		}
		if (callTimeout.isNegative() || callTimeout.isZero()) {
			throw new IllegalArgumentException("A remote app's call timeout must be positive, not " + callTimeout);
		}
	}

	/**
	 * What fanout says it is in {@code X-Inngest-Server-Kind}: {@code cloud} when it
	 * signs, as an app with a signing key expects, else {@code dev}.
	 * @return the server kind
	 */
	public String serverKind() {
		return (this.signingKey != null) ? "cloud" : "dev";
	}

}
