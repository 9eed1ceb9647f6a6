package dev.lmforge.preprocess.grpc;

import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.common.events.Topics;
import dev.lmforge.common.testing.EventProbe;
import io.grpc.Status;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.Map;

import static dev.lmforge.preprocess.grpc.PreprocessClient.Upload.text;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With S3 gone, ingestion fails with UNAVAILABLE, says why, emits nothing, and the service stays up (not ready). */
@QuarkusTest
@TestProfile(S3UnreachableTest.NoS3.class)
class S3UnreachableTest {

    /** Health and metrics: the management interface (plain HTTP, a port of its own), at its root /q/. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    public static class NoS3 implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.s3.endpoint-override", "http://127.0.0.1:9",
                    "lmforge.s3.create-bucket", "false",
                    "quarkus.s3.sync-client.connection-timeout", "1S");
        }
    }

    @TestHTTPResource("/")
    URL root;

    @Test
    void ingestionFailsWithUnavailableAndNoEvent() throws Exception {
        String id = CorpusApiTest.unique("no-s3");
        try (PreprocessClient client = new PreprocessClient(root)) {
            CorpusApiTest.expectStatus(Status.Code.UNAVAILABLE, "S3 at http://127.0.0.1:9 is unreachable",
                    () -> client.ingest(CorpusSpec.newBuilder().setName(id).build(), text("a.txt", CorpusApiTest.documents(10, 1))));
        }
        assertTrue(EventProbe.records(Topics.CORPUS_INGESTED, id, new CorpusIngestedDeserializer(), Duration.ofSeconds(2)).isEmpty());
        given().get(management + "health/live").then().statusCode(200);
        given().get(management + "health/ready").then().statusCode(503).body("checks.find { it.name == 's3' }.status", equalTo("DOWN"));
    }
}
