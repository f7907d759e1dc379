package dev.fanout.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The command line's warm-up: by default one whole unmeasured round before the measured
 * ones, none when asked, and a clear error for a value that is not a number.
 */
class OptionsTests {

	@Test
	void oneWarmUpRoundByDefault() {
		Options options = Options.parse("--db", "postgresql");
		assertThat(options.warmupRounds()).isOne();
		assertThat(options.warmupEvents()).isEqualTo(2000);
		assertThat(options.runs()).isEqualTo(3);
	}

	@Test
	void warmUpRoundsCanBeTurnedOff() {
		assertThat(Options.parse("--warmup-rounds", "0").warmupRounds()).isZero();
		assertThat(Options.parse("--warmup-rounds", "2").warmupRounds()).isEqualTo(2);
	}

	@Test
	void aWarmUpThatIsNotANumberIsRefusedByName() {
		assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("--warmup-rounds", "one"))
			.withMessageContaining("--warmup-rounds takes a whole number, not 'one'");
	}

}
