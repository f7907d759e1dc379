package dev.fanout.engine.function;

/**
 * What runs a function's code: a method of this application ({@link FunctionInvoker}), or
 * an application elsewhere that the engine drives over the run's journal
 * ({@code dev.fanout.engine.step.JournalDriven}).
 *
 * @since 0.1.0
 */
public interface FunctionBody {

	/**
	 * The class loader that loads the types of the function's step outputs.
	 * @return the loader
	 */
	ClassLoader classLoader();

}
