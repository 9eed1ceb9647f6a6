package dev.lmforge.inference.service;

import dev.lmforge.api.v1.GenerateRequest;
import dev.lmforge.api.v1.GenerateResponse;
import dev.lmforge.api.v1.PredictResponse;
import dev.lmforge.api.v1.ScoreResponse;
import dev.lmforge.api.v1.TokenProbability;
import dev.lmforge.api.v1.TokenScore;
import dev.lmforge.common.errors.LmForgeException;
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

    /** The top k next tokens after a text, or after token ids; waits for the answer (see {@link #predictAsync}). */
    public PredictResponse predict(String tenant, String endpoint, String text, int[] tokenIds, int topK) {
        return await(predictAsync(tenant, endpoint, text, tokenIds, topK));
    }

    /**
     * The top k next tokens after a text, or after token ids, without blocking the caller: the
     * request is checked here and queued for the model's batch; the batch worker encodes the text,
     * runs the model and completes the future with the answer. Cancelling the future takes the
     * request out of its batch if that has not run yet. Never throws: a bad request fails the future.
     */
    public CompletableFuture<PredictResponse> predictAsync(String tenant, String endpoint, String text, int[] tokenIds, int topK) {
        return onModel(tenant, endpoint, new ModelRequest<>() {
            @Override
            public CompletableFuture<BatchScheduler.Forward> submit(LoadedModel m, Runnable whenDone) {
                int vocab = m.codec.vocabSize();
                if (topK <= 0 || topK > vocab) {
                    throw LmForgeException.invalidArgument("top_k must be between 1 and the vocabulary size %d, got %d", vocab, topK);
                }
                if (tokenIds != null) {
                    requireTokenIds(tokenIds, vocab);
                    return m.queue.nextToken(() -> prepend(m.codec.eosId(), tokenIds, false, 0), whenDone);
                }
                String t = requireText(text, "text");
                return m.queue.nextToken(() -> prepend(m.codec.eosId(), m.codec.encode(t), false, 0), whenDone);
            }

            @Override
            public PredictResponse answer(LoadedModel m, BatchScheduler.Forward forward, long start) {
                float[] logProbs = forward.values();
                PredictResponse.Builder out = PredictResponse.newBuilder().setModelVersion(m.version);
                for (int id : TopK.indices(logProbs, topK)) {
                    out.addTokens(TokenProbability.newBuilder().setId(id).setToken(m.codec.piece(id)).setProbability(Math.exp(logProbs[id])));
                }
                ModelMeters.since(m.meters.predict, start);
                return out.build();
            }
        });
    }

    private void requireTokenIds(int[] tokenIds, int vocab) {
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
    }

    /** Total and per-token log-probabilities of a text, its perplexity and bits per character; waits for the answer. */
    public ScoreResponse score(String tenant, String endpoint, String text) {
        return await(scoreAsync(tenant, endpoint, text));
    }

    /** {@link #score}, without blocking the caller, as {@link #predictAsync} does it. */
    public CompletableFuture<ScoreResponse> scoreAsync(String tenant, String endpoint, String text) {
        return onModel(tenant, endpoint, new ModelRequest<>() {
            @Override
            public CompletableFuture<BatchScheduler.Forward> submit(LoadedModel m, Runnable whenDone) {
                String t = requireText(text, "text");
                return m.queue.tokenScores(() -> prepend(m.codec.eosId(), m.codec.encode(t), true, m.codec.eosId()), whenDone);
            }

            @Override
            public ScoreResponse answer(LoadedModel m, BatchScheduler.Forward forward, long start) {
                int[] ids = forward.ids();
                float[] scores = forward.values();
                ScoreResponse.Builder out = ScoreResponse.newBuilder().setModelVersion(m.version);
                double total = 0;
                for (int i = 0; i < scores.length; i++) {
                    total += scores[i];
                    int id = ids[i + 1];
                    out.addTokens(TokenScore.newBuilder().setId(id).setToken(m.codec.piece(id)).setLogProbability(scores[i]));
                }
                int characters = text.codePointCount(0, text.length()) + 1;
                ModelMeters.since(m.meters.score, start);
                return out.setTotalLogProbability(total).setPerplexity(Math.exp(-total / scores.length))
                        .setBitsPerCharacter(-total / LN2 / characters).build();
            }
        });
    }

    /** How a request is queued for its model's batch, and how its answer is made from what the batch returns. */
    private interface ModelRequest<T> {

        /** Checks the request and queues it; {@code whenDone} releases the model. */
        CompletableFuture<BatchScheduler.Forward> submit(LoadedModel model, Runnable whenDone);

        T answer(LoadedModel model, BatchScheduler.Forward forward, long startNanos);
    }

    /**
     * Holds the endpoint's model until the request has left its batch (a hot swap waits for it), and
     * passes a cancellation of the returned future on to the queued request.
     */
    private <T> CompletableFuture<T> onModel(String tenant, String endpoint, ModelRequest<T> request) {
        long start = System.nanoTime();
        LoadedModel m;
        CompletableFuture<BatchScheduler.Forward> queued;
        try {
            m = registry.acquire(tenant, endpoint);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        try {
            queued = request.submit(m, m::release);
        } catch (RuntimeException e) {
            m.release();
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> answer = queued.thenApply(forward -> request.answer(m, forward, start));
        answer.whenComplete((r, e) -> {
            if (answer.isCancelled()) {
                queued.cancel(false);
            }
        });
        return answer;
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
            IncrementalDecoder text = new IncrementalDecoder(m.codec, prompt);
            StringBuilder produced = new StringBuilder();
            for (int n = 0; n < maxTokens; n++) {
                int next = sampler.next(step.logProbs());
                if (next == m.codec.eosId()) {
                    sink.accept(GenerateResponse.newBuilder().setTokenId(next).setLogProbability(step.logProbs()[next])
                            .setFinishReason("end_of_line").setModelVersion(m.version).build());
                    return;
                }
                String piece = text.add(next);
                produced.append(piece);
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
    private static String stopHit(StringBuilder generated, java.util.List<String> stops) {
        for (String stop : stops) {
            int from = generated.length() - stop.length();
            if (!stop.isEmpty() && from >= 0 && generated.indexOf(stop, from) == from) {
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

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LmForgeException.unavailable("interrupted", e);
        } catch (ExecutionException e) {
            // A request fails with an LmForgeException (its status) or with the model's own failure (internal).
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("the model failed: " + e.getCause(), e.getCause());
        }
    }
}
