package dev.fanout.sample.runs;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;

import dev.fanout.FanoutAdmin;
import dev.fanout.sample.signup.User;
import dev.fanout.sample.signup.UserRepository;

/**
 * Shows what a signup set off, through {@link FanoutAdmin#runsForEvent(String)}:
 * {@code GET /users/{id}/runs} as JSON, and {@code GET /users/{id}} as a page that polls
 * it.
 *
 * @since 0.1.0
 */
@Controller
public class UserRunsController {

	private final UserRepository users;

	private final FanoutAdmin fanout;

	public UserRunsController(UserRepository users, FanoutAdmin fanout) {
		this.users = users;
		this.fanout = fanout;
	}

	@GetMapping(path = "/users/{id}/runs", produces = MediaType.APPLICATION_JSON_VALUE)
	@ResponseBody
	public UserRuns runs(@PathVariable long id) {
		User user = this.users.findById(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No user " + id));
		List<RunView> runs = (user.signupEventId() != null)
				? this.fanout.runsForEvent(user.signupEventId()).stream().map(RunView::of).toList() : List.of();
		return new UserRuns(id, user.email(), user.signupEventId(), runs);
	}

	@GetMapping(path = "/users/{id}", produces = MediaType.TEXT_HTML_VALUE)
	public String page(@PathVariable long id) {
		return "forward:/user.html";
	}

}
