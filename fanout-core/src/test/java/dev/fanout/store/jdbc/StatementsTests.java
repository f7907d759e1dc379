package dev.fanout.store.jdbc;

import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The catalogue rendered for a table prefix: every statement once, a dialect's variant in
 * place of the shared statement, and the prefix checked before it goes into any of them.
 */
class StatementsTests {

	@Test
	void rendersEveryStatementWithTheConfiguredPrefix() {
		Statements statements = Statements.forPrefix("acme_", Map.of());
		assertThat(Sql.values()).allSatisfy((statement) -> assertThat(statements.get(statement))
			.isEqualTo(statement.text().replace("fanout_", "acme_")));
		assertThat(Arrays.stream(Sql.values()).map(statements::get)).noneMatch((sql) -> sql.contains("fanout_"));
	}

	@Test
	void keepsTheStatementsAsWrittenForTheDefaultPrefix() {
		Statements statements = Statements.forPrefix("fanout_", Map.of());
		assertThat(Sql.values())
			.allSatisfy((statement) -> assertThat(statements.get(statement)).isSameAs(statement.text()));
	}

	@Test
	void rendersADialectsVariantInPlaceOfTheSharedStatement() {
		Statements statements = Statements.forPrefix("acme_", Map.of(Sql.WAKE, PostgresDialect.WAKE_BY_KEY));
		assertThat(statements.get(Sql.WAKE)).isEqualTo(PostgresDialect.WAKE_BY_KEY.replace("fanout_", "acme_"));
		assertThat(statements.get(Sql.PARK)).isEqualTo(Sql.PARK.text().replace("fanout_", "acme_"));
	}

	@Test
	void refusesAPrefixThatIsNotAShortIdentifier() {
		assertThatIllegalArgumentException().isThrownBy(() -> Statements.forPrefix("acme; DROP TABLE x; --", Map.of()))
			.withMessageContaining("fanout.jdbc.table-prefix");
		assertThatIllegalArgumentException().isThrownBy(() -> Statements.forPrefix("1acme_", Map.of()));
		assertThatIllegalArgumentException().isThrownBy(() -> Statements.forPrefix("a".repeat(32), Map.of()));
		assertThat(Statements.forPrefix("a".repeat(31), Map.of())).isNotNull();
	}

}
