package dev.fanout.engine.remote;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CanonicalJsonTests {

	@Test
	void sortsKeysAndDropsWhitespace() {
		assertThat(CanonicalJson.text("{ \"b\": [3, 1.5],\n \"a\": {\"z\": true, \"y\": null} }"))
			.isEqualTo("{\"a\":{\"y\":null,\"z\":true},\"b\":[3,1.5]}");
	}

	@Test
	void sortsKeysByUtf16CodeUnits() {
		// RFC 8785 section 3.2.3.
		String json = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
				+ "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
				+ "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";
		assertThat(CanonicalJson.text(json))
			.isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
					+ "\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\","
					+ "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
	}

	@Test
	void writesNumbersAsEcmaScriptDoes() {
		// RFC 8785 section 3.2.2.3 and appendix B.
		assertThat(CanonicalJson.text("[1E30, 4.50, 2e-3, 0.000000000000000000000000001, 100.0, 1e21, 1e20, -0, 1.5]"))
			.isEqualTo("[1e+30,4.5,0.002,1e-27,100,1e+21,100000000000000000000,0,1.5]");
		assertThat(CanonicalJson.text("[333333333.33333329, 9007199254740991, 0.1, 1e-7, 5e-324]"))
			.isEqualTo("[333333333.3333333,9007199254740991,0.1,1e-7,5e-324]");
	}

	@Test
	void escapesStringsMinimallyAndKeepsUnicode() {
		// RFC 8785 section 3.2.2.2.
		assertThat(
				CanonicalJson.text("{\"é\":\"ü\",\"s\":\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\"}"))
			.isEqualTo("{\"s\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\",\"é\":\"ü\"}");
	}

	@Test
	void refusesWhatIsNotJson() {
		assertThatIllegalArgumentException().isThrownBy(() -> CanonicalJson.of("{\"a\":"))
			.withMessageStartingWith("Not JSON");
	}

}
