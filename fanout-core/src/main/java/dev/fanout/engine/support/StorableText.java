package dev.fanout.engine.support;

/**
 * Text that the databases store as it is: no NUL character, which PostgreSQL text
 * refuses, and no unpaired UTF-16 surrogate, which has no UTF-8 form and is stored as
 * {@code ?}.
 *
 * @since 0.1.0
 */
public final class StorableText {

	private StorableText() {
	}

	/**
	 * Where a text first holds a character that cannot be stored as it is.
	 * @param text the text
	 * @return the index, or -1 if the text can be stored
	 */
	public static int firstProblem(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (isPair(text, i)) {
				i++;
			}
			else if (c == '\0' || Character.isSurrogate(c)) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * What is wrong with the character at an index {@link #firstProblem} returned.
	 * @param text the text
	 * @param index the index
	 * @return a description, such as {@code a NUL character}
	 */
	public static String problemAt(String text, int index) {
		return (text.charAt(index) == '\0') ? "a NUL character" : "an unpaired UTF-16 surrogate";
	}

	/**
	 * The text with a NUL written as {@code \u0000} and an unpaired surrogate replaced by
	 * U+FFFD: for what fanout records itself, such as an error message, which must never
	 * be refused.
	 * @param text the text
	 * @return text that can be stored
	 */
	public static String sanitize(String text) {
		int first = firstProblem(text);
		if (first < 0) {
			return text;
		}
		StringBuilder out = new StringBuilder(text.length() + 8).append(text, 0, first);
		for (int i = first; i < text.length(); i++) {
			char c = text.charAt(i);
			if (isPair(text, i)) {
				out.append(c).append(text.charAt(++i));
			}
			else if (c == '\0') {
				out.append("\\u0000");
			}
			else {
				out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
			}
		}
		return out.toString();
	}

	private static boolean isPair(String text, int i) {
		return Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length()
				&& Character.isLowSurrogate(text.charAt(i + 1));
	}

}
