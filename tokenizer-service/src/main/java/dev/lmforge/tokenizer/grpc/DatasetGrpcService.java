package dev.lmforge.tokenizer.grpc;

import dev.lmforge.api.v1.DatasetServiceGrpc;
import io.quarkus.grpc.GrpcService;

/**
 * The DatasetService API as declared in proto/. Nothing is implemented yet: every method answers
 * UNIMPLEMENTED, so clients see the contract (and reflection lists it) without a pretend result.
 */
@GrpcService
public class DatasetGrpcService extends DatasetServiceGrpc.DatasetServiceImplBase {
}
