package dev.lmforge.inference;

import dev.lmforge.common.testing.ServiceContractTest;
import io.quarkus.test.junit.QuarkusTest;

import java.util.List;

/** Until its issue lands, this service starts, reports health and declares its API (all UNIMPLEMENTED). */
@QuarkusTest
class InferenceServiceContractTest extends ServiceContractTest {

    @Override
    protected List<String> grpcServices() {
        return List.of("lmforge.v1.InferenceService");
    }
}
