package dev.fanout.sample.signup;

import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.fanout.Event;
import dev.fanout.EventSender;
import dev.fanout.SendResult;

/**
 * Registers a user and sends {@code app/user.signup} in one transaction: the event and
 * its runs commit with the user row or not at all, and the functions start only after the
 * commit.
 *
 * @since 0.1.0
 */
@Service
public class SignupService {

	private static final Logger logger = LoggerFactory.getLogger(SignupService.class);

	private final UserRepository users;

	private final EventSender events;

	public SignupService(UserRepository users, EventSender events) {
		this.users = users;
		this.events = events;
	}

	/**
	 * Store a new user and send the signup event.
	 * @param email the email address, normalized
	 * @param passwordHash the password hash; the password in clear never gets here
	 * @return the user id, the event id and the runs it started
	 * @throws EmailAlreadyRegisteredException if the email address has an account
	 */
	@Transactional
	public SignupResponse register(String email, String passwordHash) {
		if (this.users.existsByEmail(email)) {
			throw new EmailAlreadyRegisteredException();
		}
		User user = insert(User.create(email, passwordHash, Instant.now()));
		Event event = Event.of(UserSignedUp.EVENT, UserSignedUp.of(user));
		this.users.save(user.withSignupEventId(event.id()));
		SendResult sent = this.events.send(event);
		logger.info("Signed up user {}; event {} started runs {}", user.id(), event.id(), sent.runIds());
		return new SignupResponse(user.id(), event.id(), sent.runIds());
	}

	private User insert(User user) {
		try {
			return this.users.save(user);
		}
		catch (DuplicateKeyException ex) {
			// Signups with one address raced past existsByEmail: the unique key decides.
			throw new EmailAlreadyRegisteredException(ex);
		}
	}

}
