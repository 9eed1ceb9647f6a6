package dev.lmforge.inference.grpc;

import dev.lmforge.common.security.EventPrincipals;
import dev.lmforge.common.security.Caller;
import dev.lmforge.common.security.CallerContext;
import dev.lmforge.api.v1.Principal;
import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.GenerateRequest;
import dev.lmforge.api.v1.GenerateResponse;
import dev.lmforge.api.v1.GetModelRequest;
import dev.lmforge.api.v1.InferenceServiceGrpc;
import dev.lmforge.api.v1.ListModelsRequest;
import dev.lmforge.api.v1.ListModelsResponse;
import dev.lmforge.api.v1.Model;
import dev.lmforge.api.v1.PredictRequest;
import dev.lmforge.api.v1.PredictResponse;
import dev.lmforge.api.v1.ScoreRequest;
import dev.lmforge.api.v1.ScoreResponse;
import dev.lmforge.api.v1.SetEndpointModelRequest;
import dev.lmforge.api.v1.UnloadModelRequest;
import dev.lmforge.common.grpc.GrpcErrors;
import dev.lmforge.inference.service.Inference;
import dev.lmforge.inference.service.Endpoints;
import dev.lmforge.inference.service.ModelRegistry;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

import static dev.lmforge.common.grpc.GrpcCalls.unary;
import static dev.lmforge.common.grpc.GrpcCalls.unaryAsync;

/**
 * The InferenceService API. Each call acts in its caller's tenant, read here (the domain knows no gRPC)
 * and handed to the domain, which shows the tenant its own models and endpoints only.
 */
@GrpcService
public class InferenceGrpcService extends InferenceServiceGrpc.InferenceServiceImplBase {

    private final Inference inference;
    private final ModelRegistry registry;
    private final Endpoints endpoints;

    public InferenceGrpcService(Inference inference, ModelRegistry registry, Endpoints endpoints) {
        this.endpoints = endpoints;
        this.inference = inference;
        this.registry = registry;
    }

    /** On the event loop: queued for the model's batch and answered by the batch worker (see BatchScheduler). */
    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> response) {
        unaryAsync(response, inference.predictAsync(CallerContext.tenant(), request.getEndpoint(), request.hasTokenIds() ? null : request.getText(),
                request.hasTokenIds() ? request.getTokenIds().getIdsList().stream().mapToInt(Integer::intValue).toArray() : null,
                request.getTopK()));
    }

    /** On a worker thread: one model step per token, each sent as it comes. */
    @Override
    @Blocking
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> response) {
        ServerCallStreamObserver<GenerateResponse> call = (ServerCallStreamObserver<GenerateResponse>) response;
        try {
            inference.generate(CallerContext.tenant(), request, token -> {
                if (call.isCancelled()) {
                    throw new IllegalStateException("the client left");
                }
                response.onNext(token);
            });
            response.onCompleted();
        } catch (RuntimeException e) {
            if (!call.isCancelled()) {
                response.onError(GrpcErrors.toStatus(e));
            }
        }
    }

    @Override
    public void score(ScoreRequest request, StreamObserver<ScoreResponse> response) {
        unaryAsync(response, inference.scoreAsync(CallerContext.tenant(), request.getEndpoint(), request.getText()));
    }

    /** In memory, on the event loop. */
    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> response) {
        unary(response, () -> {
            String tenant = CallerContext.tenant();
            return ListModelsResponse.newBuilder().addAllModels(registry.models(tenant)).addAllEndpoints(registry.endpoints(tenant)).build();
        });
    }

    /** In memory, on the event loop. */
    @Override
    public void getModel(GetModelRequest request, StreamObserver<Model> response) {
        unary(response, () -> registry.model(CallerContext.tenant(), request.getModelVersion()));
    }

    @Override
    @Blocking
    public void setEndpointModel(SetEndpointModelRequest request, StreamObserver<Endpoint> response) {
        unary(response, () -> {
            Caller caller = CallerContext.current();
            return endpoints.set(caller.tenant(), request.getEndpoint(), EventPrincipals.describe(Principal.newBuilder(), caller).build());
        });
    }

    @Override
    @Blocking
    public void unloadModel(UnloadModelRequest request, StreamObserver<Model> response) {
        unary(response, () -> registry.unload(CallerContext.tenant(), request.getModelVersion()));
    }
}
