package dev.lmforge.tuner;

import dev.lmforge.common.testing.ServiceContractTest;
import io.quarkus.test.junit.QuarkusTest;

import java.util.List;

/** The service starts, reports health, exposes metrics and lists its API through gRPC reflection. */
@QuarkusTest
class TunerServiceContractTest extends ServiceContractTest {

    @Override
    protected List<String> grpcServices() {
        return List.of("lmforge.v1.TuningService", "lmforge.v1.StudyService");
    }
}
