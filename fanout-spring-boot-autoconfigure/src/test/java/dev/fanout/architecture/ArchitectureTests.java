package dev.fanout.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of the code, kept from eroding: what applications use knows nothing of the
 * machinery, the store knows nothing of the engine, the engine's rooms depend on each
 * other in one direction only, and the auto-configuration reaches the database only
 * through the engine.
 */
@AnalyzeClasses(packages = "dev.fanout", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

	@ArchTest
	static final ArchRule theApiKnowsNothingOfTheMachinery = noClasses().that()
		.resideInAPackage("dev.fanout")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("dev.fanout.engine..", "dev.fanout.store..")
		.because("applications use dev.fanout; the engine and the store are internals");

	@ArchTest
	static final ArchRule theStoreKnowsNothingOfTheEngine = noClasses().that()
		.resideInAPackage("dev.fanout.store..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("dev.fanout.engine..");

	@ArchTest
	static final ArchRule theEnginesRoomsHaveNoCycles = slices().matching("dev.fanout.engine.(*)..")
		.should()
		.beFreeOfCycles();

	@ArchTest
	static final ArchRule theEnginesRoomsDoNotReachBackToItsWiring = noClasses().that()
		.resideInAPackage("dev.fanout.engine.*..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("dev.fanout.engine");

	@ArchTest
	static final ArchRule theAutoConfigurationDoesNotTouchTheJdbcStore = noClasses().that()
		.resideInAPackage("dev.fanout.autoconfigure..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("dev.fanout.store.jdbc..");

}
