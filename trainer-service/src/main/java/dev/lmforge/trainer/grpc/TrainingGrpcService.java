package dev.lmforge.trainer.grpc;

import dev.lmforge.api.v1.TrainingServiceGrpc;
import io.quarkus.grpc.GrpcService;

/**
 * The TrainingService API as declared in proto/. Nothing is implemented yet: every method answers
 * UNIMPLEMENTED, so clients see the contract (and reflection lists it) without a pretend result.
 */
@GrpcService
public class TrainingGrpcService extends TrainingServiceGrpc.TrainingServiceImplBase {
}
