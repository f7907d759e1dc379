package dev.fanout.sample.signup;

import java.net.URI;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /signup} with {@code {"email": "...", "password": "..."}}: answers 201 with
 * the user id, the signup event id and the ids of the runs it started; 400 naming the
 * invalid fields; 409 if the email address already has an account.
 *
 * @since 0.1.0
 */
@RestController
public class SignupController {

	private final PasswordHasher passwordHasher;

	private final SignupService signups;

	public SignupController(PasswordHasher passwordHasher, SignupService signups) {
		this.passwordHasher = passwordHasher;
		this.signups = signups;
	}

	@PostMapping("/signup")
	public ResponseEntity<SignupResponse> signUp(@RequestBody SignupRequest request) {
		request.validate();
		// PBKDF2 is slow on purpose: hash before the transaction holds a connection.
		String passwordHash = this.passwordHasher.hash(request.password());
		SignupResponse response = this.signups.register(request.normalizedEmail(), passwordHash);
		return ResponseEntity.created(URI.create("/users/" + response.userId())).body(response);
	}

}
