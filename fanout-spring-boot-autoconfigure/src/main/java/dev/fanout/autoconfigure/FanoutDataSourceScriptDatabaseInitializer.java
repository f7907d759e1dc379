package dev.fanout.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.PropertiesBasedDataSourceScriptDatabaseInitializer;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.util.StreamUtils;

import dev.fanout.engine.settings.EngineSettings;

/**
 * Creates the fanout tables from {@code schema-@@platform@@.sql} as
 * {@code fanout.jdbc.initialize-schema} says, with the configured table prefix.
 *
 * @since 0.1.0
 */
public class FanoutDataSourceScriptDatabaseInitializer
		extends PropertiesBasedDataSourceScriptDatabaseInitializer<FanoutProperties.Jdbc> {

	private static final String DEFAULT_PREFIX = "fanout_";

	private final String tablePrefix;

	/**
	 * Create an initializer.
	 * @param dataSource the fanout data source
	 * @param properties the JDBC properties
	 */
	public FanoutDataSourceScriptDatabaseInitializer(DataSource dataSource, FanoutProperties.Jdbc properties) {
		super(dataSource, properties);
		// Checked as the engine checks it, before it goes into any DDL.
		this.tablePrefix = EngineSettings.DEFAULTS.toBuilder()
			.tablePrefix(properties.getTablePrefix())
			.build()
			.tablePrefix();
	}

	@Override
	protected void runScripts(Scripts scripts) {
		if (DEFAULT_PREFIX.equals(this.tablePrefix)) {
			super.runScripts(scripts);
			return;
		}
		List<Resource> prefixed = new ArrayList<>();
		for (Resource script : scripts) {
			prefixed.add(withPrefix(script, scripts));
		}
		super.runScripts(new Scripts(prefixed).continueOnError(scripts.isContinueOnError())
			.separator(scripts.getSeparator())
			.encoding(scripts.getEncoding()));
	}

	private Resource withPrefix(Resource script, Scripts scripts) {
		try {
			String sql = StreamUtils.copyToString(script.getInputStream(),
					(scripts.getEncoding() != null) ? scripts.getEncoding() : StandardCharsets.UTF_8);
			return new ByteArrayResource(sql.replace(DEFAULT_PREFIX, this.tablePrefix).getBytes(StandardCharsets.UTF_8),
					script.getDescription());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read fanout schema script " + script, ex);
		}
	}

}
