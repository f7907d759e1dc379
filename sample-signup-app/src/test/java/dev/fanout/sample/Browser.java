package dev.fanout.sample;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver, as a person would use the
 * dashboard; screenshots go under {@code target/dashboard-screenshots}.
 */
final class Browser implements AutoCloseable {

	static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");

	private final ChromeDriver driver;

	private final String base;

	private Browser(ChromeDriver driver, String base) {
		this.driver = driver;
		this.base = base;
	}

	/**
	 * A browser on the application at this port, if Chromium and its driver are
	 * installed.
	 */
	static Optional<Browser> open(int port) {
		Optional<Path> chromium = find("chromium", "chromium-browser", "google-chrome");
		Optional<Path> chromedriver = find("chromedriver");
		if (chromium.isEmpty() || chromedriver.isEmpty()) {
			return Optional.empty();
		}
		ChromeOptions options = new ChromeOptions().setBinary(chromium.get().toFile())
			.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--window-size=1280,900");
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(chromedriver.get().toFile())
			.build();
		return Optional.of(new Browser(new ChromeDriver(service, options), "http://127.0.0.1:" + port));
	}

	Browser go(String path) {
		this.driver.get(this.base + path);
		return this;
	}

	WebDriver driver() {
		return this.driver;
	}

	List<WebElement> all(String css) {
		return this.driver.findElements(By.cssSelector(css));
	}

	WebElement one(String css) {
		return this.driver.findElement(By.cssSelector(css));
	}

	/**
	 * Wait until a condition holds, refreshed by the page itself (htmx), not by a reload;
	 * if it never does, the page is saved as a screenshot and shown in the failure.
	 */
	<T> T await(String what, Function<WebDriver, T> condition) {
		try {
			// A refresh replaces the elements a condition may be reading.
			return new WebDriverWait(this.driver, Duration.ofSeconds(30)).withMessage(what)
				.ignoring(StaleElementReferenceException.class)
				.until(condition);
		}
		catch (TimeoutException ex) {
			screenshot("failed-" + what.replaceAll("[^A-Za-z0-9]+", "-"));
			throw new AssertionError("Timed out waiting for " + what + " on " + this.driver.getCurrentUrl() + ":\n"
					+ one("main").getText(), ex);
		}
	}

	/** Click a button that asks for confirmation, and confirm. */
	void clickAndConfirm(String css) {
		one(css).click();
		await("the confirmation dialog", (driver) -> {
			try {
				driver.switchTo().alert().accept();
				return true;
			}
			catch (org.openqa.selenium.NoAlertPresentException ex) {
				return false;
			}
		});
	}

	/** Mark the page, to tell later that it was not reloaded. */
	void mark() {
		this.driver.executeScript("window.fanoutTestMark = 'still here';");
	}

	boolean marked() {
		return "still here".equals(this.driver.executeScript("return window.fanoutTestMark;"));
	}

	void screenshot(String name) {
		try {
			Files.createDirectories(SCREENSHOTS);
			Files.copy(this.driver.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name + ".png"),
					java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		this.driver.quit();
	}

	private static Optional<Path> find(String... names) {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		for (String name : names) {
			for (String directory : path.split(File.pathSeparator)) {
				Path candidate = Path.of(directory, name);
				if (Files.isExecutable(candidate)) {
					return Optional.of(candidate);
				}
			}
		}
		return Optional.empty();
	}

}
