package dev.fanout.engine.function;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.util.ReflectionUtils;

import dev.fanout.Event;
import dev.fanout.NonRetriableException;
import dev.fanout.RunContext;
import dev.fanout.StepContext;
import dev.fanout.spi.PayloadSerializer;

/**
 * Calls a function method on its bean (through the bean, so its proxies apply), giving
 * each parameter what its type asks for.
 */
public final class FunctionInvoker implements FunctionBody {

	private final Object target;

	private final Method method;

	private final List<Argument> arguments;

	private FunctionInvoker(Object target, Method method, List<Argument> arguments) {
		this.target = target;
		this.method = method;
		this.arguments = arguments;
	}

	/**
	 * Create an invoker, checking the method's parameters.
	 * @param target the bean to call
	 * @param method the method, invocable on the bean
	 * @param serializer converts event data to the data parameter's type
	 * @return the invoker
	 * @throws IllegalArgumentException if a parameter is not supported, naming it
	 */
	public static FunctionInvoker of(Object target, Method method, PayloadSerializer serializer) {
		List<Argument> arguments = new ArrayList<>();
		Parameter dataParameter = null;
		for (Parameter parameter : method.getParameters()) {
			Class<?> type = parameter.getType();
			if (type == Event.class) {
				arguments.add((call) -> call.context().event());
			}
			else if (type == StepContext.class) {
				arguments.add(Call::steps);
			}
			else if (type == RunContext.class) {
				arguments.add(Call::context);
			}
			else if (isEventList(parameter.getParameterizedType())) {
				arguments.add((call) -> call.context().events());
			}
			else if (type.isPrimitive() || type == String.class || type.isEnum()
					|| (List.class.isAssignableFrom(type))) {
				throw new IllegalArgumentException("parameter '" + parameter.getName() + "' of type "
						+ parameter.getParameterizedType().getTypeName()
						+ " is not supported: event data is a JSON object, so the data parameter must be a record, "
						+ "a POJO or a Map");
			}
			else if (dataParameter != null) {
				throw new IllegalArgumentException("parameters '" + dataParameter.getName() + "' and '"
						+ parameter.getName() + "' both ask for the event data; at most one data parameter is allowed "
						+ "besides Event, StepContext, RunContext and List<Event>");
			}
			else {
				dataParameter = parameter;
				Type dataType = parameter.getParameterizedType();
				String name = parameter.getName();
				arguments.add((type == Map.class) ? (call) -> call.context().event().data()
						: (call) -> convert(serializer, call.context().event().data(), name, dataType));
			}
		}
		ReflectionUtils.makeAccessible(method);
		return new FunctionInvoker(target, method, List.copyOf(arguments));
	}

	private static @Nullable Object convert(PayloadSerializer serializer, Map<String, Object> data, String parameter,
			Type type) {
		try {
			return serializer.convert(data, type);
		}
		catch (IllegalArgumentException ex) {
			// Stored event data never changes, so retrying would fail the same way every
			// time.
			throw new NonRetriableException("Event data cannot be converted to parameter '" + parameter + "' of type "
					+ type.getTypeName() + ": " + ex.getMessage(), ex);
		}
	}

	private static boolean isEventList(Type type) {
		return type instanceof ParameterizedType parameterized && parameterized.getRawType() == List.class
				&& parameterized.getActualTypeArguments()[0] == Event.class;
	}

	/**
	 * Call the method.
	 * @param steps the step context
	 * @param context the run context
	 * @return what the method returned
	 * @throws Throwable what the method threw, unwrapped
	 */
	public @Nullable Object invoke(StepContext steps, RunContext context) throws Throwable {
		Call call = new Call(steps, context);
		Object[] values = new Object[this.arguments.size()];
		for (int i = 0; i < values.length; i++) {
			values[i] = this.arguments.get(i).resolve(call);
		}
		try {
			return this.method.invoke(this.target, values);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	/**
	 * The method this invoker calls.
	 * @return the method
	 */
	public Method method() {
		return this.method;
	}

	@Override
	public ClassLoader classLoader() {
		return this.target.getClass().getClassLoader();
	}

	/**
	 * The bean this invoker calls.
	 * @return the bean
	 */
	public Object target() {
		return this.target;
	}

	private record Call(StepContext steps, RunContext context) {
	}

	@FunctionalInterface
	private interface Argument {

		@Nullable Object resolve(Call call);

	}

}
