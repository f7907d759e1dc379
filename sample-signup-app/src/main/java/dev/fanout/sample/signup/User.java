package dev.fanout.sample.signup;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A user of the sample, stored in the {@code users} table. The password is kept only as a
 * salted PBKDF2 hash (see {@link PasswordHasher}).
 *
 * @param id the id, {@code null} until stored
 * @param email the email address, lower case
 * @param passwordHash the password hash
 * @param createdAt when the user signed up
 * @param signupEventId the id of the {@code app/user.signup} event, to find its runs
 * @since 0.1.0
 */
// Spring Data JDBC quotes the name as given; H2 upper-cases unquoted names.
@Table("USERS")
public record User(@Id @Nullable Long id, String email, String passwordHash, Instant createdAt,
		@Nullable String signupEventId) {

	static User create(String email, String passwordHash, Instant createdAt) {
		return new User(null, email, passwordHash, createdAt, null);
	}

	User withId(Long id) {
		return new User(id, this.email, this.passwordHash, this.createdAt, this.signupEventId);
	}

	User withSignupEventId(String signupEventId) {
		return new User(this.id, this.email, this.passwordHash, this.createdAt, signupEventId);
	}

	@Override
	public String toString() {
		return "User[id=" + this.id + ", email=" + this.email + "]";
	}

}
