package dev.fanout.autoconfigure;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;

import dev.fanout.EventFunction;
import dev.fanout.engine.FanoutEngine;
import dev.fanout.engine.function.AnnotatedFunctions;
import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.spi.PayloadSerializer;

/**
 * Finds {@link EventFunction} methods on every bean once all singletons exist and
 * registers them with the engine. Methods are called through the bean, so its proxies
 * ({@code @Transactional} and so on) apply. An invalid declaration fails the startup with
 * a message naming the bean, the method and the function id.
 */
final class EventFunctionScanner implements SmartInitializingSingleton {

	private final ConfigurableListableBeanFactory beanFactory;

	private final FanoutEngine engine;

	private final FanoutProperties properties;

	private final PayloadSerializer serializer;

	private final Backoff defaultBackoff;

	EventFunctionScanner(ConfigurableListableBeanFactory beanFactory, FanoutEngine engine, FanoutProperties properties,
			PayloadSerializer serializer) {
		this.beanFactory = beanFactory;
		this.engine = engine;
		this.properties = properties;
		this.serializer = serializer;
		// Built here, not per function, so that invalid fanout.retry values fail the
		// startup even when there are no functions yet.
		this.defaultBackoff = new Backoff(properties.getRetry().getBackoff(), properties.getRetry().getJitter());
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String beanName : this.beanFactory.getBeanNamesForType(Object.class, false, false)) {
			if (ScopedProxyUtils.isScopedTarget(beanName)) {
				continue;
			}
			Class<?> type = AutoProxyUtils.determineTargetClass(this.beanFactory, beanName);
			if (type != null && AnnotationUtils.isCandidateClass(type, EventFunction.class)) {
				scan(beanName, type);
			}
		}
	}

	private void scan(String beanName, Class<?> type) {
		Map<Method, EventFunction> methods = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<EventFunction>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, EventFunction.class));
		if (methods.isEmpty()) {
			return;
		}
		Object bean = this.beanFactory.getBean(beanName);
		methods.forEach((method, annotation) -> {
			FanoutProperties.Function settings = this.properties.getFunctions().get(annotation.id());
			if (settings != null && !settings.isEnabled()) {
				return;
			}
			Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
			try {
				FunctionDefinition definition = AnnotatedFunctions.of(beanName, bean, invocable, annotation,
						overrides(settings), this.defaultBackoff, this.serializer);
				this.engine.registry().register(definition);
			}
			catch (IllegalStateException ex) {
				throw new BeanInitializationException(ex.getMessage(), ex);
			}
		});
	}

	private AnnotatedFunctions.Overrides overrides(FanoutProperties.Function settings) {
		if (settings == null) {
			return AnnotatedFunctions.Overrides.NONE;
		}
		List<Duration> backoff = settings.getBackoff();
		return new AnnotatedFunctions.Overrides(settings.getRetries(),
				(backoff != null) ? new Backoff(backoff, this.properties.getRetry().getJitter()) : null,
				settings.getConcurrency());
	}

}
