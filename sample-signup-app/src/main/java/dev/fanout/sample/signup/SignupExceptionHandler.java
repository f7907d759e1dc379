package dev.fanout.sample.signup;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns signup failures into RFC 9457 problem details with an {@code errors} object by
 * field name, for example {@code {"status": 400, "errors": {"password": "must be at least
 * 8 characters"}}}.
 *
 * @since 0.1.0
 */
@RestControllerAdvice(assignableTypes = SignupController.class)
public class SignupExceptionHandler {

	@ExceptionHandler
	ProblemDetail invalidSignup(InvalidSignupException ex) {
		return problem(HttpStatus.BAD_REQUEST, "The signup has invalid fields", ex.fieldErrors());
	}

	@ExceptionHandler
	ProblemDetail emailTaken(EmailAlreadyRegisteredException ex) {
		return problem(HttpStatus.CONFLICT, ex.getMessage(), Map.of("email", "is already registered"));
	}

	@ExceptionHandler
	ProblemDetail unreadableBody(HttpMessageNotReadableException ex) {
		return problem(HttpStatus.BAD_REQUEST, "The request body is not a JSON object of the expected shape",
				Map.of("body", "must be JSON like {\"email\": \"...\", \"password\": \"...\"}"));
	}

	private static ProblemDetail problem(HttpStatus status, String detail, Map<String, String> errors) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setProperty("errors", errors);
		return problem;
	}

}
