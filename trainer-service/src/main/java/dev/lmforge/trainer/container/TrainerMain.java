package dev.lmforge.trainer.container;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;

/**
 * One image, two roles: with no argument the trainer-service (gRPC API, jobs from Kafka); with
 * {@code train} SageMaker's training-container contract (see {@link SageMakerTraining}), exiting 0 on
 * success and 1 on failure — run it with {@code -Dquarkus.profile=sagemaker}.
 */
@QuarkusMain
public class TrainerMain implements QuarkusApplication {

    @Inject
    SageMakerTraining sageMaker;

    @Override
    public int run(String... args) {
        if (args.length > 0 && args[0].equals("train")) {
            return sageMaker.run();
        }
        Quarkus.waitForExit();
        return 0;
    }
}
