package dev.fanout.sample.signup;

import org.springframework.data.repository.ListCrudRepository;

/**
 * The users, with Spring Data JDBC.
 *
 * @since 0.1.0
 */
public interface UserRepository extends ListCrudRepository<User, Long> {

	/**
	 * Whether a user with this email exists.
	 * @param email the email address, lower case
	 * @return whether it is taken
	 */
	boolean existsByEmail(String email);

}
