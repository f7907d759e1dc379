package dev.fanout.test;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.junit.jupiter.SpringExtension;

import dev.fanout.FanoutAdmin;
import dev.fanout.json.JacksonPayloadSerializer;
import dev.fanout.spi.PayloadSerializer;

/**
 * A JUnit Jupiter extension that passes a {@link FanoutRuns} to test methods (and
 * lifecycle methods) of Spring tests, built on the test's application context: its
 * {@link FanoutAdmin} and its {@link PayloadSerializer}. <pre class="code">
 * &#64;SpringBootTest
 * &#64;ExtendWith(FanoutRunsExtension.class)
 * class SignupTests {
 *
 *     &#64;Test
 *     void signupStartsTrial(FanoutRuns runs) {
 *         String eventId = ...;
 *         runs.awaitEvent(eventId, RunStatus.COMPLETED);
 *     }
 *
 * }
 * </pre>
 *
 * @since 0.1.0
 */
public class FanoutRunsExtension implements ParameterResolver {

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == FanoutRuns.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		ApplicationContext context = SpringExtension.getApplicationContext(extensionContext);
		PayloadSerializer serializer = context.getBeanProvider(PayloadSerializer.class)
			.getIfAvailable(JacksonPayloadSerializer::new);
		return new FanoutRuns(context.getBean(FanoutAdmin.class), serializer);
	}

}
