package dev.lmforge.preprocess;

import dev.lmforge.common.testing.ServiceContractTest;
import io.quarkus.test.junit.QuarkusTest;

import java.util.List;

@QuarkusTest
class PreprocessServiceContractTest extends ServiceContractTest {

    @Override
    protected List<String> grpcServices() {
        return List.of("lmforge.v1.CorpusService");
    }
}
