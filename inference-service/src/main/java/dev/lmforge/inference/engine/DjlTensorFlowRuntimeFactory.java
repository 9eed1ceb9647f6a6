package dev.lmforge.inference.engine;

import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.inference.service.InferenceConfig;
import dev.lmforge.inference.service.LanguageModelRuntime;
import dev.lmforge.inference.service.RuntimeFactory;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * DJL's TensorFlow engine, offline: DJL would download TensorFlow's natives at run time, so the
 * build ships them (target/tensorflow-natives) and this points DJL at them before it starts.
 */
@ApplicationScoped
@Startup
public class DjlTensorFlowRuntimeFactory implements RuntimeFactory {

    private static final Logger LOG = Logger.getLogger(DjlTensorFlowRuntimeFactory.class);

    private final InferenceConfig config;

    public DjlTensorFlowRuntimeFactory(InferenceConfig config) {
        this.config = config;
        System.setProperty("ai.djl.offline", "true");
        config.tensorflowLibraryPath().filter(p -> System.getenv("TENSORFLOW_LIBRARY_PATH") == null)
                .ifPresent(p -> System.setProperty("TENSORFLOW_LIBRARY_PATH", p));
        LOG.infof("TensorFlow natives from %s", Optional.ofNullable(System.getenv("TENSORFLOW_LIBRARY_PATH"))
                .orElse(System.getProperty("TENSORFLOW_LIBRARY_PATH", "(DJL's default: a download, which fails offline)")));
    }

    @Override
    public LanguageModelRuntime open(Path modelDir, ModelCard card) throws IOException {
        InferenceConfig.TensorFlowSession session = config.session();
        return new DjlTensorFlowRuntime(modelDir, card.getVocabSize(), card.getNumLayers(), card.getHiddenSize(), card.getSignaturesList(),
                new DjlTensorFlowRuntime.SessionOptions(session.intraOpThreads(), session.interOpThreads(), session.threadSpinning()),
                config.maxForwardPositions());
    }
}
