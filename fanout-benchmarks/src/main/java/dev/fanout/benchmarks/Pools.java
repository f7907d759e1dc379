package dev.fanout.benchmarks;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Connection pools as an application would configure them.
 */
final class Pools {

	private Pools() {
	}

	static HikariDataSource pool(String name, DataSource connections, int size) {
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName(name);
		pool.setDataSource(connections);
		pool.setMaximumPoolSize(size);
		return pool;
	}

	static HikariDataSource pool(String name, String url, String user, String password, int size) {
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName(name);
		pool.setJdbcUrl(url);
		pool.setUsername(user);
		pool.setPassword(password);
		pool.setMaximumPoolSize(size);
		return pool;
	}

}
