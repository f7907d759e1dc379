package dev.fanout.sample.email;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET|POST /admin/email-outage}: reads or flips the simulated email outage at
 * runtime, with {@code {"enabled": true|false}}. The sample has no security: do not
 * expose it as it is.
 *
 * @since 0.1.0
 */
@RestController
public class EmailOutageController {

	private final EmailOutage outage;

	public EmailOutageController(EmailOutage outage) {
		this.outage = outage;
	}

	@GetMapping("/admin/email-outage")
	public OutageState state() {
		return new OutageState(this.outage.isEnabled());
	}

	@PostMapping("/admin/email-outage")
	public OutageState change(@RequestBody OutageChange change) {
		if (change.enabled() == null) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"Send {\"enabled\": true} or {\"enabled\": false}");
		}
		this.outage.setEnabled(change.enabled());
		return state();
	}

	/**
	 * The body of a change.
	 *
	 * @param enabled whether the outage is on
	 */
	public record OutageChange(@Nullable Boolean enabled) {

	}

	/**
	 * The switch's state.
	 *
	 * @param enabled whether the outage is on
	 */
	public record OutageState(boolean enabled) {

	}

}
