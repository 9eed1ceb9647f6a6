package dev.lmforge.inference.service;

import dev.lmforge.api.v1.GenerateRequest;
import dev.lmforge.api.v1.GenerateResponse;
import dev.lmforge.api.v1.PredictResponse;
import dev.lmforge.api.v1.ScoreResponse;
import dev.lmforge.api.v1.TokenProbability;
import dev.lmforge.api.v1.TokenScore;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.inference.engine.LanguageModelRuntime;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Prediction, scoring and generation against an endpoint's model. Every text is read as a line of
 * the training data was: after an end-of-line token, so the first word is predicted in context too;
 * a scored line also predicts its own end, so bits per character count the line break, as training
 * did. Every call names the tenant whose endpoint it uses.
 */
@ApplicationScoped
public class Inference {

    private static final double LN2 = Math.log(2);
    /** Beyond this, sampling is practically uniform over the vocabulary: a larger value is a mistake, not a choice. */
    static final double MAX_TEMPERATURE = 10;

    private final ModelRegistry registry;
    private final InferenceConfig config;

    public Inference(ModelRegistry registry, InferenceConfig config) {
        this.registry = registry;
        this.config = config;
    }

    /** The top k next tokens after a text, or after token ids. */
    public PredictResponse predict(String tenant, String endpoint, String text, int[] tokenIds, int topK) {
        long start = System.nanoTime();
        LoadedModel m = registry.acquire(tenant, endpoint);
        try {
            int vocab = m.codec.vocabSize();
            if (topK <= 0 || topK > vocab) {
                throw LmForgeException.invalidArgument("top_k must be between 1 and the vocabulary size %d, got %d", vocab, topK);
            }
            int[] ids;
            if (tokenIds != null) {
                if (tokenIds.length == 0) {
                    throw LmForgeException.invalidArgument("token_ids is empty");
                }
                if (tokenIds.length > config.maxTokenIds()) {
                    throw LmForgeException.invalidArgument("token_ids has %d ids; the limit is %d (lmforge.inference.max-token-ids)",
                            tokenIds.length, config.maxTokenIds());
                }
                for (int id : tokenIds) {
                    if (id < 0 || id >= vocab) {
                        throw LmForgeException.invalidArgument("token id %d is outside the vocabulary [0, %d)", id, vocab);
                    }
                }
                ids = prepend(m.codec.eosId(), tokenIds, false, 0);
            } else {
                ids = prepend(m.codec.eosId(), m.codec.encode(requireText(text, "text")), false, 0);
            }
            float[] logProbs = await(m.batcher.nextToken(ids));
            int[] top = topK(logProbs, topK);
            PredictResponse.Builder out = PredictResponse.newBuilder().setModelVersion(m.version);
            for (int id : top) {
                out.addTokens(TokenProbability.newBuilder().setId(id).setToken(m.codec.piece(id)).setProbability(Math.exp(logProbs[id])));
            }
            ModelMeters.since(m.meters.predict, start);
            return out.build();
        } finally {
            m.release();
        }
    }

    /** Total and per-token log-probabilities of a text, its perplexity and bits per character. */
    public ScoreResponse score(String tenant, String endpoint, String text) {
        long start = System.nanoTime();
        LoadedModel m = registry.acquire(tenant, endpoint);
        try {
            String t = requireText(text, "text");
            int[] encoded = m.codec.encode(t);
            int[] ids = prepend(m.codec.eosId(), encoded, true, m.codec.eosId());
            float[] scores = await(m.batcher.tokenScores(ids));
            ScoreResponse.Builder out = ScoreResponse.newBuilder().setModelVersion(m.version);
            double total = 0;
            for (int i = 0; i < scores.length; i++) {
                total += scores[i];
                int id = ids[i + 1];
                out.addTokens(TokenScore.newBuilder().setId(id).setToken(m.codec.piece(id)).setLogProbability(scores[i]));
            }
            int characters = t.codePointCount(0, t.length()) + 1;
            ModelMeters.since(m.meters.score, start);
            return out.setTotalLogProbability(total).setPerplexity(Math.exp(-total / scores.length))
                    .setBitsPerCharacter(-total / LN2 / characters).build();
        } finally {
            m.release();
        }
    }

