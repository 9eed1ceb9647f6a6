package dev.lmforge.console;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in a real headless Chromium against the running platform (./lmforge test starts the
 * services and the console after the study end to end, and names the console in LMFORGE_CONSOLE_URL
 * and the study's corpus in LMFORGE_STUDY_CORPUS). Screenshots go to target/screenshots.
 */
@EnabledIfEnvironmentVariable(named = "LMFORGE_CONSOLE_URL", matches = ".+")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String URL = System.getenv("LMFORGE_CONSOLE_URL");
    private static WebDriver browser;
    private static String trainingJob;
    /** The endpoint the tests point at a model and generate from. */
    private static final String ENDPOINT = "console-e2e";

    @BeforeAll
    static void openBrowser() throws IOException {
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(env("LMFORGE_CHROMIUM", "/usr/bin/chromium"));
        // The local console's certificate is signed by the platform's own CA, which this browser does not know.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--ignore-certificate-errors",
                "--window-size=1400,1100");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(env("LMFORGE_CHROMEDRIVER", "/usr/bin/chromedriver"))).build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    @Order(1)
    void aTokenTheIssuerDidNotSignIsRefused() {
        browser.get(URL + "/training-jobs");
        assertTrue(browser.getCurrentUrl().endsWith("/login"), "a page without a session leads to the sign-in page");
        browser.findElement(By.id("token")).sendKeys("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.bm90LWEtc2lnbmF0dXJl");
        browser.findElement(By.id("sign-in")).click();
        WebElement error = wait(30).until(b -> b.findElements(By.id("error")).stream().findFirst().orElse(null));
        assertTrue(error.getText().startsWith("This token was refused"), error.getText());
        screenshot("01-sign-in-refused");
    }

    @Test
    @Order(2)
    void everyPageRendersForAnAdministrator() {
        signIn(adminToken());
        assertEquals("admin", browser.findElement(By.id("who")).getAttribute("data-role"));
        for (String page : List.of("corpora", "datasets", "training-jobs", "tuning-jobs", "endpoints", "playground", "studies")) {
            browser.get(URL + "/" + page);
            assertFalse(browser.findElements(By.tagName("h1")).isEmpty(), page);
            assertTrue(browser.findElements(By.id("error")).isEmpty(), page + " shows an error");
            screenshot("02-" + page);
        }
        // The study's corpus: splits, languages, dropped lines, top words.
        browser.get(URL + "/corpora/" + studyCorpus());
        assertTrue(rows("splits") >= 3, "train, validation and test splits");
        assertTrue(rows("top-words") > 5, "top words");
        screenshot("03-corpus");
    }

    @Test
    @Order(3)
    void aStudysReportShowsItsPicturesAndLinksToItsJobs() {
        browser.get(URL + "/studies");
        browser.findElement(By.cssSelector("#studies tbody tr:first-child td:first-child a")).click();
        WebElement report = browser.findElement(By.id("report"));
        List<WebElement> pictures = report.findElements(By.tagName("img"));
        assertFalse(pictures.isEmpty(), "the report's pictures");
        screenshot("04-study-report");
        for (WebElement picture : pictures) {
            wait(30).withMessage(() -> "picture " + picture.getAttribute("src") + " did not load")
                    .until(b -> ((Number) js("return arguments[0].complete ? arguments[0].naturalWidth : 0", picture)).intValue() > 0);
        }
        WebElement jobLink = report.findElement(By.cssSelector("a[href^='/training-jobs/']"));
        String job = jobLink.getText();
        jobLink.click();
        assertEquals("Training job " + job, browser.findElement(By.tagName("h1")).getText());
        assertTrue(points("chart-loss") > 0, "the job's loss per epoch is drawn");
    }

    @Test
    @Order(4)
    void aTuningJobShowsItsTrialsAndCharts() {
        browser.get(URL + "/tuning-jobs");
        browser.findElement(By.cssSelector("#tuning-jobs tbody tr:first-child td:first-child a")).click();
        wait(10).until(b -> rows("trials") > 0);
        assertTrue(points("chart-objective") > 0, "objective per trial");
        assertFalse(browser.findElements(By.cssSelector("#parameter-charts svg")).isEmpty(), "objective against each parameter");
        screenshot("05-tuning-job");
    }

    @Test
    @Order(5)
    void anUploadFromTheBrowserBecomesACorpus() throws IOException {
        Path file = Files.createTempFile("console-upload", ".txt");
        try (Stream<String> lines = Files.lines(Path.of(System.getenv("LMFORGE_HOME"), "demo", "europarl-head.txt"))) {
            Files.write(file, lines.limit(3000).toList(), StandardCharsets.UTF_8);
        }
        String name = "console-upload-" + Long.toString(System.currentTimeMillis() % 100_000_000, 36);
        browser.get(URL + "/corpora");
        WebElement form = browser.findElement(By.id("upload"));
        form.findElement(By.name("name")).sendKeys(name);
        form.findElement(By.name("file")).sendKeys(file.toAbsolutePath().toString());
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait(180).until(b -> b.getCurrentUrl().endsWith("/corpora/" + name));
        assertEquals("Corpus " + name, browser.findElement(By.tagName("h1")).getText());
        assertTrue(rows("splits") >= 3);
        screenshot("06-uploaded-corpus");
        Files.delete(file);
    }

    @Test
    @Order(6)
    void aTrainingCurveGainsPointsWhileTheJobTrains() {
        String dataset = studyWordDataset();
        trainingJob = "console-live-" + Long.toString(System.currentTimeMillis() % 100_000_000, 36);
        browser.get(URL + "/training-jobs");
        WebElement form = browser.findElement(By.id("create-training-job"));
        form.findElement(By.name("training_job_name")).sendKeys(trainingJob);
        new Select(form.findElement(By.name("dataset_id"))).selectByVisibleText(dataset);
        WebElement hyperparameters = form.findElement(By.name("hyperparameters"));
        hyperparameters.clear();
        hyperparameters.sendKeys("epochs=60\nembedding_dim=32\nhidden_size=64\nnum_layers=1\nbatch_size=32\nbptt=20\noptimizer=adam\nlearning_rate=0.003");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait(30).until(b -> b.getCurrentUrl().endsWith("/training-jobs/" + trainingJob));
        assertEquals("Training job " + trainingJob, browser.findElement(By.tagName("h1")).getText());
        wait(240).until(b -> points("chart-live-loss") >= 2);
        int before = points("chart-live-loss");
        wait(120).until(b -> points("chart-live-loss") > before);
        screenshot("07-live-learning-curve");
    }

    @Test
    @Order(7)
    void aViewerSeesNoDestructiveActionAndIsRefusedACraftedOne() throws Exception {
        browser.manage().deleteAllCookies();
        signIn(cli("token", "create", "--role", "viewer", "--ttl", "30m"));
        assertEquals("viewer", browser.findElement(By.id("who")).getAttribute("data-role"));
        browser.get(URL + "/training-jobs/" + trainingJob);
        assertTrue(browser.findElements(By.id("stop")).isEmpty(), "no Stop button for a viewer");
        screenshot("08-viewer-training-job");
        for (String page : List.of("corpora", "datasets", "training-jobs", "endpoints")) {
            browser.get(URL + "/" + page);
            assertTrue(browser.findElements(By.cssSelector("main form")).isEmpty(), page + " offers a viewer no form");
        }
        // The request the Stop button would send, crafted by hand: the trainer refuses it.
        Object status = js("const done = arguments[arguments.length - 1];"
                + "fetch('/training-jobs/' + arguments[0] + '/stop', {method: 'POST', headers: {Accept: 'application/json'}, redirect: 'manual'})"
                + ".then(r => done(r.status))", trainingJob, true);
        assertEquals(403, ((Number) status).intValue());
    }

    @Test
    @Order(8)
    void anEditorStopsTheJob() {
        browser.manage().deleteAllCookies();
        signIn(adminToken());
        browser.get(URL + "/training-jobs/" + trainingJob);
        browser.findElement(By.cssSelector("#stop button")).click();
        wait(120).until(b -> {
            b.navigate().refresh();
            return b.findElement(By.id("status")).getText().startsWith("Stopped") || b.findElement(By.id("status")).getText().startsWith("Completed");
        });
    }

    @Test
    @Order(9)
    void anAdministratorPointsAnEndpointAtAModel() {
        String model = completedStudyModel();
        browser.get(URL + "/endpoints");
        WebElement form = browser.findElement(By.id("new-endpoint"));
        form.findElement(By.name("name")).sendKeys(ENDPOINT);
        form.findElement(By.name("model_version")).sendKeys(model);
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait(120).until(b -> {
            b.navigate().refresh();
            return b.findElements(By.cssSelector("#models tbody tr")).stream()
                    .anyMatch(row -> row.getText().startsWith(model + " Available"));
        });
        assertEquals(model, browser.findElement(By.cssSelector("#endpoint-" + ENDPOINT + " input[name=model_version]")).getAttribute("value"));
        screenshot("09-endpoints");
    }

    @Test
    @Order(10)
    void thePlaygroundStreamsAGeneration() {
        browser.get(URL + "/playground");
        new Select(browser.findElement(By.name("endpoint"))).selectByVisibleText(ENDPOINT);
        browser.findElement(By.id("generate")).click();
        wait(60).until(b -> b.findElement(By.id("generation-status")).getText().contains("finished"));
        assertTrue(browser.findElements(By.cssSelector("#generation .token")).size() >= 3, "tokens arrived one by one");
        browser.findElement(By.id("predict")).click();
        wait(30).until(b -> rows("next-tokens") > 0);
        browser.findElement(By.id("score")).click();
        wait(30).until(b -> b.findElement(By.id("score-result")).getText().contains("bits per character"));
        screenshot("10-playground");
    }

    private static void signIn(String token) {
        browser.get(URL + "/login");
        js("document.getElementById('token').value = arguments[0]", token);
        browser.findElement(By.id("sign-in")).click();
        wait(10).until(b -> !b.findElements(By.id("who")).isEmpty());
    }

    /** The study's reference model (its run lstm-s1), which every study trains to completion. */
    private static String completedStudyModel() {
        browser.get(URL + "/training-jobs");
        for (WebElement row : browser.findElements(By.cssSelector("#training-jobs tbody tr"))) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            if (cells.size() > 2 && cells.get(0).getText().endsWith("-lstm-s1") && cells.get(2).getText().startsWith("Completed")) {
                return cells.get(0).getText();
            }
        }
        throw new AssertionError("no completed reference model of a study");
    }

    private static String studyWordDataset() {
        browser.get(URL + "/datasets");
        for (WebElement row : browser.findElements(By.cssSelector("#datasets tbody tr"))) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            if (cells.size() > 4 && cells.get(1).getText().equals(studyCorpus()) && cells.get(2).getText().equals("Word")
                    && cells.get(4).getText().equals("Completed")) {
                return cells.get(0).getText();
            }
        }
        throw new AssertionError("no completed word-level dataset of corpus " + studyCorpus());
    }

    private static int rows(String table) {
        return browser.findElements(By.cssSelector("#" + table + " tbody tr")).size();
    }

    private static int points(String chart) {
        String value = browser.findElement(By.id(chart)).getAttribute("data-points");
        return value == null ? 0 : Integer.parseInt(value);
    }

    private static Object js(String script, Object... args) {
        if (script.contains("arguments[arguments.length - 1]")) {
            return ((JavascriptExecutor) browser).executeAsyncScript(script, args);
        }
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private static void screenshot(String name) {
        try {
            Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String studyCorpus() {
        return env("LMFORGE_STUDY_CORPUS", "study-e2e");
    }

    private static String adminToken() {
        try {
            for (String line : Files.readAllLines(Path.of(System.getenv("LMFORGE_CREDENTIALS")))) {
                if (line.startsWith("token=")) {
                    return line.substring("token=".length()).trim();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no token in " + System.getenv("LMFORGE_CREDENTIALS"));
    }

    /** The CLI, as a person runs it (LMFORGE_CLI_JAR): here to mint a viewer's token with the local issuer. */
    private static String cli(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("java", "-jar", System.getenv("LMFORGE_CLI_JAR")));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, "the CLI failed: " + out);
        String[] lines = out.split("\\R");
        return lines[lines.length - 1].trim();
    }

    private static String env(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }
}
