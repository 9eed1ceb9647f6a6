package dev.lmforge.tuner.grpc;

import dev.lmforge.api.v1.TuningServiceGrpc;
import io.quarkus.grpc.GrpcService;

/**
 * The TuningService API as declared in proto/. Nothing is implemented yet: every method answers
 * UNIMPLEMENTED, so clients see the contract (and reflection lists it) without a pretend result.
 */
@GrpcService
public class TuningGrpcService extends TuningServiceGrpc.TuningServiceImplBase {
}
