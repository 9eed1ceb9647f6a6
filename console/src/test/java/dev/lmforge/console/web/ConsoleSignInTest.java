package dev.lmforge.console.web;

import dev.lmforge.common.security.Role;
import dev.lmforge.common.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

/**
 * Sign-in, sessions and refusals, with no service running (the test profile points every client at a
 * closed port): what the console decides itself, before and after it calls a service.
 */
@QuarkusTest
class ConsoleSignInTest {

    @Test
    void aPageWithoutASessionLeadsToTheSignInPage() {
        given().redirects().follow(false).get("/training-jobs")
                .then().statusCode(303).header("Location", endsWith("/login"));
    }

    @Test
    void aScriptWithoutASessionGets401() {
        given().accept("application/json").get("/training-jobs/some-job/job.json")
                .then().statusCode(401).body("error", equalTo("sign in first"));
    }

    @Test
    void aTokenOfAnotherSignerIsRefusedWithItsReason() {
        given().redirects().follow(false).formParam("token", TestTokens.wrongSigner(Role.ADMIN, "default")).post("/login")
                .then().statusCode(401).body(containsString("This token was refused"));
        given().redirects().follow(false).formParam("token", TestTokens.expired(Role.ADMIN, "default")).post("/login")
                .then().statusCode(401).body(containsString("This token was refused"));
    }

    @Test
    void aValidTokenBecomesAnHttpOnlyStrictCookie() {
        given().redirects().follow(false).formParam("token", TestTokens.token(Role.VIEWER, "default")).post("/login")
                .then().statusCode(303).header("Location", endsWith("/training-jobs"))
                .header("Set-Cookie", containsString("lmforge_token="))
                .header("Set-Cookie", containsString("HttpOnly"))
                .header("Set-Cookie", containsString("SameSite=Strict"));
    }

    @Test
    void aServiceThatIsDownIsA503ThatSaysSo() {
        given().cookie("lmforge_token", TestTokens.token(Role.VIEWER, "default")).get("/training-jobs")
                .then().statusCode(503).body(containsString("not reachable"));
    }

    @Test
    void aChangeFromAnotherSiteIsRefusedBeforeAnyCall() {
        given().cookie("lmforge_token", TestTokens.token(Role.ADMIN, "default")).header("Origin", "https://evil.example")
                .post("/training-jobs/some-job/stop")
                .then().statusCode(403).body("error", containsString("console's own pages"));
        given().cookie("lmforge_token", TestTokens.token(Role.ADMIN, "default")).header("Sec-Fetch-Site", "cross-site")
                .post("/training-jobs/some-job/stop")
                .then().statusCode(403);
    }

    @Test
    void aFormLargerThanAFormIsRefusedBeforeItIsRead() {
        given().redirects().follow(false).formParam("token", "x".repeat(70_000)).post("/login")
                .then().statusCode(413).body("error", containsString("at most 65536 bytes"));
    }

    @Test
    void signingOutExpiresTheCookie() {
        given().redirects().follow(false).post("/logout")
                .then().statusCode(303).header("Set-Cookie", containsString("Max-Age=0"));
    }
}
