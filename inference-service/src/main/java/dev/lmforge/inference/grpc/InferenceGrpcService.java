package dev.lmforge.inference.grpc;

import dev.lmforge.api.v1.InferenceServiceGrpc;
import io.quarkus.grpc.GrpcService;

/**
 * The InferenceService API as declared in proto/. Nothing is implemented yet: every method answers
 * UNIMPLEMENTED, so clients see the contract (and reflection lists it) without a pretend result.
 */
@GrpcService
public class InferenceGrpcService extends InferenceServiceGrpc.InferenceServiceImplBase {
}