    /** Generates token by token with the stateful signature, handing each token to {@code sink} as it comes. */
    public void generate(String tenant, GenerateRequest request, Consumer<GenerateResponse> sink) {
        // NaN fails every comparison: each range is checked as "inside", never as "not outside".
        int maxTokens = request.getMaxTokens() == 0 ? config.defaultGenerateTokens() : request.getMaxTokens();
        if (!(maxTokens >= 1 && maxTokens <= config.maxGenerateTokens())) {
            throw LmForgeException.invalidArgument("max_tokens must be between 1 and %d (lmforge.inference.max-generate-tokens; 0: %d), got %d",
                    config.maxGenerateTokens(), config.defaultGenerateTokens(), request.getMaxTokens());
        }
        if (!(request.getTemperature() >= 0 && request.getTemperature() <= MAX_TEMPERATURE)) {
            throw LmForgeException.invalidArgument("temperature must be a number in [0, %s] (0: greedy), got %s", MAX_TEMPERATURE, request.getTemperature());
        }
        if (!(request.getTopP() >= 0 && request.getTopP() <= 1)) {
            throw LmForgeException.invalidArgument("top_p must be a number in [0, 1] (0 or 1: no limit), got %s", request.getTopP());
        }
        double topP = request.getTopP() == 0 ? 1 : request.getTopP();
        if (request.getTopK() < 0) {
            throw LmForgeException.invalidArgument("top_k must be between 0 (no limit) and the vocabulary size, got %d", request.getTopK());
        }
        long start = System.nanoTime();
        LoadedModel m = registry.acquire(tenant, request.getEndpoint());
        try {
            if (request.getTopK() > m.codec.vocabSize()) {
                throw LmForgeException.invalidArgument("top_k must be between 0 (no limit) and the vocabulary size %d, got %d",
                        m.codec.vocabSize(), request.getTopK());
            }
            int[] prompt = request.getPrompt().isEmpty() ? new int[0] : m.codec.encode(requireText(request.getPrompt(), "prompt"));
            long seed = request.getSeed() != 0 ? request.getSeed() : System.nanoTime();
            Sampler sampler = new Sampler(request.getTemperature(), request.getTopK(), topP, seed);
            LanguageModelRuntime runtime = m.runtime;
            LanguageModelRuntime.Step step = runtime.step(m.codec.eosId(), runtime.initialState());
            for (int id : prompt) {
                step = runtime.step(id, step.state());
            }
            // The text of a token depends on its neighbours (spaces, bytes): emit the growth of the decoded text.
            String promptText = m.codec.decode(prompt);
            String produced = "";
            int[] generated = prompt;
            for (int n = 0; n < maxTokens; n++) {
                int next = sampler.next(step.logProbs());
                if (next == m.codec.eosId()) {
                    sink.accept(GenerateResponse.newBuilder().setTokenId(next).setLogProbability(step.logProbs()[next])
                            .setFinishReason("end_of_line").setModelVersion(m.version).build());
                    return;
                }
                generated = java.util.Arrays.copyOf(generated, generated.length + 1);
                generated[generated.length - 1] = next;
                String text = m.codec.decode(generated);
                String continuation = text.substring(Math.min(promptText.length(), text.length()));
                String piece = continuation.substring(Math.min(produced.length(), continuation.length()));
                produced = continuation;
                String stop = stopHit(produced, request.getStopList());
                GenerateResponse.Builder token = GenerateResponse.newBuilder().setTokenId(next).setText(piece)
                        .setLogProbability(step.logProbs()[next]).setModelVersion(m.version);
                if (stop != null) {
                    sink.accept(token.setFinishReason("stop").build());
                    return;
                }
                if (n == maxTokens - 1) {
                    token.setFinishReason("length");
                }
                sink.accept(token.build());
                step = runtime.step(next, step.state());
            }
        } finally {
            ModelMeters.since(m.meters.generate, start);
            m.release();
        }
    }

    /** The stop sequence the generated text (prompt excluded) ends with, if any. */
    private static String stopHit(String generated, java.util.List<String> stops) {
        for (String stop : stops) {
            if (!stop.isEmpty() && generated.endsWith(stop)) {
                return stop;
            }
        }
        return null;
    }

    private String requireText(String text, String field) {
        if (text == null || text.isBlank()) {
            throw LmForgeException.invalidArgument("%s is empty", field);
        }
        if (text.length() > config.maxTextChars()) {
            throw LmForgeException.invalidArgument("%s has %d characters; the limit is %d (lmforge.inference.max-text-chars)",
                    field, text.length(), config.maxTextChars());
        }
        return text;
    }

    private static int[] prepend(int eos, int[] ids, boolean appendEos, int tail) {
        int[] out = new int[ids.length + 1 + (appendEos ? 1 : 0)];
        out[0] = eos;
        System.arraycopy(ids, 0, out, 1, ids.length);
        if (appendEos) {
            out[out.length - 1] = tail;
        }
        return out;
    }

    static int[] topK(float[] values, int k) {
        java.util.PriorityQueue<Integer> heap = new java.util.PriorityQueue<>((a, b) -> Float.compare(values[a], values[b]));
        for (int i = 0; i < values.length; i++) {
            if (heap.size() < k) {
                heap.add(i);
            } else if (values[i] > values[heap.peek()]) {
                heap.poll();
                heap.add(i);
            }
        }
        int[] out = new int[heap.size()];
        for (int i = out.length - 1; i >= 0; i--) {
            out[i] = heap.poll();
        }
        return out;
    }

    private static float[] await(CompletableFuture<float[]> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LmForgeException.unavailable("interrupted", e);
        } catch (ExecutionException e) {
            // The batcher fails a request with an LmForgeException (its status) or with the model's own failure (internal).
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("the model failed: " + e.getCause(), e.getCause());
        }
    }
}
