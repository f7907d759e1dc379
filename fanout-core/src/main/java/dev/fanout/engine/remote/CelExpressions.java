package dev.fanout.engine.remote;

import java.util.Set;

/**
 * Reads the expressions the SDKs send (trigger filters, {@code cancel[].if},
 * {@code waitForEvent}'s {@code if} and {@code match}), written in CEL, and rewrites them
 * as the SpEL fanout evaluates everywhere else. Only the subset the SDKs emit is
 * accepted: {@code ==}, {@code !=}, {@code <}, {@code >}, {@code <=}, {@code >=},
 * {@code &&}, {@code ||}, {@code !}, parentheses, member access ({@code event.data.id},
 * {@code async.data["a-b"]}) from {@code event} and {@code async}, and string, number,
 * boolean and null literals. Anything else is refused with the reason, so that a function
 * whose expression fanout cannot evaluate fails its sync rather than matching wrongly.
 *
 * @since 0.1.0
 */
public final class CelExpressions {

	private static final Set<String> ROOTS = Set.of("event", "async");

	private static final String SUBSET = "fanout evaluates the CEL subset ==, !=, <, >, <=, >=, &&, ||, !, "
			+ "member access from event and async, and string, number, boolean and null literals";

	private final String source;

	private int position;

	private CelExpressions(String source) {
		this.source = source;
	}

	/**
	 * Rewrite a CEL expression as SpEL.
	 * @param cel the expression
	 * @return the SpEL expression with the same meaning
	 * @throws IllegalArgumentException if the expression is outside the subset, naming
	 * what and where
	 */
	public static String toSpel(String cel) {
		CelExpressions parser = new CelExpressions(cel);
		String spel = parser.or();
		parser.skipSpaces();
		if (!parser.atEnd()) {
			throw parser.refuse("unexpected '" + parser.rest() + "'");
		}
		return spel;
	}

	private String or() {
		String left = and();
		while (take("||")) {
			left = "(" + left + " or " + and() + ")";
		}
		return left;
	}

	private String and() {
		String left = relation();
		while (take("&&")) {
			left = "(" + left + " and " + relation() + ")";
		}
		return left;
	}

	private String relation() {
		String left = unary();
		for (String operator : new String[] { "==", "!=", "<=", ">=", "<", ">" }) {
			if (take(operator)) {
				return left + " " + operator + " " + unary();
			}
		}
		return left;
	}

	private String unary() {
		skipSpaces();
		if (peek() == '!' && !this.source.startsWith("!=", this.position)) {
			this.position++;
			return "!(" + unary() + ")";
		}
		if (peek() == '-') {
			this.position++;
			return "-" + number();
		}
		return primary();
	}

	private String primary() {
		skipSpaces();
		char next = peek();
		if (next == '(') {
			this.position++;
			String inner = or();
			expect(")");
			return "(" + inner + ")";
		}
		if (next == '"' || next == '\'') {
			return spelString(string());
		}
		if (Character.isDigit(next)) {
			return number();
		}
		if (Character.isLetter(next) || next == '_') {
			return path();
		}
		throw refuse(atEnd() ? "the expression ends too early" : "unexpected '" + rest() + "'");
	}

	private String path() {
		int start = this.position;
		String name = identifier();
		if (name.equals("true") || name.equals("false") || name.equals("null")) {
			return name;
		}
		if (!ROOTS.contains(name)) {
			this.position = start;
			throw refuse("'" + name + "' is not known: expressions see event and async");
		}
		StringBuilder spel = new StringBuilder(name);
		while (true) {
			if (peek() == '.') {
				this.position++;
				spel.append('.').append(identifier());
			}
			else if (peek() == '[') {
				this.position++;
				skipSpaces();
				if (peek() != '"' && peek() != '\'') {
					throw refuse("only a string literal may index a map, as in event.data[\"a-b\"]");
				}
				spel.append('[').append(spelString(string())).append(']');
				expect("]");
			}
			else if (peek() == '(') {
				throw refuse("function calls such as " + spel + "(..) are not supported");
			}
			else {
				return spel.toString();
			}
		}
	}

