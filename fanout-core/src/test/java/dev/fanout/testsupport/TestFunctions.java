package dev.fanout.testsupport;

import java.beans.Introspector;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.springframework.util.ReflectionUtils;

import dev.fanout.EventFunction;
import dev.fanout.engine.function.AnnotatedFunctions;
import dev.fanout.engine.function.Backoff;
import dev.fanout.engine.function.FunctionDefinition;
import dev.fanout.spi.PayloadSerializer;

/**
 * Builds function definitions from plain Java beans, the way the Spring Boot starter does
 * from Spring beans: every {@link EventFunction} method of each bean, the bean named
 * after its class. Methods of one bean are taken in name order, so that registration
 * order does not depend on the JVM's reflection order.
 */
public final class TestFunctions {

	private TestFunctions() {
	}

	/**
	 * The definitions of the {@link EventFunction} methods of the given beans.
	 * @param backoff the default backoff
	 * @param serializer the payload serializer
	 * @param beans the beans
	 * @return the definitions, bean by bean
	 */
	public static List<FunctionDefinition> definitions(Backoff backoff, PayloadSerializer serializer, Object... beans) {
		List<FunctionDefinition> definitions = new ArrayList<>();
		for (Object bean : beans) {
			String beanName = beanName(bean);
			Method[] methods = ReflectionUtils.getUniqueDeclaredMethods(bean.getClass());
			Arrays.sort(methods, Comparator.comparing(Method::getName));
			for (Method method : methods) {
				EventFunction annotation = method.getAnnotation(EventFunction.class);
				if (annotation != null) {
					definitions.add(AnnotatedFunctions.of(beanName, bean, method, annotation,
							AnnotatedFunctions.Overrides.NONE, backoff, serializer));
				}
			}
		}
		return definitions;
	}

	/**
	 * The name a bean gets: its simple class name, decapitalized.
	 * @param bean the bean
	 * @return the bean name
	 */
	public static String beanName(Object bean) {
		return Introspector.decapitalize(bean.getClass().getSimpleName());
	}

}
