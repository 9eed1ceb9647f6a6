package dev.lmforge.tuner.events;

import dev.lmforge.common.testing.TestPrincipals;
import dev.lmforge.api.v1.Metric;
import dev.lmforge.api.v1.ModelReady;
import dev.lmforge.api.v1.TrainingProgress;
import dev.lmforge.common.events.Topics;
import dev.lmforge.common.testing.PoisonRecords;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** The tuner's two consumers against the real broker: poison records go to its dead-letter topic, valid ones after them are consumed. */
@QuarkusTest
class TrialEventsTest {

    /** Health and metrics: the management interface (plain HTTP, a port of its own), at its root /q/. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndTheConsumersGoOn() {
        PoisonRecords.awaitAssigned("tuner-service", Topics.MODEL_READY, Duration.ofSeconds(60));
        PoisonRecords.awaitAssigned("tuner-service", Topics.TRAINING_PROGRESS, Duration.ofSeconds(60));
        String run = "poison-" + UUID.randomUUID().toString().substring(0, 8);
        Function<String, ModelReady> ready = job -> TestPrincipals.byEditor(ModelReady.newBuilder().setSchemaVersion(1).setTrainingJobName(job)
                .setTuningJobName("tuning-" + run).build());
        Function<String, TrainingProgress> progress = job -> TestPrincipals.byEditor(TrainingProgress.newBuilder().setSchemaVersion(1).setTrainingJobName(job)
                .setTuningJobName("tuning-" + run).addMetrics(Metric.newBuilder().setName("validation:bpc").setValue(1.5)).build());
        PoisonRecords readyPoison = new PoisonRecords(Topics.MODEL_READY).sendAll(run + "-ready", ready::apply,
                ready.apply("trial-1").toBuilder().setTuningJobName("../x").build());
        PoisonRecords progressPoison = new PoisonRecords(Topics.TRAINING_PROGRESS).sendAll(run + "-progress", progress::apply,
                progress.apply("trial-1").toBuilder().setTuningJobName("x".repeat(300)).build());

        // A trial of a tuning job that has ended (or never ran here) is no poison: it wakes nothing and is consumed.
        String validKey = run + "-valid";
        PoisonRecords.awaitConsumed("tuner-service", Topics.MODEL_READY, validKey, ready.apply("trial-2").toByteArray(), Duration.ofSeconds(60));
        PoisonRecords.awaitConsumed("tuner-service", Topics.TRAINING_PROGRESS, validKey, progress.apply("trial-2").toByteArray(), Duration.ofSeconds(60));
        readyPoison.assertDeadLettered("tuner-service", Duration.ofSeconds(30));
        progressPoison.assertDeadLettered("tuner-service", Duration.ofSeconds(30));
        given().get(management + "health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