	private String identifier() {
		int start = this.position;
		while (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '_')) {
			this.position++;
		}
		if (start == this.position) {
			throw refuse("a name is expected");
		}
		return this.source.substring(start, this.position);
	}

	private String number() {
		int start = this.position;
		while (!atEnd() && (Character.isDigit(peek()) || peek() == '.')) {
			this.position++;
		}
		if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
			this.position++;
			if (peek() == '+' || peek() == '-') {
				this.position++;
			}
			while (!atEnd() && Character.isDigit(peek())) {
				this.position++;
			}
		}
		String number = this.source.substring(start, this.position);
		if (!number.matches("\\d+(\\.\\d+)?([eE][+-]?\\d+)?")) {
			this.position = start;
			throw refuse("'" + number + "' is not a number");
		}
		if (!atEnd() && (Character.isLetter(peek()) || peek() == '_')) {
			throw refuse("number suffixes and hexadecimal numbers are not supported");
		}
		return spelNumber(number);
	}

	/** SpEL reads a whole number as an int unless it carries an L. */
	private String spelNumber(String number) {
		if (!number.matches("\\d+")) {
			return number;
		}
		try {
			long value = Long.parseLong(number);
			return (value > Integer.MAX_VALUE) ? number + "L" : number;
		}
		catch (NumberFormatException ex) {
			throw refuse("'" + number + "' is too large a whole number");
		}
	}

	/** A string literal's value, quotes and escapes removed. */
	private String string() {
		char quote = peek();
		if (this.source.startsWith(String.valueOf(quote).repeat(3), this.position)) {
			throw refuse("triple-quoted strings are not supported");
		}
		this.position++;
		StringBuilder value = new StringBuilder();
		while (!atEnd() && peek() != quote) {
			char next = this.source.charAt(this.position++);
			if (next == '\\') {
				value.append(escaped());
			}
			else {
				value.append(next);
			}
		}
		if (atEnd()) {
			throw refuse("a string is not closed");
		}
		this.position++;
		return value.toString();
	}

	private String escaped() {
		if (atEnd()) {
			throw refuse("a string is not closed");
		}
		char code = this.source.charAt(this.position++);
		return switch (code) {
			case '\\', '"', '\'', '`', '?' -> String.valueOf(code);
			case 'n' -> "\n";
			case 't' -> "\t";
			case 'r' -> "\r";
			case 'u' -> unicode();
			default -> throw refuse("the escape \\" + code + " is not supported");
		};
	}

	private String unicode() {
		if (this.position + 4 > this.source.length()) {
			throw refuse("\\u needs four hex digits");
		}
		try {
			String hex = this.source.substring(this.position, this.position + 4);
			this.position += 4;
			return String.valueOf((char) Integer.parseInt(hex, 16));
		}
		catch (NumberFormatException ex) {
			throw refuse("\\u needs four hex digits");
		}
	}

	private static String spelString(String value) {
		return "'" + value.replace("'", "''") + "'";
	}

	private boolean take(String token) {
		skipSpaces();
		if (this.source.startsWith(token, this.position)) {
			this.position += token.length();
			return true;
		}
		return false;
	}

	private void expect(String token) {
		if (!take(token)) {
			throw refuse("'" + token + "' is expected");
		}
	}

	private void skipSpaces() {
		while (!atEnd() && Character.isWhitespace(peek())) {
			this.position++;
		}
	}

	private char peek() {
		return atEnd() ? '\0' : this.source.charAt(this.position);
	}

	private boolean atEnd() {
		return this.position >= this.source.length();
	}

	private String rest() {
		String rest = this.source.substring(this.position);
		return (rest.length() > 20) ? rest.substring(0, 20) + "..." : rest;
	}

	private IllegalArgumentException refuse(String why) {
		return new IllegalArgumentException("Expression '" + this.source + "' is not supported: " + why
				+ " (at character " + (this.position + 1) + "); " + SUBSET);
	}

}
